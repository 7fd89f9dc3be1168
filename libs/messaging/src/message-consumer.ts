import type * as amqp from 'amqplib';
import { BUNDLE_TYPE, ERROR_REPLY_TYPE, EXCHANGES, HEADERS, type Envelope } from '@hub/contracts';
import { withCorrelation } from '@hub/observability';
import type { AmqpConnection, ConnectionLogger } from './amqp-connection.js';
import { Batcher } from '@hub/common';
import { bundleMessage, decodeBundle, itemMessage, type BundleItem, type BundleItemProperties } from './bundle.js';
import type { ConfirmedPublisher } from './confirmed-publisher.js';
import type { IdempotencyStore } from './idempotency.js';
import type { MessageCodec, OutgoingMessage } from './message-codec.js';
import { DEFAULT_DELIVERY_LIMIT, DEFAULT_PREFETCH, declareQueueOn, type QueueSpec } from './topology.js';

export interface MessageContext<Tx = unknown> {
  envelope: Envelope;
  queue: string;
  /** 1 on the first delivery */
  attempt: number;
  /** persistent messages: the transaction the message id is recorded in; write through it */
  transaction?: Tx;
  raw: amqp.ConsumeMessage;
}

/** What a batch handler gets with its envelopes: one transaction for all of them. */
export interface MessageBatchContext<Tx = unknown> {
  envelopes: Envelope[];
  queue: string;
  /** 1 for a batch; a message retried alone comes as a batch of one with its attempt */
  attempt: number;
  transaction: Tx;
}

/** A request handler returns its reply; an event handler returns nothing. */
export type MessageHandlerFn = (envelope: Envelope, context: MessageContext) => Promise<OutgoingMessage | void>;

/** Handles several persistent messages of one type at once, in delivery order, writing through one transaction. */
export type MessageBatchHandlerFn = (envelopes: Envelope[], context: MessageBatchContext) => Promise<void>;

/** A message that failed alone carries its error; errors are not told apart with `instanceof` (see isUnavailable). */
type BatchOutcome = 'processed' | 'duplicate' | 'alone' | { failed: unknown };

/** A message waiting its turn in the consumer's line (see `inLine`), by the order it arrived in. */
interface InLine {
  arrival: number;
  work: () => Promise<boolean>;
  resolve: (processed: boolean) => void;
  reject: (err: unknown) => void;
}

export interface MessageConsumerOptions {
  queue: QueueSpec;
  prefetch?: number;
  /** the handler for each message type this queue carries; any other type is parked */
  handlers: ReadonlyMap<string, MessageHandlerFn>;
  /**
   * Persistent queues: types whose messages are handled together, those that arrive in one turn of the event loop
   * in one transaction. When a batch fails, each of its messages is handled alone, with the usual retries.
   */
  batchHandlers?: ReadonlyMap<string, MessageBatchHandlerFn>;
  /** required for persistent queues */
  idempotency?: IdempotencyStore;
  /** the first retry waits this long, each next one twice as long */
  retryBaseDelayMs?: number;
}

export interface ConsumerStats {
  processed: number;
  duplicates: number;
  parked: number;
  retried: number;
  /** tries held back because the database was out of reach */
  waitedForStore: number;
  expired: number;
  failedReplies: number;
}

/**
 * Consumes one queue: checks every message through the codec, parks what is invalid at once with its reason, runs
 * the handler, and acknowledges only after the handler has succeeded (and, for persistent messages, committed).
 * A failing handler is retried with back-off up to the queue's delivery limit, then the message is parked; while the
 * database is out of reach, the message is held and tried again instead, without spending its deliveries, in line
 * with the others held and in the order they arrived (see `inLine`).
 */
