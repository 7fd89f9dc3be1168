import type { MessageTypeRegistry } from '@hub/contracts';
import { AmqpConnection, type AmqpConnectionOptions, type ConnectionLogger } from './amqp-connection.js';
import { ConfirmedPublisher } from './confirmed-publisher.js';
import { MessageCodec, type MessageCodecOptions, type OutgoingMessage } from './message-codec.js';
import { MessageConsumer, type ConsumerStats, type MessageConsumerOptions } from './message-consumer.js';
import { KeyDirectory } from './key-directory.js';
import { HttpKeyStore, MemoryKeyStore } from './key-store.js';
import { SignatureVerifier, type Jwks } from './signing.js';
import type { MessagingConfig } from './messaging.config.js';
import { RequestClient, type GatherResult, type RequestTarget } from './request-client.js';

export interface MessagingOptions extends MessageCodecOptions {
  connection: Omit<AmqpConnectionOptions, 'name'>;
  keys?: MessagingKeys;
}

/** A service's keys beyond signing and checking: what it publishes, and where else it learns others' keys. */
export interface MessagingKeys {
  /** this service's JWKS, as its /.well-known/jwks.json serves it */
  published(): Jwks;
  /** keys set at run time, e.g. an agency's JWKS registered through the hub's operator API */
  registered: MemoryKeyStore;
  /** the parties' JWKS URLs (JWKS_URLS), fetched from `connect()` on */
  remote?: HttpKeyStore;
}

/** A service's messaging options from its validated configuration: identity, keys, trust and broker login. */
export function messagingOptionsFrom(config: MessagingConfig, registry: MessageTypeRegistry): MessagingOptions {
  const keys = new KeyDirectory(config.keysDir);
  const registered = new MemoryKeyStore();
  const remote = Object.keys(config.jwksUrls).length
    ? new HttpKeyStore(config.jwksUrls, config.keysRefreshMs)
    : undefined;
  const signer = keys.signerFor(config.service, config.generateDevKeys);
  return {
    identity: { service: config.service, organisation: config.organisation },
    registry,
    trustedSenders: config.trustedSenders,
    verifier: new SignatureVerifier(
      keys.trustedKeys(config.keysRefreshMs, remote ? [registered, remote] : [registered]),
      { legacyKeyIds: config.legacyKeyIds },
    ),
    signer,
    keys: { published: () => keys.publishedJwks(config.service), registered, remote },
    signRequests: config.signRequests,
    maxBodyBytes: config.maxBodyBytes,
    connection: { url: config.amqpUrl, username: config.service, password: config.password },
  };
}

/**
 * A service's whole view of the broker: confirmed publishing, request/reply and scatter-gather, and consumers.
 * Publishing and consuming use separate connections, so that flow control on one never stalls the other.
 */
export class MessagingClient {
  readonly codec: MessageCodec;
  readonly publishConnection: AmqpConnection;
  readonly consumeConnection: AmqpConnection;
  readonly publisher: ConfirmedPublisher;
  readonly requests: RequestClient;
  readonly keys?: MessagingKeys;
  private readonly consumers: MessageConsumer[] = [];

  constructor(
    options: MessagingOptions,
    private readonly logger: ConnectionLogger = console,
  ) {
    this.codec = new MessageCodec(options);
    this.keys = options.keys;
    const name = options.identity.service;
    this.publishConnection = new AmqpConnection({ ...options.connection, name: `${name}:publish` }, logger);
    this.consumeConnection = new AmqpConnection({ ...options.connection, name: `${name}:consume` }, logger);
    this.publisher = new ConfirmedPublisher(this.publishConnection);
    this.requests = new RequestClient(this.publishConnection, this.codec);
  }

  async connect(): Promise<void> {
    await this.keys?.remote?.start();
    await Promise.all([this.publishConnection.connect(), this.consumeConnection.connect()]);
    await this.publisher.start();
    await this.requests.start();
  }

  get isConnected(): boolean {
    return this.publishConnection.isConnected && this.consumeConnection.isConnected;
  }

  /** Publishes a persistent message; resolves when the broker has confirmed it. Returns the message id. */
  /**
   * A confirmed persistent publish. It fails when no queue is bound for the routing key, unless `broadcast` says
   * that nobody listening is fine (a notice such as agreement.changed while no adapter is deployed).
   */
  async publish(
    exchange: string,
    routingKey: string,
    message: OutgoingMessage,
    options: { broadcast?: boolean } = {},
  ): Promise<string> {
    const encoded = this.codec.encode(message);
    await this.publisher.publish(exchange, routingKey, encoded.content, {
      ...encoded.properties,
      mandatory: !options.broadcast,
    });
    return encoded.envelope.id;
  }

  request<R = unknown>(target: RequestTarget, deadlineMs: number): Promise<GatherResult<R>> {
    return this.requests.request<R>(target, deadlineMs);
  }

  scatterGather<R = unknown>(targets: RequestTarget[], deadlineMs: number): Promise<GatherResult<R>[]> {
    return this.requests.scatterGather<R>(targets, deadlineMs);
  }

  async consume(options: MessageConsumerOptions): Promise<MessageConsumer> {
    const consumer = new MessageConsumer(this.consumeConnection, this.codec, this.publisher, options, this.logger);
    await consumer.start();
    this.consumers.push(consumer);
    return consumer;
  }

  /** What this instance's consumers have done, per queue: with several instances on one queue, each one's share. */
  consumerStats(): Record<string, ConsumerStats> {
    return Object.fromEntries(this.consumers.map((consumer) => [consumer.queue, { ...consumer.stats }]));
  }

  /** Graceful: stop taking messages, finish those in hand, wait for confirms, then close. */
  async close(timeoutMs = 10_000): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((consumer) => consumer.stop(timeoutMs)));
    await this.publisher.drain(timeoutMs);
    await Promise.all([this.consumeConnection.close(), this.publishConnection.close()]);
    this.keys?.remote?.stop();
  }

  /** This service's published JWKS (empty when it was built without keys, as in unit tests). */
  publishedKeys(): Jwks {
    return this.keys?.published() ?? { keys: [] };
  }
}
