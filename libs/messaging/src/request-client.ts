import type * as amqp from 'amqplib';
import { DIRECT_REPLY_TO, ERROR_REPLY_TYPE, HEADERS, type Envelope } from '@hub/contracts';
import type { AmqpConnection } from './amqp-connection.js';
import type { MessageCodec, OutgoingMessage } from './message-codec.js';

export interface RequestTarget {
  /** how the caller names this target in the results, e.g. the agency code */
  name: string;
  exchange: string;
  routingKey: string;
  message: OutgoingMessage;
}

export type GatherResult<R = unknown> =
  | { target: string; status: 'ok'; reply: Envelope<R>; latencyMs: number }
  | { target: string; status: 'timeout'; latencyMs: number }
  | { target: string; status: 'error'; error: string; latencyMs: number };

interface PendingRequest {
  target: string;
  startedAt: number;
  timer: NodeJS.Timeout;
  resolve: (result: GatherResult) => void;
}

/**
 * Request/reply over direct reply-to: no reply queue to declare, and a request that nobody answers in time simply
 * expires in its queue. `scatterGather` sends one request per target under one deadline and always resolves at the
 * deadline at the latest, with one result per target; replies that come later are dropped and counted.
 */
export class RequestClient {
  private channel?: amqp.Channel;
  private readonly pending = new Map<string, PendingRequest>();
  private lateReplies = 0;
  private rejectedReplies = 0;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly codec: MessageCodec,
  ) {}

  get stats(): { inFlight: number; lateReplies: number; rejectedReplies: number } {
    return { inFlight: this.pending.size, lateReplies: this.lateReplies, rejectedReplies: this.rejectedReplies };
  }

  async start(): Promise<void> {
    await this.connection.onConnect(async (model) => {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      channel.on('return', (message: amqp.Message) =>
        this.finish(String(message.properties.messageId), (p) => ({
          target: p.target,
          status: 'error',
          error: 'no-route: no service consumes these requests',
          latencyMs: Date.now() - p.startedAt,
        })),
      );
      channel.on('close', () => {
        if (this.channel === channel) this.channel = undefined;
        for (const id of [...this.pending.keys()]) {
          this.finish(id, (p) => ({
            target: p.target,
            status: 'error',
            error: 'broker connection lost',
            latencyMs: Date.now() - p.startedAt,
          }));
        }
      });
      await channel.consume(DIRECT_REPLY_TO, (message) => message && this.onReply(message), { noAck: true });
      this.channel = channel;
    });
  }

  request<R = unknown>(target: RequestTarget, deadlineMs: number): Promise<GatherResult<R>> {
    return this.send(target, Date.now() + deadlineMs) as Promise<GatherResult<R>>;
  }

  scatterGather<R = unknown>(targets: RequestTarget[], deadlineMs: number): Promise<GatherResult<R>[]> {
    const deadline = Date.now() + deadlineMs;
    return Promise.all(targets.map((target) => this.send(target, deadline))) as Promise<GatherResult<R>[]>;
  }

  private send(target: RequestTarget, deadline: number): Promise<GatherResult> {
    const startedAt = Date.now();
    const channel = this.channel;
    if (!channel) {
      return Promise.resolve({
        target: target.name,
        status: 'error',
        error: 'not connected to the broker',
        latencyMs: 0,
      });
    }
    const remaining = Math.max(1, deadline - startedAt);
    let encoded;
    try {
      encoded = this.codec.encode({ ...target.message, expiresAt: new Date(deadline) });
    } catch (err) {
      return Promise.resolve({ target: target.name, status: 'error', error: (err as Error).message, latencyMs: 0 });
    }
    const id = encoded.envelope.id;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.finish(id, (p) => ({ target: p.target, status: 'timeout', latencyMs: Date.now() - p.startedAt })),
        remaining,
      );
      this.pending.set(id, { target: target.name, startedAt, timer, resolve });
      channel.publish(target.exchange, target.routingKey, encoded.content, {
        ...encoded.properties,
        replyTo: DIRECT_REPLY_TO,
        expiration: String(remaining),
        persistent: false,
        mandatory: true,
      });
    });
  }

  private onReply(message: amqp.ConsumeMessage): void {
    const requestId = String(message.properties.correlationId);
    if (!this.pending.has(requestId)) {
      this.lateReplies++;
      return;
    }
    if (message.properties.type === ERROR_REPLY_TYPE) {
      const reason = String(message.properties.headers?.[HEADERS.error] ?? 'the service failed');
      this.finish(requestId, (p) => ({
        target: p.target,
        status: 'error',
        error: reason,
        latencyMs: Date.now() - p.startedAt,
      }));
      return;
    }
    const decoded = this.codec.decode(message);
    if (!decoded.ok || decoded.spec.delivery !== 'reply') {
      this.rejectedReplies++;
      const error = decoded.ok ? `${decoded.envelope.type} is not a reply` : `invalid reply: ${decoded.reason}`;
      this.finish(requestId, (p) => ({
        target: p.target,
        status: 'error',
        error,
        latencyMs: Date.now() - p.startedAt,
      }));
      return;
    }
    this.finish(requestId, (p) => ({
      target: p.target,
      status: 'ok',
      reply: decoded.envelope,
      latencyMs: Date.now() - p.startedAt,
    }));
  }

  private finish(requestId: string, result: (pending: PendingRequest) => GatherResult): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.resolve(result(pending));
  }
}
