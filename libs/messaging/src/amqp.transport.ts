import {
  BaseRpcContext,
  ClientProxy,
  Server,
  type CustomTransportStrategy,
  type ReadPacket,
  type WritePacket,
} from '@nestjs/microservices';
import type * as amqp from 'amqplib';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Envelope, MessageTypeRegistry } from '@hub/contracts';
import { pruneProcessedMessages, type IdempotencyStore } from './idempotency.js';
import type { OutgoingMessage } from './message-codec.js';
import type {
  MessageBatchContext,
  MessageBatchHandlerFn,
  MessageConsumer,
  MessageContext,
  MessageHandlerFn,
} from './message-consumer.js';
import type { MessagingClient } from './messaging-client.js';
import type { QueueSpec } from './topology.js';

/**
 * What `@Ctx()` gives a handler: the verified envelope (or, for a batch handler, the envelopes), the attempt, and
 * the transaction of persistent messages.
 */
export class AmqpContext<Tx = unknown> extends BaseRpcContext<[MessageContext<Tx> | MessageBatchContext<Tx>]> {
  get message(): MessageContext<Tx> | MessageBatchContext<Tx> {
    return this.args[0];
  }

  getEnvelope(): Envelope {
    const message = this.message;
    if ('envelopes' in message) throw new Error(`${message.queue}: a batch handler has several envelopes`);
    return message.envelope;
  }

  /** The message as it arrived, body bytes and signature header included: what a receiver keeps as evidence. */
  getRawMessage(): amqp.ConsumeMessage {
    const message = this.message;
    if ('envelopes' in message) throw new Error(`${message.queue}: a batch handler has several messages`);
    return message.raw;
  }

  /** Persistent messages only: write through this so the handler's work and the message id commit together. */
  getTransaction(): Tx {
    if (this.message.transaction === undefined) throw new Error(`${this.message.queue} is not a persistent queue`);
    return this.message.transaction;
  }
}

export interface AmqpServerOptions {
  messaging: MessagingClient;
  queues: Array<QueueSpec & { prefetch?: number }>;
  /** required when any queue is persistent */
  idempotency?: IdempotencyStore;
  /** how long processed message ids are kept (default a week), pruned hourly */
  processedMessageRetentionMs?: number;
}

/**
 * The `@nestjs/microservices` server strategy on libs/messaging. Handlers are ordinary `@MessagePattern(type)`
 * (request/reply: return `{ type, payload }` of the reply) and `@EventPattern(type)` (persistent: return when done;
 * a throw means retry) with the message type as pattern, e.g. `@MessagePattern('query.request.v1')`. An event
 * handler marked `@EventPattern(type, { batch: true })` gets an array of envelopes, those that arrived together,
 * to handle in the one transaction of `getTransaction()`; a failed batch comes again one envelope at a time.
 */
export class AmqpServer extends Server implements CustomTransportStrategy {
  private readonly consumers: MessageConsumer[] = [];
  private stopPruning = () => undefined as void;

  constructor(private readonly options: AmqpServerOptions) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const { messaging } = this.options;
      if (!messaging.isConnected) await messaging.connect();
      const handlers = new Map<string, MessageHandlerFn>();
      const batchHandlers = new Map<string, MessageBatchHandlerFn>();
      for (const [pattern, handler] of this.messageHandlers) {
        if (handler.extras?.batch === true) {
          batchHandlers.set(pattern, async (envelopes, context) => {
            const result: unknown = await handler(envelopes, new AmqpContext([context]));
            if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          });
          continue;
        }
        handlers.set(pattern, async (envelope, context) => {
          const result: unknown = await handler(envelope, new AmqpContext([context]));
          // Most handlers return a plain value; only an interceptor's stream needs rxjs to settle.
          if (!isObservable(result)) return result as OutgoingMessage | void;
          return (await lastValueFrom(result, { defaultValue: undefined })) as OutgoingMessage | void;
        });
      }
      for (const queue of this.options.queues) {
        this.consumers.push(
          await messaging.consume({
            queue,
            prefetch: queue.prefetch,
            handlers,
            batchHandlers,
            idempotency: this.options.idempotency,
          }),
        );
      }
      if (this.options.idempotency) {
        this.stopPruning = pruneProcessedMessages(this.options.idempotency, {
          retentionMs: this.options.processedMessageRetentionMs,
          onError: (err) => this.logger.warn(`processed message ids not pruned: ${err.message}`),
        });
      }
      this._status$.next('connected');
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    this.stopPruning();
    await Promise.all(this.consumers.splice(0).map((consumer) => consumer.stop()));
    this._status$.next('disconnected');
  }

  on(): void {
    throw new Error('AmqpServer has no events to listen to; use the messaging client');
  }

  unwrap<T>(): T {
    return this.options.messaging as T;
  }
}

export interface AmqpClientOptions {
  messaging: MessagingClient;
  registry: MessageTypeRegistry;
  requestTimeoutMs?: number;
}

/**
 * The `ClientProxy` on libs/messaging: `send(routingKey, message)` is a request with a deadline and emits the
 * gather result; `emit(routingKey, message)` is a confirmed persistent publish. The exchange follows the type.
 */
export class AmqpClient extends ClientProxy {
  constructor(private readonly options: AmqpClientOptions) {
    super();
  }

  async connect(): Promise<void> {
    if (!this.options.messaging.isConnected) await this.options.messaging.connect();
  }

  async close(): Promise<void> {
    await this.options.messaging.close();
  }

  unwrap<T>(): T {
    return this.options.messaging as T;
  }

  protected publish(packet: ReadPacket<OutgoingMessage>, callback: (packet: WritePacket) => void): () => void {
    let disposed = false;
    const routingKey = String(packet.pattern);
    this.options.messaging
      .request(
        { name: routingKey, exchange: this.exchangeOf(packet.data), routingKey, message: packet.data },
        this.options.requestTimeoutMs ?? 3_000,
      )
      .then(
        (result) => !disposed && callback({ response: result, isDisposed: true }),
        (err: unknown) => !disposed && callback({ err, isDisposed: true }),
      );
    return () => (disposed = true);
  }

  protected async dispatchEvent<T = string>(packet: ReadPacket<OutgoingMessage>): Promise<T> {
    return (await this.options.messaging.publish(
      this.exchangeOf(packet.data),
      String(packet.pattern),
      packet.data,
    )) as T;
  }

  private exchangeOf(message: OutgoingMessage): string {
    const spec = this.options.registry.get(message.type);
    if (!spec) throw new Error(`unknown message type ${message.type}`);
    return spec.exchange;
  }
}
