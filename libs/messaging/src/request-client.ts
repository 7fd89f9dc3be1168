import { randomUUID } from 'node:crypto';
import type * as amqp from 'amqplib';
import {
  BUNDLE_TYPE,
  ERROR_REPLY_TYPE,
  EXCHANGES,
  HEADERS,
  replyQueueName,
  SENDER_RULES,
  serviceParty,
  type Envelope,
} from '@hub/contracts';
import type { AmqpConnection } from './amqp-connection.js';
import { bundleMessage, decodeBundle, itemMessage } from './bundle.js';
import type { EncodedMessage, MessageCodec, OutgoingMessage } from './message-codec.js';
import { REPLY_QUEUE_OPTIONS } from './topology.js';

export interface RequestTarget {
  /** how the caller names this target in the results, e.g. the agency code */
  name: string;
  exchange: string;
  routingKey: string;
  message: OutgoingMessage;
  /** the broker user that must answer (e.g. `adapter-fk`); a reply or error reply from any other is refused */
  responder?: string;
}

export type GatherResult<R = unknown> =
  | { target: string; status: 'ok'; reply: Envelope<R>; latencyMs: number }
  | { target: string; status: 'timeout'; latencyMs: number }
  | { target: string; status: 'error'; error: string; latencyMs: number };

interface PendingRequest {
  target: string;
  responder?: string;
  startedAt: number;
  timer: NodeJS.Timeout;
  resolve: (result: GatherResult) => void;
}

/** A request waiting for the end of the turn, to go alone or in a bundle with the others to its routing key. */
interface OutgoingRequest {
  exchange: string;
  routingKey: string;
  encoded: EncodedMessage;
  deadline: number;
}

/** Most requests in one bundle; a bundle also stays under half the body limit. */
const MAX_BUNDLE_ITEMS = 64;

/**
 * Request/reply: each instance consumes its own exclusive reply queue, bound to the `hub.reply` topic exchange under
 * its own name, and a request that nobody answers in time simply expires in its queue. (Not RabbitMQ's direct
 * reply-to: answering through it needs write access to the default exchange, which reaches every queue by name.) `scatterGather` sends one request per target under one deadline and always resolves at the
 * deadline at the latest, with one result per target; replies that come later are dropped and counted.
 * Requests made in the same turn of the event loop to the same routing key go in one AMQP message, a bundle
 * (`bundle.ts`), which costs the broker and the responder far less than one message each; each request in it keeps
 * its own id, body, signature and deadline, and the responder's replies may come alone or bundled.
 */
export class RequestClient {
  private channel?: amqp.Channel;
  private readonly pending = new Map<string, PendingRequest>();
  private lateReplies = 0;
  private rejectedReplies = 0;
  private outgoing: OutgoingRequest[] = [];
  private replyTo = '';

  constructor(
    private readonly connection: AmqpConnection,
    private readonly codec: MessageCodec,
  ) {}

  get stats(): { inFlight: number; lateReplies: number; rejectedReplies: number } {
    return { inFlight: this.pending.size, lateReplies: this.lateReplies, rejectedReplies: this.rejectedReplies };
  }

  /** Only a service that may send requests has a reply queue: no other may bind to hub.reply. */
  private get mayRequest(): boolean {
    const party = serviceParty(this.codec.identity.service);
    return SENDER_RULES.some(
      (r) => r.sender === party?.role && this.codec.registry.get(r.type)?.delivery === 'request',
    );
  }

