import { randomUUID } from 'node:crypto';
import { ForbiddenException, Injectable, Logger } from '@nestjs/common';
import { AuditLog, type AuditEntryInput } from '@hub/audit';
import {
  agencyService,
  EXCHANGES,
  maskPersonnummer,
  routingKeys,
  type Envelope,
  type Purpose,
  type ReasonCode,
  type ReferralActor,
  type ReferralCreatedV1,
  type ReferralStatus,
  type ReferralStatusV1,
} from '@hub/contracts';
import { Batcher } from '@hub/common';
import { Transactions, type Queryable } from '@hub/database';
import { PgOutbox, type OutboxMessage } from '@hub/messaging';
import { withCorrelation } from '@hub/observability';
import { consentSnapshot } from '@hub/policy';
import { unitOf } from '../auth/unit-of.js';
import type { StaffUser } from '../auth/staff-user.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { ContactService } from '../contacts/contact.service.js';
import { Subjects } from '../core/subjects.js';
import { apiException } from '../http/http-errors.js';
import { HubMetrics } from '../metrics/hub-metrics.js';
import { agencyEventOutcome } from './referral-lifecycle.js';
import { ReferralPolicy } from './referral-policy.js';
import type { CreateReferralDto, ListReferralsQuery, ReferralEventView, ReferralView } from './referral.dto.js';
import {
  ReferralRepository,
  type NewReferral,
  type NewReferralEvent,
  type Referral,
  type ReferralEvent,
} from './referral.repository.js';

const ANSWERED: ReferralStatus[] = ['accepted', 'declined', 'in-progress', 'closed', 'cancelled'];
const FINISHED: ReferralStatus[] = ['declined', 'closed', 'cancelled'];

/** A referral checked and ready to be stored, with the message that tells the agency. */
interface ReadyReferral extends NewReferral {
  message: OutboxMessage;
  /** its `sent` entry, committed before the referral and its message are */
  audit: AuditEntryInput;
}

/**
 * Referrals (remisser) from the front office to one agency. A referral is checked with the policy, then stored
 * and published in one transaction through the outbox, so a crash between commit and publish loses nothing. The
 * agency's status events build its timeline, along the lifecycle only.
 */
@Injectable()
export class ReferralService {
  private readonly logger = new Logger('referrals');
  private readonly creations: Batcher<ReadyReferral, Error | undefined>;

  constructor(
    private readonly referrals: ReferralRepository,
    private readonly transactions: Transactions,
    private readonly subjects: Subjects,
    private readonly policy: ReferralPolicy,
    private readonly catalogues: CatalogueService,
    private readonly outbox: PgOutbox,
    private readonly audit: AuditLog,
    private readonly metrics: HubMetrics,
    private readonly contacts: ContactService,
  ) {
    this.creations = new Batcher((referrals) => this.store(referrals), { maxBatch: 200, concurrency: 2 });
  }