export class MessageConsumer {
  private channel?: amqp.Channel;
  private consumerTag?: string;
  private inFlight = 0;
  private stopping = false;
  private arrivals = 0;
  private readonly line: InLine[] = [];
  private lineMoving = false;
  private readonly batchers = new Map<string, Batcher<Envelope, BatchOutcome>>();
  readonly stats: ConsumerStats = {
    processed: 0,
    duplicates: 0,
    parked: 0,
    retried: 0,
    waitedForStore: 0,
    expired: 0,
    failedReplies: 0,
  };

  constructor(
    private readonly connection: AmqpConnection,
    private readonly codec: MessageCodec,
    private readonly publisher: ConfirmedPublisher,
    private readonly options: MessageConsumerOptions,
    private readonly logger: ConnectionLogger = console,
  ) {
    if (options.queue.kind === 'persistent' && !options.idempotency) {
      throw new Error(`queue ${options.queue.queue} holds persistent messages and needs an idempotency store`);
    }
  }

  get queue(): string {
    return this.options.queue.queue;
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.connection.onConnect((model) => this.subscribe(model));
  }

  /** Declares the queue and consumes it on a channel of its own: at every (re)connect, and after a broker cancel. */
  private async subscribe(model: amqp.ChannelModel): Promise<void> {
    if (this.stopping) return;
    await declareQueueOn(model, this.options.queue);
    const channel = await model.createChannel();
    channel.on('error', (err: Error) => this.logger.warn(`consumer ${this.queue}: ${err.message}`));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    await channel.prefetch(this.options.prefetch ?? DEFAULT_PREFETCH);
    const { consumerTag } = await channel.consume(this.queue, (message) => {
      if (message) void this.onMessage(channel, message);
      else this.cancelledByBroker(model, channel);
    });
    this.channel = channel;
    this.consumerTag = consumerTag;
  }

  /**
   * The broker cancels a consumer (amqplib hands it `null`) when its queue goes away under it: deleted, or a classic
   * queue whose node a cluster lost. The connection is still up, so no reconnect declares the queue again: the
   * consumer does, on the node it is connected to, and consumes it again, with back-off while it cannot. What is in
   * hand finishes on the old channel, which is closed a little later.
   */
  private cancelledByBroker(model: amqp.ChannelModel, channel: amqp.Channel): void {
    if (this.stopping || this.channel !== channel) return;
    this.logger.warn(
      `consumer ${this.queue}: cancelled by the broker (queue deleted or its node lost); declaring it again`,
    );
    this.channel = undefined;
    this.consumerTag = undefined;
    setTimeout(() => void channel.close().catch(() => undefined), 10_000).unref();
    this.resubscribe(model, 0);
  }

  private resubscribe(model: amqp.ChannelModel, attempt: number): void {
    const delay = attempt === 0 ? 0 : Math.min(5_000, 100 * 2 ** attempt);
    setTimeout(() => {
      // stopped, consuming again, or the connection is gone: its reconnect sets the consumer up anew
      if (this.stopping || this.channel || !this.connection.isConnected) return;
      this.subscribe(model).then(
        () => this.logger.log(`consumer ${this.queue}: consuming again`),
        (err: Error) => {
          this.logger.warn(`consumer ${this.queue}: declaring again failed: ${err.message}`);
          this.resubscribe(model, attempt + 1);
        },
      );
    }, delay).unref();
  }

