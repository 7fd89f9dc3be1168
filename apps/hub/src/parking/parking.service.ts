import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type * as amqp from 'amqplib';
import { AuditLog, type AuditEntryInput } from '@hub/audit';
import {
  EXCHANGES,
  HEADERS,
  parkingQueueOf,
  queueName,
  queueOwner,
  SENDER_RULES,
  serviceParty,
  type Envelope,
  type ReasonCode,
  type ReferralCreatedV1,
} from '@hub/contracts';
import { Transactions } from '@hub/database';
import { MessagingClient } from '@hub/messaging';
import { maskPersonnummerIn, redactPersonnummer } from '@hub/observability';
import type { StaffUser } from '../auth/staff-user.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { Subjects, type Subject } from '../core/subjects.js';
import { apiException, type ErrorCode } from '../http/http-errors.js';
import { HUB_QUEUES } from '../messaging/hub-queues.js';
import { ReferralPolicy } from '../referrals/referral-policy.js';
import { ReferralRepository } from '../referrals/referral.repository.js';
import { ParkingRepository, type ParkedListing, type ParkedMessage, type ParkedState } from './parking.repository.js';

/** An adapter's queues, as the adapter kit names them (libs/adapter-kit/src/adapter-queues.ts). */
const ADAPTER_QUEUE_NAMES = ['queries', 'referrals', 'events'];
/** Collected per queue and round, so that a flood of parked messages cannot hold the hub in one round. */
const MAX_PER_ROUND = 500;
/** What the broker and the consumer add when they park a message; a replay sends the message as it was. */
const PARKING_HEADERS = [
  HEADERS.parkedReason,
  HEADERS.parkedAt,
  HEADERS.parkedFrom,
  HEADERS.deliveryCount,
  HEADERS.originalUser,
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
];

/** Why a replay is refused (a 409): the hub's own code, or the policy's reason when it denies the message today. */
interface Refusal {
  error: ErrorCode | ReasonCode;
  message: string;
  details?: Record<string, unknown>;
}

export interface ParkedSummary {
  id: string;
  queue: string;
  messageId: string;
  type: string | null;
  correlationId: string | null;
  reason: string;
  parkedAt: string;
  state: ParkedState;
}

export interface ParkedDetail extends ParkedSummary {
  /** the original sender: the service whose signature holds, or what the hub's own consumer received; else null */
  sender: string | null;
  /** the broker user that put the message on its parking queue, as the broker stamped it */
  parkedBy: string | null;
  collectedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  headers: Record<string, unknown>;
  /** the envelope with every personnummer masked; null when the body is not JSON */
  envelope: unknown;
  /** the body as text, masked, when it is not JSON */
  body?: string;
}

export interface ParkedList {
  queues: Array<{ queue: string; parked: number }>;
  messages: ParkedSummary[];
}

/** Why a replay is refused, when it is refused before the policy is asked. */
export type ReplayRefusal =
  'not-parked' | 'unreadable-message' | 'not-sent-by-hub' | 'wrong-destination' | 'query-expired';

/**
 * The parking lot: messages parked on the hub's and the adapters' `.parked` queues are moved into
 * `hub.parked_message` (stored, then acknowledged), where an administrator lists, inspects, replays or discards
 * them. Provenance is what the broker stamped (the user that parked it) and what the hub can verify itself (the
 * signature over the body), never a header chosen by whoever parked the message. A replay sends the original bytes
 * and signature to the original queue through the default exchange (only the hub may write there), after the same
 * policy check a new message would get, and only a message signed by the hub, to a queue of the agency it was for.
 */