  async start(): Promise<void> {
    if (!this.mayRequest) return;
    await this.connection.onConnect(async (model) => {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      channel.on('return', (message: amqp.Message) => {
        const unroutable = (p: PendingRequest): GatherResult => ({
          target: p.target,
          status: 'error',
          error: 'no-route: no service consumes these requests',
          latencyMs: Date.now() - p.startedAt,
        });
        if (message.properties.type !== BUNDLE_TYPE) {
          this.finish(String(message.properties.messageId), unroutable);
          return;
        }
        const unbundled = decodeBundle(message.content);
        if (unbundled.ok)
          for (const item of unbundled.items) this.finish(String(item.properties.messageId), unroutable);
      });
      channel.on('close', () => {
        if (this.channel === channel) this.channel = undefined;
        this.outgoing = [];
        for (const id of [...this.pending.keys()]) {
          this.finish(id, (p) => ({
            target: p.target,
            status: 'error',
            error: 'broker connection lost',
            latencyMs: Date.now() - p.startedAt,
          }));
        }
      });
      // a new name per connection: the exclusive queue goes with the connection that declared it
      const replyQueue = replyQueueName(this.codec.identity.service, randomUUID());
      await channel.assertQueue(replyQueue, {
        ...REPLY_QUEUE_OPTIONS,
        arguments: { ...REPLY_QUEUE_OPTIONS.arguments },
      });
      await channel.bindQueue(replyQueue, EXCHANGES.reply, replyQueue);
      await channel.consume(replyQueue, (message) => message && this.onReply(message), { noAck: true });
      this.replyTo = replyQueue;
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
      this.pending.set(id, { target: target.name, responder: target.responder, startedAt, timer, resolve });
      this.outgoing.push({ exchange: target.exchange, routingKey: target.routingKey, encoded, deadline });
      if (this.outgoing.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Publishes the requests of this turn: alone when one goes to its routing key, else in bundles. */
  private flush(): void {
    const requests = this.outgoing;
    this.outgoing = [];
    const channel = this.channel;
    const byKey = new Map<string, OutgoingRequest[]>();
    for (const r of requests) {
      const key = `${r.exchange}\u0000${r.routingKey}`;
      const list = byKey.get(key);
      if (list) list.push(r);
      else byKey.set(key, [r]);
    }
    const now = Date.now();
    for (const list of byKey.values()) {
      for (const bundle of this.chunks(list)) {
        const { exchange, routingKey } = bundle[0]!;
        const expiration = String(Math.max(1, Math.max(...bundle.map((r) => r.deadline)) - now));
        try {
          if (!channel) throw new Error('not connected to the broker');
          if (bundle.length === 1) {
            const { content, properties } = bundle[0]!.encoded;
            channel.publish(exchange, routingKey, content, {
              ...properties,
              replyTo: this.replyTo,
              expiration,
              persistent: false,
              mandatory: true,
            });
          } else {
            const message = bundleMessage(
              bundle.map((r) => r.encoded),
              this.codec.identity.service,
            );
            channel.publish(exchange, routingKey, message.content, {
              ...message.properties,
              replyTo: this.replyTo,
              expiration,
              persistent: false,
              mandatory: true,
            });
          }
        } catch (err) {
          for (const r of bundle) {
            this.finish(r.encoded.envelope.id, (p) => ({
              target: p.target,
              status: 'error',
              error: (err as Error).message,
              latencyMs: Date.now() - p.startedAt,
            }));
          }
        }
      }
    }
  }

  private *chunks(list: OutgoingRequest[]): Generator<OutgoingRequest[]> {
    const maxBytes = this.codec.maxBodyBytes / 2;
    let chunk: OutgoingRequest[] = [];
    let bytes = 0;
    for (const r of list) {
      const size = r.encoded.content.length + 512;
      if (chunk.length > 0 && (chunk.length === MAX_BUNDLE_ITEMS || bytes + size > maxBytes)) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      chunk.push(r);
      bytes += size;
    }
    if (chunk.length > 0) yield chunk;
  }

  private onReply(message: amqp.ConsumeMessage): void {
    if (message.properties.type !== BUNDLE_TYPE) {
      this.onSingleReply(message);
      return;
    }
    const unbundled = decodeBundle(message.content);
    if (!unbundled.ok) {
      this.rejectedReplies++;
      return;
    }
    for (const item of unbundled.items) this.onSingleReply(itemMessage(message, item));
  }

  private onSingleReply(message: amqp.ConsumeMessage): void {
    const requestId = String(message.properties.correlationId);
    const pending = this.pending.get(requestId);
    if (!pending) {
      this.lateReplies++;
      return;
    }
    // another service may reach this queue through hub.reply, but never answer for the one that was asked
    if (pending.responder !== undefined && message.properties.userId !== pending.responder) {
      this.rejectedReplies++;
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