  /** Stops taking messages and waits for those in hand to finish (or the time to run out). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    const until = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    if (channel) await channel.close().catch(() => undefined);
    this.channel = undefined;
  }

  private async onMessage(channel: amqp.Channel, message: amqp.ConsumeMessage): Promise<void> {
    this.inFlight++;
    // counted before anything is awaited: the order the broker delivered in
    const arrival = ++this.arrivals;
    try {
      if (this.options.queue.kind === 'request') await this.onRequest(channel, message);
      else await this.onPersistent(channel, message, arrival);
    } catch (err) {
      // Only broker trouble gets here (ack/park on a closed channel); the broker redelivers what was not acked.
      this.logger.warn(`consumer ${this.queue}: ${(err as Error).message}`);
    } finally {
      this.inFlight--;
    }
  }

  private async onRequest(channel: amqp.Channel, message: amqp.ConsumeMessage): Promise<void> {
    if (message.properties.type === BUNDLE_TYPE) {
      await this.onRequestBundle(channel, message);
    } else {
      const replyTo = message.properties.replyTo as string | undefined;
      await this.handleRequest(message, (content, properties) => {
        if (replyTo) channel.publish(EXCHANGES.reply, replyTo, content, properties);
      });
    }
    channel.ack(message);
  }

  /**
   * A bundle of requests: each is handled as if it had come alone, and the replies that are ready in the same turn
   * of the event loop go back together, in a bundle of their own.
   */
  private async onRequestBundle(channel: amqp.Channel, message: amqp.ConsumeMessage): Promise<void> {
    if (message.content.length > this.codec.maxBodyBytes) {
      await this.park(message, `oversized bundle: ${message.content.length} bytes, limit ${this.codec.maxBodyBytes}`);
      return;
    }
    const unbundled = decodeBundle(message.content);
    if (!unbundled.ok) {
      await this.park(message, `invalid bundle: ${unbundled.reason}`);
      return;
    }
    const replyTo = message.properties.replyTo as string | undefined;
    let ready: BundleItem[] = [];
    const send = (content: Buffer, properties: amqp.Options.Publish) => {
      if (!replyTo) return;
      ready.push({ content, properties: properties as BundleItemProperties });
      if (ready.length > 1) return;
      setImmediate(() => {
        const replies = ready;
        ready = [];
        if (replies.length === 1) {
          channel.publish(EXCHANGES.reply, replyTo, replies[0]!.content, replies[0]!.properties);
          return;
        }
        const bundle = bundleMessage(replies, this.codec.identity.service);
        channel.publish(EXCHANGES.reply, replyTo, bundle.content, bundle.properties);
      });
    };
    await Promise.all(unbundled.items.map((item) => this.handleRequest(itemMessage(message, item), send)));
  }

  /** One request, alone or from a bundle: its reply (or error reply) goes to `send`. */
  private async handleRequest(
    message: amqp.ConsumeMessage,
    send: (content: Buffer, properties: amqp.Options.Publish) => void,
  ): Promise<void> {
    const decoded = await this.codec.decodeWithFreshKeys(message);
    if (!decoded.ok) {
      await this.park(message, decoded.reason);
      this.replyError(send, message, `invalid-message: ${decoded.reason}`);
      return;
    }
    const { envelope } = decoded;
    if (envelope.expiresAt && Date.parse(envelope.expiresAt) < Date.now()) {
      this.stats.expired++;
      return;
    }
    const handler = this.options.handlers.get(envelope.type);
    if (!handler) {
      await this.park(message, `no handler for ${envelope.type} on ${this.queue}`);
      this.replyError(send, message, `no handler for ${envelope.type}`);
      return;
    }
    try {
      const reply = await withCorrelation(envelope.correlationId, () =>
        handler(envelope, { envelope, queue: this.queue, attempt: 1, raw: message }),
      );
      if (reply && message.properties.replyTo) {
        const encoded = this.codec.encode({
          agreement: envelope.agreement,
          purpose: envelope.purpose,
          ...reply,
          correlationId: envelope.correlationId,
        });
        send(encoded.content, { ...encoded.properties, correlationId: message.properties.messageId });
      }
      this.stats.processed++;
    } catch (err) {
      this.stats.failedReplies++;
      this.replyError(send, message, (err as Error).message);
    }
  }