  async create(dto: CreateReferralDto, user: StaffUser, now = new Date()): Promise<ReferralView> {
    const unit = referralUnitOf(user);
    const subject = this.subjects.parse(dto.subject);
    if (dto.contactId) await this.contacts.assertLinkable(dto.contactId, user, unit);
    const { decision, consents } = await this.policy.decide(
      { organisation: user.organisation, unit, roles: user.roles },
      {
        subject: subject.key,
        purpose: dto.purpose,
        agency: dto.agency,
        referralType: dto.referralType,
        consentId: dto.consentId,
      },
      now,
      subject.keys,
    );
    const id = randomUUID();
    const base = {
      kind: 'referral' as const,
      actorKind: 'staff' as const,
      actor: user.id,
      organisation: user.organisation,
      unit,
      agreementId: decision.agreement?.id ?? null,
      agreementVersion: decision.agreement?.version ?? null,
      purpose: dto.purpose,
      subjectKey: subject.key,
      correlationId: id,
    };
    if (decision.status === 'deny') {
      await this.audit.append({
        ...base,
        outcome: 'denied',
        details: { agency: dto.agency, referralType: dto.referralType, reason: decision.reason },
      });
      // a policy denial answers with its reason code, which is not in the error-code table
      throw new ForbiddenException({
        error: decision.reason satisfies ReasonCode | undefined,
        message: `the referral may not be sent: ${decision.reason} (${decision.rule})`,
        details: { rule: decision.rule, consentProblem: decision.consentProblem },
      });
    }
    const responseHours =
      this.catalogues.catalogue(dto.agency)?.referralTypes.find((r) => r.code === dto.referralType)
        ?.responseTimeHours ?? 120;
    const respondBy = new Date(now.getTime() + responseHours * 3_600_000);
    const consent = decision.consentId ? consents.find((c) => c.id === decision.consentId) : undefined;
    const payload: ReferralCreatedV1 = {
      referralId: id,
      agency: dto.agency,
      referralType: dto.referralType,
      subject: subject.personnummer,
      message: dto.message,
      contactPreference: dto.contactPreference,
      ...(consent && {
        consentId: consent.id,
        consent: consentSnapshot(consent),
      }),
      ...(decision.legalBasis && { legalBasis: { ...decision.legalBasis } }),
      requester: { organisation: user.organisation, unit, staffId: user.id, roles: user.roles },
      respondBy: respondBy.toISOString(),
    };
    const referral: Referral = {
      id,
      subjectKey: subject.key,
      subjectMasked: maskPersonnummer(subject.personnummer),
      agency: dto.agency,
      referralType: dto.referralType,
      purpose: dto.purpose,
      message: dto.message,
      contactPreference: dto.contactPreference,
      consentId: consent?.id ?? null,
      contactId: dto.contactId ?? null,
      agreementId: decision.agreement!.id,
      agreementVersion: decision.agreement!.version,
      organisation: user.organisation,
      unit,
      createdBy: user.id,
      createdAt: now,
      respondBy,
      status: 'sent',
      statusAt: now,
    };
    const actor: ReferralActor = { organisation: user.organisation, name: user.name };
    const failed = await this.creations.add({
      referral,
      legalBasis: decision.legalBasis ?? null,
      actor,
      audit: {
        ...base,
        outcome: 'sent',
        details: { agency: dto.agency, referralType: dto.referralType, ...(consent && { consentId: consent.id }) },
      },
      message: {
        exchange: EXCHANGES.referral,
        routingKey: routingKeys.referral(dto.agency, dto.referralType),
        message: {
          type: 'referral.created.v1',
          correlationId: id,
          purpose: dto.purpose,
          agreement: decision.agreement,
          payload,
        },
      },
    });
    if (failed) throw failed;
    this.metrics.recordReferralCreated(dto.agency);
    withCorrelation(id, () => this.logger.log(`referral to ${dto.agency} (${dto.referralType}) stored for sending`));
    // as committed; the agency's status events may have moved it on since, which GET /referrals/:id shows
    return { ...viewOf(referral, now), timeline: [{ status: 'sent', at: now.toISOString(), actor }] };
  }

  /**
   * Stores referrals created together in one transaction: the rows, their `sent` events and their outbox messages.
   * When that fails, each is tried alone, so that one referral the database refuses fails no other.
   */
  private async store(referrals: ReadyReferral[]): Promise<(Error | undefined)[]> {
    // audited before the referrals and their messages commit, so nothing reaches an agency unaudited; one that is then
    // not stored gets an `error` entry beside its `sent`
    try {
      await Promise.all(referrals.map((r) => this.audit.append(r.audit)));
    } catch (err) {
      return referrals.map(() => err as Error);
    }
    let failures: (Error | undefined)[];
    try {
      await this.transactions.run((tx) => this.insert(referrals, tx));
      return referrals.map(() => undefined);
    } catch (err) {
      failures =
        referrals.length === 1
          ? [err as Error]
          : await Promise.all(
              referrals.map((r) =>
                this.transactions
                  .run((tx) => this.insert([r], tx))
                  .then(
                    () => undefined,
                    (e: Error) => e,
                  ),
              ),
            );
    }
    await Promise.all(
      referrals.map((r, i) =>
        failures[i]
          ? this.audit
              .append({ ...r.audit, outcome: 'error', details: { ...r.audit.details, reason: 'not stored' } })
              .catch((err: Error) =>
                this.logger.error(`referral ${r.referral.id} not stored, and not audited so: ${err.message}`),
              )
          : undefined,
      ),
    );
    return failures;
  }

  private async insert(referrals: ReadyReferral[], tx: Queryable): Promise<void> {
    await this.referrals.insertMany(referrals, tx);
    await this.outbox.enqueueMany(
      tx,
      referrals.map((r) => r.message),
    );
  }