@Injectable()
export class ParkingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('parking');
  private connection?: amqp.ChannelModel;
  private round?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly parked: ParkingRepository,
    private readonly referrals: ReferralRepository,
    private readonly policy: ReferralPolicy,
    private readonly transactions: Transactions,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly messaging: MessagingClient,
    private readonly audit: AuditLog,
    private readonly subjects: Subjects,
  ) {
    void messaging.consumeConnection.onConnect(async (connection) => {
      this.connection = connection;
    });
  }

  /** The queues whose parked messages the hub collects: its own and those of every adapter it trusts now. */
  get collectedQueues(): readonly string[] {
    const { codec } = this.messaging;
    const agencies = codec.trustedServices.filter((service) => serviceParty(service)?.role === 'agency');
    return [
      ...HUB_QUEUES.map((spec) => spec.queue),
      ...agencies.flatMap((service) => ADAPTER_QUEUE_NAMES.map((name) => queueName(service, name))),
    ];
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.collect(), this.config.parkingLotPollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  /** One round over every `.parked` queue; callers at the same time share it. */
  collect(): Promise<void> {
    this.round ??= this.collectAll()
      .catch((err: Error) => this.logger.warn(`collecting parked messages: ${err.message}`))
      .finally(() => (this.round = undefined));
    return this.round;
  }

  private async collectAll(): Promise<void> {
    if (!this.connection) return;
    let channel: amqp.Channel | undefined;
    for (const queue of this.collectedQueues) {
      try {
        channel ??= await this.openChannel(this.connection);
        for (let n = 0; n < MAX_PER_ROUND; n++) {
          const message = await channel.get(parkingQueueOf(queue), { noAck: false });
          if (message === false) break;
          await this.store(queue, message);
          channel.ack(message);
        }
      } catch {
        // a parking queue not declared yet (its service never ran) closes the channel: the next gets a new one
        channel = undefined;
      }
    }
    await channel?.close().catch(() => undefined);
  }

  private async openChannel(connection: amqp.ChannelModel): Promise<amqp.Channel> {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return channel;
  }

  private async store(queue: string, message: amqp.GetMessage): Promise<void> {
    const { properties, content } = message;
    const headers = properties.headers ?? {};
    const envelope = parseEnvelope(content);
    const reason =
      typeof headers[HEADERS.parkedReason] === 'string'
        ? String(headers[HEADERS.parkedReason])
        : `dead-lettered by the broker: ${String(headers['x-first-death-reason'] ?? 'unknown')}`;
    const parkedAt = Date.parse(String(headers[HEADERS.parkedAt] ?? ''));
    const parkedBy = typeof properties.userId === 'string' ? properties.userId : null;
    const sender = this.originalSender(content, headers, parkedBy);
    await this.parked.insert({
      id: randomUUID(),
      queue,
      messageId: String(properties.messageId ?? `unidentified-${randomUUID()}`),
      type: envelope?.type ?? (typeof properties.type === 'string' ? properties.type : null),
      correlationId: envelope?.correlationId ?? null,
      sender,
      parkedBy,
      reason,
      parkedAt: Number.isNaN(parkedAt) ? new Date() : new Date(parkedAt),
      properties,
      content,
    });
  }

  /**
   * Who sent a parked message in the first place. A signature that holds says it for any message; otherwise only the
   * hub's own word counts: its consumer names the broker user it received the message from.
   */
  private originalSender(content: Buffer, headers: Record<string, unknown>, parkedBy: string | null): string | null {
    const signer = this.messaging.codec.signedBy(content, headers[HEADERS.signature]);
    if (signer) return signer;
    const received = headers[HEADERS.originalUser];
    return parkedBy === this.messaging.codec.identity.service && typeof received === 'string' ? received : null;
  }

  /** Counts per queue and the messages themselves, without a word of their payloads. */
  async list(user: StaffUser, filter: { state?: ParkedState | 'all'; queue?: string }): Promise<ParkedList> {
    await this.collect();
    const state = filter.state ?? 'parked';
    const messages = await this.parked.list({ state, queue: filter.queue ?? null });
    const parked = await this.parked.parkedPerQueue();
    await this.audit.append({
      ...this.actor(user),
      outcome: 'listed',
      details: { state, ...(filter.queue && { queue: filter.queue }), count: messages.length },
    });
    return {
      queues: this.collectedQueues.map((queue) => ({ queue, parked: parked.get(queue) ?? 0 })),
      messages: messages.map(summaryOf),
    };
  }

  /** The whole message for an administrator, personnummer masked; the inspection is audited under its subject. */
  async inspect(id: string, user: StaffUser): Promise<ParkedDetail> {
    const row = await this.find(id);
    const envelope = parseEnvelope(row.content);
    await this.audit.append({ ...this.about(row, envelope, user), outcome: 'inspected' });
    const { [HEADERS.signature]: signature, ...headers } = row.properties.headers ?? {};
    return {
      ...summaryOf(row),
      sender: row.sender,
      parkedBy: row.parkedBy,
      collectedAt: row.collectedAt.toISOString(),
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
      resolvedBy: row.resolvedBy,
      headers: { ...headers, ...(signature !== undefined && { [HEADERS.signature]: '(present)' }) },
      envelope: envelope ? JSON.parse(maskPersonnummerIn(JSON.stringify(envelope))) : null,
      ...(!envelope && { body: maskPersonnummerIn(row.content.toString('utf8').slice(0, 4_096)) }),
    };
  }

  /**
   * Sends a parked message again to the queue it was parked from, once. Only what the hub itself sent can be sent
   * again (the broker stamps the sender's user id, and an adapter would park a message whose sender is not its user).
   * A referral is decided on again with today's agreements and consents; a refusal leaves it parked.
   */
  async replay(id: string, user: StaffUser, now = new Date()): Promise<ParkedSummary> {
    const { row, envelope } = await this.transactions.run(async (tx) => {
      const row = await this.parked.lock(id, tx);
      if (!row) throw apiException('not-found', `no parked message ${id}`);
      const envelope = parseEnvelope(row.content);
      const refuse = async (error: Refusal['error'], message: string, details?: Record<string, unknown>) => {
        await this.audit.append({
          ...this.about(row, envelope, user),
          outcome: 'replay-refused',
          details: { parkedId: row.id, queue: row.queue, type: row.type, refusal: error, ...details },
        });
        // a 409 whichever the code: the policy's reasons are not in the error-code table
        return new ConflictException({ error, message, ...(details && { details }) });
      };
      if (row.state !== 'parked') throw await refuse('not-parked', `the message was ${row.state} already`);
      if (!envelope) throw await refuse('unreadable-message', 'the message is not a readable envelope; discard it');
      const hub = this.messaging.codec.identity.service;
      const signer = this.messaging.codec.signedBy(row.content, row.properties.headers?.[HEADERS.signature]);
      if (signer !== hub) {
        throw await refuse(
          'not-sent-by-hub',
          `the message is not signed by the hub (${signer ? `signed by ${signer}` : 'no signature holds'}); only its sender can send it again`,
        );
      }
      const destination = destinationProblem(envelope, row.queue);
      if (destination) throw await refuse('wrong-destination', destination);
      if (envelope.type === 'query.request.v1') {
        throw await refuse('query-expired', 'a query is answered within its deadline or not at all; discard it');
      }
      if (envelope.type === 'referral.created.v1') {
        const problem = await this.referralProblem(envelope as Envelope<ReferralCreatedV1>, now);
        if (problem) throw await refuse(problem.error, problem.message, problem.details);
      }
      try {
        await this.messaging.publisher.publish(EXCHANGES.default, row.queue, row.content, replayProperties(row));
      } catch (err) {
        // unroutable (the queue is gone: its service was never started here) or the broker refused it
        throw await refuse(
          'destination-unavailable',
          `${row.queue} did not take the message: ${(err as Error).message}`,
        );
      }
      await this.parked.markReplayed(row.id, now, user.id, tx);
      return { row, envelope };
    });
    await this.audit.append({
      ...this.about(row, envelope, user),
      outcome: 'replayed',
      details: { parkedId: row.id, queue: row.queue, type: row.type },
    });
    this.logger.log(`parked message ${row.messageId} replayed to ${row.queue}`);
    return summaryOf({ ...row, state: 'replayed' });
  }

  /** An administrator's decision that the message is not to be delivered; it stays in the table, discarded. */
  async discard(id: string, user: StaffUser, now = new Date()): Promise<ParkedSummary> {
    const discarded = await this.parked.discard(id, now, user.id);
    const row = discarded ?? (await this.find(id));
    if (!discarded) throw apiException('not-parked', `the message was ${row.state} already`);
    await this.audit.append({
      ...this.about(row, parseEnvelope(row.content), user),
      outcome: 'discarded',
      details: { parkedId: row.id, queue: row.queue, type: row.type },
    });
    return summaryOf(row);
  }

  /** Parked messages waiting for an administrator, per queue they were parked from. */
  waitingPerQueue(): Promise<Map<string, number>> {
    return this.parked.parkedPerQueue();
  }

  private async referralProblem(envelope: Envelope<ReferralCreatedV1>, now: Date): Promise<Refusal | undefined> {
    const p = envelope.payload;
    if ((await this.referrals.statusOf(p.referralId)) === 'cancelled') {
      return { error: 'referral-withdrawn', message: 'the municipality has withdrawn the referral; discard it' };
    }
    if (!envelope.purpose) return { error: 'purpose-not-covered', message: 'the referral names no purpose' };
    let subject: Subject;
    try {
      subject = this.subjects.parse(p.subject);
    } catch {
      return { error: 'invalid-message', message: 'the referral names no valid personnummer; discard it' };
    }
    const { decision } = await this.policy.decide(
      { organisation: p.requester.organisation, unit: p.requester.unit, roles: p.requester.roles },
      {
        subject: subject.key,
        purpose: envelope.purpose,
        agency: p.agency,
        referralType: p.referralType,
        consentId: p.consentId,
      },
      now,
      subject.keys,
    );
    if (decision.status === 'deny') {
      return {
        // a denial always names its reason
        error: decision.reason!,
        message: `the referral may not be sent today: ${decision.reason} (${decision.rule})`,
        details: { rule: decision.rule, ...(decision.consentProblem && { consentProblem: decision.consentProblem }) },
      };
    }
    if (
      decision.agreement?.id !== envelope.agreement?.id ||
      decision.agreement?.version !== envelope.agreement?.version
    ) {
      return {
        error: 'agreement-changed',
        message: 'the referral was sent under an agreement version no longer in force; discard it and send it anew',
        details: { sentUnder: envelope.agreement, inForce: decision.agreement },
      };
    }
    return undefined;
  }

  private async find(id: string): Promise<ParkedMessage> {
    const row = await this.parked.find(id);
    if (!row) throw apiException('not-found', `no parked message ${id}`);
    return row;
  }

  private actor(user: StaffUser): AuditEntryInput & { outcome: string } {
    return {
      kind: 'parked-message',
      actorKind: 'staff',
      actor: user.id,
      organisation: user.organisation,
      unit: user.unit ?? null,
      outcome: '',
    };
  }

  /** The audit entry about one message: under its subject's key, so the citizen's access report shows it. */
  private about(row: ParkedMessage, envelope: Envelope | undefined, user: StaffUser): AuditEntryInput {
    const subject = (envelope?.payload as { subject?: unknown } | undefined)?.subject;
    let subjectKey: string | null = null;
    if (typeof subject === 'string') {
      try {
        subjectKey = this.subjects.parse(subject).key;
      } catch {
        subjectKey = null;
      }
    }
    return {
      ...this.actor(user),
      agreementId: envelope?.agreement?.id ?? null,
      agreementVersion: envelope?.agreement?.version ?? null,
      purpose: envelope?.purpose ?? null,
      subjectKey,
      correlationId: row.correlationId,
      details: { parkedId: row.id, queue: row.queue, type: row.type },
    };
  }
}