  private async onPersistent(channel: amqp.Channel, message: amqp.ConsumeMessage, arrival: number): Promise<void> {
    const decoded = await this.codec.decodeWithFreshKeys(message);
    if (!decoded.ok) {
      await this.park(message, decoded.reason);
      channel.ack(message);
      return;
    }
    const { envelope } = decoded;
    // the sender said not to act on it after this time; kept with its reason rather than dropped, as evidence
    if (envelope.expiresAt && Date.parse(envelope.expiresAt) < Date.now()) {
      this.stats.expired++;
      await this.park(message, `expired at ${envelope.expiresAt}`);
      channel.ack(message);
      return;
    }
    const handler = this.options.handlers.get(envelope.type);
    const batchHandler = this.options.batchHandlers?.get(envelope.type);
    if (!handler && !batchHandler) {
      await this.park(message, `no handler for ${envelope.type} on ${this.queue}`);
      channel.ack(message);
      return;
    }
    const attempt = Number(message.properties.headers?.[HEADERS.deliveryCount] ?? 0) + 1;
    // a redelivered message goes alone, so that it cannot fail a batch again; while messages wait in line, a new one
    // joins them rather than overtake them in a batch
    const batched =
      batchHandler && attempt === 1 && this.options.idempotency!.runBatch && this.line.length === 0
        ? await this.batcherFor(envelope.type, batchHandler).add(envelope)
        : 'alone';
    try {
      if (batched === 'processed' || batched === 'duplicate') {
        this.stats[batched === 'processed' ? 'processed' : 'duplicates']++;
        channel.ack(message);
        return;
      }
      // the store was away for the batch: this message, alone, waits for it like any other
      if (batched !== 'alone') {
        if (!this.options.idempotency!.isUnavailable?.(batched.failed)) throw batched.failed;
        this.stats.waitedForStore++;
      }
      const handle = () =>
        withCorrelation(envelope.correlationId, () =>
          this.options.idempotency!.runOnce(this.queue, envelope.id, async (transaction) => {
            if (handler) await handler(envelope, { envelope, queue: this.queue, attempt, transaction, raw: message });
            else await batchHandler!([envelope], { envelopes: [envelope], queue: this.queue, attempt, transaction });
          }),
        );
      // Batch-handled types are streams whose order matters (a status after the one before it): what cannot go in
      // a batch goes in line. So does everything while the line is not empty, or once the store is found away.
      const processed =
        batchHandler || batched !== 'alone' || this.line.length > 0
          ? await this.inLine(arrival, handle)
          : await handle().catch((err: unknown) => {
              if (!this.storeAway(err)) throw err;
              return this.inLine(arrival, handle);
            });
      if (processed) this.stats.processed++;
      else this.stats.duplicates++;
      channel.ack(message);
    } catch (err) {
      const limit = this.options.queue.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT;
      if (attempt >= limit) {
        await this.park(message, `handler failed ${attempt} times: ${(err as Error).message}`);
        channel.ack(message);
        return;
      }
      this.stats.retried++;
      const delay = (this.options.retryBaseDelayMs ?? 200) * 2 ** (attempt - 1);
      await new Promise((r) => setTimeout(r, delay));
      channel.nack(message, false, true);
    }
  }

  /** Whether the store is out of reach (counted, and said once per try), while the consumer is not stopping. */
  private storeAway(err: unknown): boolean {
    if (this.stopping || !this.options.idempotency?.isUnavailable?.(err)) return false;
    this.stats.waitedForStore++;
    this.logger.warn(`consumer ${this.queue}: the database is out of reach (${(err as Error).message}); waiting`);
    return true;
  }