  async list(query: ListReferralsQuery, user: StaffUser, now = new Date()): Promise<ReferralView[]> {
    const unit = referralUnitOf(user);
    const subjectKeys = query.subject ? this.subjects.parse(query.subject).keys : null;
    const referrals = await this.referrals.list({
      organisation: user.organisation,
      unit,
      status: query.status ?? null,
      agency: query.agency ?? null,
      subjectKeys,
      overdue: query.overdue ?? null,
      now,
    });
    return referrals.map((r) => viewOf(r, now));
  }

  async show(id: string, user: StaffUser, now = new Date()): Promise<ReferralView> {
    const referral = await this.visible(id, user);
    const timeline = await this.referrals.timeline(id);
    return { ...viewOf(referral, now), timeline: timeline.map(eventView) };
  }

  /** The front office withdraws a referral the agency has not finished; the agency is told through the outbox. */
  async cancel(id: string, user: StaffUser, note?: string, now = new Date()): Promise<ReferralView> {
    const referral = await this.visible(id, user);
    await this.transactions.run(async (tx) => {
      const locked = (await this.referrals.lock(id, tx))!;
      if (FINISHED.includes(locked.status)) {
        throw apiException('referral-finished', `the referral is ${locked.status} and can no longer be cancelled`);
      }
      const actor = { organisation: user.organisation, name: user.name };
      const withdrawal = note ?? 'Återkallad av kommunen';
      await this.referrals.setStatus(id, 'cancelled', now, tx);
      await this.referrals.insertEvents(
        [{ referralId: id, status: 'cancelled', at: now, actor, note: withdrawal }],
        tx,
      );
      const payload: ReferralStatusV1 = {
        referralId: id,
        agency: referral.agency,
        status: 'cancelled',
        at: now.toISOString(),
        actor,
        note: withdrawal,
      };
      // on the referral exchange, where only the hub writes and the agency's adapter listens
      await this.outbox.enqueue(tx, EXCHANGES.referral, routingKeys.referral(referral.agency, referral.referralType), {
        type: 'referral.status.v1',
        correlationId: id,
        purpose: referral.purpose as Purpose,
        agreement: { id: referral.agreementId, version: referral.agreementVersion },
        payload,
      });
    });
    this.metrics.recordReferralStatus(referral.agency, 'cancelled');
    await this.audit.append({
      kind: 'referral',
      actorKind: 'staff',
      actor: user.id,
      organisation: user.organisation,
      unit: user.unit ?? null,
      agreementId: referral.agreementId,
      agreementVersion: referral.agreementVersion,
      purpose: referral.purpose,
      subjectKey: referral.subjectKey,
      outcome: 'cancelled',
      correlationId: id,
      details: { agency: referral.agency, referralType: referral.referralType },
    });
    return this.show(id, user);
  }

  /**
   * Status events from the agencies' adapters, in the consumer's transaction, in order. Only the referral's own
   * agency speaks for it, and only along the lifecycle (referral-lifecycle.ts): any other event changes nothing and
   * is audited as refused, with its reason. Statuses are dated by the hub's clock; the agency's time is kept as
   * `reportedAt`. A handful of statements whatever the number of events.
   */
  async recordStatuses(
    tx: Queryable,
    envelopes: readonly Envelope<ReferralStatusV1>[],
    now = new Date(),
  ): Promise<void> {
    const ids = [...new Set(envelopes.map((e) => e.payload.referralId.toLowerCase()))];
    const locked = await this.referrals.lockMany(ids, tx);
    const referrals = new Map(locked.map((r) => [r.id, r]));
    // an event already recorded (the same message again) is neither judged nor audited a second time
    const recordedBefore = await this.referrals.recordedMessages(
      envelopes.map((e) => e.id),
      tx,
    );
    const current = new Map(locked.map((r) => [r.id, r.status]));
    const events: Array<{ envelope: Envelope<ReferralStatusV1>; referral: Referral }> = [];
    const moves = new Map<string, { id: string; status: ReferralStatus; at: Date }>();
    const audits: Promise<unknown>[] = [];
    for (const envelope of envelopes) {
      if (recordedBefore.has(envelope.id.toLowerCase())) continue;
      const event = envelope.payload;
      const referral = referrals.get(event.referralId.toLowerCase());
      let refusal: { reason: string; message: string } | undefined;
      if (!referral) {
        refusal = { reason: 'unknown-referral', message: `no referral ${event.referralId}` };
      } else if (envelope.sender.service !== agencyService(referral.agency) || event.agency !== referral.agency) {
        refusal = {
          reason: 'not-the-referrals-agency',
          message: `referral ${referral.id} was sent to ${referral.agency}`,
        };
      } else if (event.actor.organisation !== envelope.sender.organisation) {
        // the timeline names the actor: an agency speaks for its own staff and services, never for another party
        refusal = {
          reason: 'actor-not-the-sender',
          message: `the actor's organisation ${event.actor.organisation} is not the sender's`,
        };
      } else {
        const outcome = agencyEventOutcome(current.get(referral.id)!, event.status);
        if (outcome.kind === 'refused') {
          refusal = outcome;
        } else {
          if (outcome.kind === 'move') {
            current.set(referral.id, event.status);
            moves.set(referral.id, { id: referral.id, status: event.status, at: now });
          }
          events.push({ envelope, referral });
          continue;
        }
      }
      this.logger.warn(
        `refused ${event.status} for referral ${event.referralId} from ${envelope.sender.service}: ${refusal.message}`,
      );
      audits.push(this.audit.append(refusedEventEntry(envelope, referral, refusal)));
    }
    await this.referrals.insertEvents(
      events.map(({ envelope: { id, payload }, referral }): NewReferralEvent => ({
        referralId: referral.id,
        status: payload.status,
        at: now,
        reportedAt: payload.at,
        actor: payload.actor,
        note: payload.note ?? null,
        messageId: id,
      })),
      tx,
    );
    for (const { envelope, referral } of events) {
      const event = envelope.payload;
      this.metrics.recordReferralStatus(referral.agency, event.status);
      audits.push(
        this.audit.append({
          kind: 'referral',
          actorKind: 'service',
          actor: envelope.sender.service,
          organisation: envelope.sender.organisation,
          agreementId: referral.agreementId,
          agreementVersion: referral.agreementVersion,
          purpose: referral.purpose,
          subjectKey: referral.subjectKey,
          outcome: event.status,
          correlationId: referral.id,
          details: { agency: referral.agency, reportedAt: event.at, ...(event.note && { note: event.note }) },
        }),
      );
    }
    await this.referrals.setStatuses([...moves.values()], tx);
    await Promise.all(audits);
  }

