import { randomUUID } from 'node:crypto';
import type * as amqp from 'amqplib';
import {
  checkSender,
  HEADERS,
  MessageValidator,
  type AgreementRef,
  type Envelope,
  type MessageTypeRegistry,
  type MessageTypeSpec,
  type Purpose,
} from '@hub/contracts';
import type { Signer, SignatureVerifier } from './signing.js';

export interface ServiceIdentity {
  /** the service's name, which is also its RabbitMQ user; its signing keys are published under it */
  service: string;
  /** organisationsnummer of the organisation the service acts for */
  organisation: string;
}

export interface OutgoingMessage<P extends object = object> {
  type: string;
  payload: P;
  agreement?: AgreementRef;
  purpose?: Purpose;
  /** defaults to a fresh id: the start of a conversation */
  correlationId?: string;
  expiresAt?: Date;
}

export interface EncodedMessage {
  envelope: Envelope;
  content: Buffer;
  properties: amqp.Options.Publish;
}

export type Decoded =
  { ok: true; envelope: Envelope; spec: MessageTypeSpec } | { ok: false; reason: string; unknownKey?: true };

export interface MessageCodecOptions {
  identity: ServiceIdentity;
  registry: MessageTypeRegistry;
  /** broker user -> the organisationsnummer it may speak for: who may send to this service, on whose behalf */
  trustedSenders: ReadonlyMap<string, ReadonlySet<string>>;
  verifier: SignatureVerifier;
  /** signs persistent messages always, requests and replies when `signRequests` is set */
  signer?: Signer;
  signRequests?: boolean;
  maxBodyBytes: number;
}

/**
 * Turns envelopes into AMQP messages and back. Nothing about an incoming message is taken on trust: its size,
 * its broker-validated user, its signature, its shape, its claimed sender and whether that sender may send it
 * through the exchange it came by (the sender rules, contracts/src/sender-rules.ts) are all checked here.
 */
export class MessageCodec {
  private readonly validator: MessageValidator;
  private trustedSenders: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(private readonly options: MessageCodecOptions) {
    this.validator = new MessageValidator(options.registry);
    this.trustedSenders = options.trustedSenders;
  }

  /**
   * Trusts these senders besides the configured ones, replacing what an earlier call added: how the hub takes its
   * agencies' adapters from its organisation registry, so that a newly registered agency needs no restart.
   */
  trust(senders: ReadonlyMap<string, ReadonlySet<string>>): void {
    const merged = new Map<string, ReadonlySet<string>>(this.options.trustedSenders);
    for (const [user, organisations] of senders) {
      merged.set(user, new Set([...(merged.get(user) ?? []), ...organisations]));
    }
    this.trustedSenders = merged;
  }

  get identity(): ServiceIdentity {
    return this.options.identity;
  }

  get registry(): MessageTypeRegistry {
    return this.options.registry;
  }

  get maxBodyBytes(): number {
    return this.options.maxBodyBytes;
  }

  /** The broker users (services) this service takes messages from. */
  get trustedServices(): string[] {
    return [...this.trustedSenders.keys()];
  }

  encode(message: OutgoingMessage): EncodedMessage {
    const spec = this.options.registry.get(message.type);
    if (!spec) throw new Error(`unknown message type ${message.type}`);
    const id = randomUUID();
    const envelope: Envelope = {
      id,
      correlationId: message.correlationId ?? id,
      type: message.type,
      sender: { organisation: this.options.identity.organisation, service: this.options.identity.service },
      ...(message.agreement && { agreement: message.agreement }),
      ...(message.purpose && { purpose: message.purpose }),
      issuedAt: new Date().toISOString(),
      ...(message.expiresAt && { expiresAt: message.expiresAt.toISOString() }),
      payload: message.payload,
    };
    const content = Buffer.from(JSON.stringify(envelope));
    if (content.length > this.options.maxBodyBytes) {
      throw new Error(
        `${message.type} is ${content.length} bytes, more than the limit of ${this.options.maxBodyBytes}`,
      );
    }
    // Only what a receiver or the broker uses: every extra property costs encoding time on each message.
    const properties: amqp.Options.Publish = {
      messageId: id,
      correlationId: envelope.correlationId,
      type: envelope.type,
      userId: this.options.identity.service,
      contentType: 'application/json',
    };
    if (this.isSigned(spec)) {
      if (!this.options.signer) throw new Error(`${message.type} must be signed but this service has no signing key`);
      properties.headers = { [HEADERS.signature]: this.options.signer.sign(content) };
    }
    return { envelope, content, properties };
  }

