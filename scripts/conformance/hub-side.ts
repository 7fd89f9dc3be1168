/**
 * The conformance kit's side of the broker: it speaks as the hub (the hub's broker user and signing key), listens to
 * what the adapter under test publishes, and reads the adapter's parking queue as the hub's parking lot does.
 */
import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import {
  EXCHANGES,
  HEADERS,
  messageTypes,
  ORGANISATIONS,
  routingKeys,
  type CatalogueAnnouncedV1,
  type Envelope,
  type ReferralStatusV1,
} from '@hub/contracts';
import { KeyDirectory, MessagingClient, type Signer } from '@hub/messaging';

export interface HubSideOptions {
  amqpUrl: string;
  /** the hub's broker password */
  password: string;
  /** where the hub's private key and the adapters' public keys are (`var/keys`) */
  keysDir: string;
  agency: string;
  organisation: string;
  signRequests: boolean;
}

/** One message the adapter published, as the hub's codec judged it. */
export interface Heard {
  at: number;
  type: string | undefined;
  signed: boolean;
  envelope?: Envelope;
  /** the payload's referralId as written, even when the message is not valid */
  referralId?: string;
  /** why the hub would have parked it */
  problem?: string;
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

export class HubSide {
  readonly messaging: MessagingClient;
  readonly signer: Signer;
  readonly service: string;
  private connection?: amqp.ChannelModel;
  readonly heard: Heard[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: HubSideOptions) {
    this.service = `adapter-${options.agency}`;
    const keys = new KeyDirectory(options.keysDir);
    this.signer = keys.signerFor('hub', false);
    this.messaging = new MessagingClient(
      {
        identity: { service: 'hub', organisation: ORGANISATIONS.orebro },
        registry: messageTypes,
        trustedSenders: new Map([
          ['hub', new Set([ORGANISATIONS.orebro])],
          [this.service, new Set([options.organisation])],
        ]),
        verifier: keys.verifier(),
        signer: this.signer,
        signRequests: options.signRequests,
        maxBodyBytes: 256 * 1024,
        connection: { url: options.amqpUrl, username: 'hub', password: options.password },
      },
      quiet,
    );
  }

  /** Connects and starts listening to the agency's catalogue and status events, before the adapter starts. */
  async start(): Promise<void> {
    await this.messaging.connect();
    this.connection = await amqp.connect(this.options.amqpUrl, {
      credentials: amqp.credentials.plain('hub', this.options.password),
    } as amqp.SocketOptions);
    this.connection.on('error', () => undefined);
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    // the hub's own queue name space; exclusive, so it goes when the kit does
    const queue = `q.hub.conformance-${this.options.agency}-${randomUUID().slice(0, 8)}`;
    await channel.assertQueue(queue, { exclusive: true, durable: false, arguments: { 'x-queue-type': 'classic' } });
    for (const key of [
      routingKeys.catalogueAnnounced(this.options.agency),
      routingKeys.referralStatus(this.options.agency),
    ]) {
      await channel.bindQueue(queue, EXCHANGES.event, key);
    }
    await channel.consume(queue, (message) => message && this.hear(message), { noAck: true });
  }

  private hear(message: amqp.ConsumeMessage): void {
    const decoded = this.messaging.codec.decode(message);
    let referralId: unknown;
    try {
      referralId = JSON.parse(message.content.toString('utf8'))?.payload?.referralId;
    } catch {
      referralId = undefined;
    }
    this.heard.push({
      ...(typeof referralId === 'string' && { referralId }),
      at: Date.now(),
      type: message.properties.type as string | undefined,
      signed: typeof message.properties.headers?.[HEADERS.signature] === 'string',
      ...(decoded.ok ? { envelope: decoded.envelope } : { problem: decoded.reason }),
    });
    for (const wake of this.waiters) wake();
  }

  /**
   * Resolves with the first value `pick` gives (a heard message, or null to stop waiting) whenever a message arrives
   * or every 100 ms, or undefined when the time is up.
   */
  async waitFor<T>(pick: (heard: Heard[]) => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const found = pick(this.heard);
    if (found !== undefined) return found;
    return new Promise((resolve) => {
      const done = (value: T | undefined) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(wake);
        resolve(value);
      };
      const wake = () => {
        const value = pick(this.heard);
        if (value !== undefined) done(value);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const poll = setInterval(wake, 100);
      this.waiters.add(wake);
    });
  }

  catalogues(): Heard[] {
    return this.heard.filter((h) => h.type === 'catalogue.announced.v1');
  }

  /** The status events heard about one referral, in the order they arrived (those the hub would park too). */
  statusesOf(referralId: string): Array<Heard & { envelope?: Envelope<ReferralStatusV1> }> {
    return this.heard.filter((h) => h.type === 'referral.status.v1' && h.referralId === referralId) as Array<
      Heard & { envelope?: Envelope<ReferralStatusV1> }
    >;
  }

  catalogue(h: Heard): CatalogueAnnouncedV1 | undefined {
    return h.envelope?.payload as CatalogueAnnouncedV1 | undefined;
  }

  /**
   * Takes the parked message with this id off a parking queue, as the hub's parking lot would; every other message
   * there is put back. Undefined while it is not there.
   */
  async takeParked(queue: string, messageId: string): Promise<amqp.GetMessage | undefined> {
    // a channel of its own: a parking queue that does not exist (yet) closes the channel that asked
    const channel = await this.connection!.createChannel();
    channel.on('error', () => undefined);
    const others: amqp.GetMessage[] = [];
    let found: amqp.GetMessage | undefined;
    try {
      for (;;) {
        const message = await channel.get(queue, { noAck: false });
        if (!message) break;
        if (message.properties.messageId === messageId) {
          channel.ack(message);
          found = message;
          break;
        }
        others.push(message);
      }
    } catch {
      return undefined;
    } finally {
      try {
        for (const message of others) channel.nack(message, false, true);
      } catch {
        // the channel is gone, and with it the deliveries: the broker puts them back itself
      }
      await channel.close().catch(() => undefined);
    }
    return found;
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
    await this.messaging.close(2_000).catch(() => undefined);
  }
}