function parseEnvelope(content: Buffer): Envelope | undefined {
  try {
    const value = JSON.parse(content.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && typeof (value as Envelope).type === 'string') return value as Envelope;
  } catch {
    // not JSON: shown as masked text
  }
  return undefined;
}

/**
 * Why `queue` is not a queue the hub's message was meant for, if it is not: the hub sends to agencies only, and a
 * message for one agency (the sender rules' `{agency}` routing keys) only to that agency's queues.
 */
function destinationProblem(envelope: Envelope, queue: string): string | undefined {
  const owner = serviceParty(queueOwner(queue));
  if (owner?.role !== 'agency') return `${queue} is not an agency's queue; the hub sends ${envelope.type} to agencies`;
  const rules = SENDER_RULES.filter((r) => r.type === envelope.type && r.sender === 'hub');
  if (!rules.length) return `the hub does not send ${envelope.type}`;
  const named = (envelope.payload as { agency?: unknown }).agency;
  if (rules.some((r) => r.routingKey.includes('{agency}')) && named !== owner.agency) {
    return `the message is for agency ${String(named)}, and ${queue} is agency ${owner.agency}'s`;
  }
  return undefined;
}

function summaryOf(row: ParkedListing): ParkedSummary {
  return {
    id: row.id,
    queue: row.queue,
    messageId: row.messageId,
    type: row.type,
    correlationId: row.correlationId,
    // a validation message could quote a value; the list shows no personal data
    reason: redactPersonnummer(row.reason),
    parkedAt: row.parkedAt.toISOString(),
    state: row.state,
  };
}

function replayProperties(row: ParkedMessage): amqp.Options.Publish {
  const {
    headers = {},
    messageId,
    type,
    contentType,
    contentEncoding,
    correlationId,
    timestamp,
    appId,
  } = row.properties;
  const original = Object.fromEntries(Object.entries(headers).filter(([name]) => !PARKING_HEADERS.includes(name)));
  return {
    messageId: messageId ?? row.messageId,
    type,
    contentType,
    contentEncoding,
    correlationId,
    timestamp,
    appId,
    userId: 'hub',
    headers: original,
  };
}