  decode(message: amqp.Message): Decoded {
    const { content, properties } = message;
    if (content.length > this.options.maxBodyBytes) {
      return { ok: false, reason: `oversized: ${content.length} bytes, limit ${this.options.maxBodyBytes}` };
    }
    const user = properties.userId as string | undefined;
    if (!user) return { ok: false, reason: 'no user_id: sender unknown' };
    const organisations = this.trustedSenders.get(user);
    if (!organisations) return { ok: false, reason: `sender ${user} is not a trusted service` };
    const signature = properties.headers?.[HEADERS.signature];
    if (signature !== undefined) {
      const verified = this.options.verifier.verify(content, signature, user);
      if (!verified.ok) {
        return {
          ok: false,
          reason: `bad signature: ${verified.reason}`,
          ...(verified.unknownKey && { unknownKey: true }),
        };
      }
    }
    let plain: unknown;
    try {
      plain = JSON.parse(content.toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed JSON' };
    }
    const validated = this.validator.validate(plain);
    if (!validated.ok) return { ok: false, reason: `invalid message: ${validated.reason}` };
    const envelope = validated.envelope;
    const spec = this.options.registry.get(envelope.type) as MessageTypeSpec;
    if (envelope.sender.service !== user || !organisations.has(envelope.sender.organisation)) {
      return {
        ok: false,
        reason: `envelope claims ${envelope.sender.service}/${envelope.sender.organisation}, broker says ${user}`,
      };
    }
    if (properties.messageId !== undefined && properties.messageId !== envelope.id) {
      return { ok: false, reason: 'message id property and envelope id differ' };
    }
    if (signature === undefined && this.isSigned(spec)) return { ok: false, reason: 'signature missing' };
    const rule = checkSender({
      type: envelope.type,
      user,
      exchange: message.fields.exchange,
      payload: envelope.payload,
    });
    if (!rule.ok) return { ok: false, reason: `sender rule: ${rule.reason}` };
    return { ok: true, envelope, spec };
  }

  /**
   * `decode`, and when the message names a key its sender has not published as far as this service knows, again
   * after a fresh look at the key stores: a party's JWKS URL is fetched only now and then, and its first message
   * with a new key must not be parked for arriving before the fetch.
   */
  async decodeWithFreshKeys(message: amqp.Message): Promise<Decoded> {
    const decoded = this.decode(message);
    if (decoded.ok || !decoded.unknownKey) return decoded;
    await this.options.verifier.refresh();
    return this.decode(message);
  }

  /**
   * The trusted service whose signature over `content` holds, if any: the signer named by the envelope's sender,
   * checked with that service's key. Used for messages taken out of a parking queue, whose carrier proves nothing.
   */
  signedBy(content: Buffer, signature: unknown): string | undefined {
    let service: unknown;
    try {
      service = (JSON.parse(content.toString('utf8')) as { sender?: { service?: unknown } }).sender?.service;
    } catch {
      return undefined;
    }
    if (typeof service !== 'string' || !this.trustedSenders.has(service)) return undefined;
    return this.options.verifier.verify(content, signature, service).ok ? service : undefined;
  }

  /** Persistent messages are evidence and always signed; requests and replies when the deployment asks. */
  private isSigned(spec: MessageTypeSpec): boolean {
    return spec.delivery === 'persistent' || this.options.signRequests === true;
  }
}