  /**
   * Handles messages one at a time, earliest arrival first, each tried again in place for as long as the store is
   * out of reach: a database restart must neither spend a message's deliveries and park it, nor let a later message
   * (a department's `answered`) be applied before an earlier one (its `taken`) that happened to be tried later.
   */
  private inLine(arrival: number, work: () => Promise<boolean>): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const at = this.line.findIndex((waiting) => waiting.arrival > arrival);
      this.line.splice(at === -1 ? this.line.length : at, 0, { arrival, work, resolve, reject });
      if (!this.lineMoving) void this.moveLine();
    });
  }

  private async moveLine(): Promise<void> {
    this.lineMoving = true;
    let delay = this.options.retryBaseDelayMs ?? 200;
    try {
      while (this.line.length > 0) {
        // the earliest waiting now: one that arrived earlier may have joined while the one before was tried
        const next = this.line[0]!;
        let outcome: { processed: boolean } | { failed: unknown };
        try {
          outcome = { processed: await next.work() };
        } catch (err) {
          if (this.storeAway(err)) {
            await new Promise((r) => setTimeout(r, delay));
            delay = Math.min(delay * 2, 5_000);
            continue;
          }
          outcome = { failed: err };
        }
        this.line.splice(this.line.indexOf(next), 1);
        delay = this.options.retryBaseDelayMs ?? 200;
        if ('processed' in outcome) next.resolve(outcome.processed);
        else next.reject(outcome.failed);
      }
    } finally {
      this.lineMoving = false;
    }
  }

  private batcherFor(type: string, handler: MessageBatchHandlerFn): Batcher<Envelope, BatchOutcome> {
    let batcher = this.batchers.get(type);
    if (!batcher) {
      batcher = new Batcher((envelopes) => this.runBatch(envelopes, handler), {
        maxBatch: this.options.prefetch ?? DEFAULT_PREFETCH,
        concurrency: 2,
      });
      this.batchers.set(type, batcher);
    }
    return batcher;
  }

  private async runBatch(envelopes: Envelope[], handler: MessageBatchHandlerFn): Promise<BatchOutcome[]> {
    try {
      const fresh = await this.options.idempotency!.runBatch!(
        this.queue,
        envelopes.map((e) => e.id),
        (transaction, fresh) => {
          const todo = envelopes.filter((_, i) => fresh[i]);
          return handler(todo, { envelopes: todo, queue: this.queue, attempt: 1, transaction });
        },
      );
      return fresh.map((f) => (f ? 'processed' : 'duplicate'));
    } catch (err) {
      // a message that failed alone takes the retry path at once; a batch is tried again one message at a time
      if (envelopes.length === 1) return [{ failed: err }];
      this.logger.warn(
        `consumer ${this.queue}: a batch of ${envelopes.length} failed (${(err as Error).message}); handling each alone`,
      );
      return envelopes.map(() => 'alone');
    }
  }

  /** Moves a message to this queue's parking queue, with its reason, before the original is acknowledged. */
  private async park(message: amqp.ConsumeMessage, reason: string): Promise<void> {
    this.stats.parked++;
    this.logger.warn(`consumer ${this.queue}: parked message ${String(message.properties.messageId)}: ${reason}`);
    // The broker stamps (checks) our own user_id: the parking lot believes who parked a message from it alone. A
    // parked message must not expire.
    const { userId, expiration: _expiration, ...properties } = message.properties;
    await this.publisher.publish(EXCHANGES.deadLetter, this.queue, message.content, {
      ...properties,
      userId: this.codec.identity.service,
      messageId: String(properties.messageId ?? `unidentified-${message.fields.deliveryTag}-${Date.now()}`),
      headers: {
        ...properties.headers,
        [HEADERS.parkedReason]: reason.slice(0, 1_000),
        [HEADERS.parkedAt]: new Date().toISOString(),
        [HEADERS.parkedFrom]: this.queue,
        [HEADERS.originalUser]: userId ?? null,
      },
    });
  }

  private replyError(
    send: (content: Buffer, properties: amqp.Options.Publish) => void,
    message: amqp.ConsumeMessage,
    reason: string,
  ): void {
    if (!message.properties.replyTo) return;
    send(Buffer.from('{}'), {
      type: ERROR_REPLY_TYPE,
      correlationId: message.properties.messageId,
      userId: this.codec.identity.service,
      headers: { [HEADERS.error]: reason.slice(0, 500) },
    });
  }
}