  /** The referral, when the caller's unit sent it; another's is as absent as one never sent. */
  private async visible(id: string, user: StaffUser): Promise<Referral> {
    const referral = await this.referrals.findOfUnit(id, user.organisation, referralUnitOf(user));
    if (!referral) throw apiException('not-found', `no referral ${id} from your unit`);
    return referral;
  }
}

const referralUnitOf = (user: StaffUser) => unitOf(user, 'referrals are sent by a municipal unit');

function viewOf(r: Referral, now: Date): ReferralView {
  return {
    id: r.id,
    subject: r.subjectMasked,
    agency: r.agency,
    referralType: r.referralType,
    purpose: r.purpose,
    message: r.message,
    contactPreference: r.contactPreference,
    ...(r.consentId && { consentId: r.consentId }),
    ...(r.contactId && { contactId: r.contactId }),
    agreement: { id: r.agreementId, version: r.agreementVersion },
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    respondBy: r.respondBy.toISOString(),
    overdue: !ANSWERED.includes(r.status) && r.respondBy.getTime() < now.getTime(),
    status: r.status,
    statusAt: r.statusAt.toISOString(),
  };
}

function eventView(e: ReferralEvent): ReferralEventView {
  return {
    status: e.status,
    at: e.at.toISOString(),
    actor: e.actor,
    ...(e.note !== null && { note: e.note }),
    ...(e.reportedAt !== null && { reportedAt: e.reportedAt.toISOString() }),
  };
}

/**
 * The audit entry of a status event that changed nothing. The subject is named only when the event came from the
 * referral's own agency: another party's event touched no data of the person.
 */
function refusedEventEntry(
  envelope: Envelope<ReferralStatusV1>,
  referral: Referral | undefined,
  refusal: { reason: string; message: string },
): AuditEntryInput {
  const own = referral !== undefined && envelope.sender.service === agencyService(referral.agency);
  return {
    kind: 'referral',
    actorKind: 'service',
    actor: envelope.sender.service,
    organisation: envelope.sender.organisation,
    agreementId: referral?.agreementId ?? null,
    agreementVersion: referral?.agreementVersion ?? null,
    purpose: referral?.purpose ?? null,
    subjectKey: own ? referral.subjectKey : null,
    outcome: 'refused',
    correlationId: envelope.payload.referralId,
    details: {
      reason: refusal.reason,
      message: refusal.message,
      status: envelope.payload.status,
      agency: envelope.payload.agency,
      reportedAt: envelope.payload.at,
      messageId: envelope.id,
    },
  };
}
