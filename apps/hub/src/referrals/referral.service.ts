import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type pg from 'pg';
import { AuditLog, type AuditEntryInput } from '@hub/audit';
import {
  agencyService,
  EXCHANGES,
  maskPersonnummer,
  routingKeys,
  type Envelope,
  type Purpose,
  type ReferralActor,
  type ReferralCreatedV1,
  type ReferralStatus,
  type ReferralStatusV1,
} from '@hub/contracts';
import { Batcher } from '@hub/common';
import { withTransaction } from '@hub/database';
import { PgOutbox, type OutboxMessage } from '@hub/messaging';
import { withCorrelation } from '@hub/observability';
import { consentSnapshot, decideReferral } from '@hub/policy';
import { AgreementsService } from '../agreements/agreements.service.js';
import type { StaffUser } from '../auth/staff-user.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { ConsentService } from '../consents/consent.service.js';
import { PG_POOL } from '../core/core.module.js';
import { Subjects } from '../core/subjects.js';
import { HubMetrics } from '../metrics/hub-metrics.js';
import { agencyEventOutcome } from './referral-lifecycle.js';
import type { CreateReferralDto, ListReferralsQuery, ReferralEventView, ReferralView } from './referral.dto.js';

const ANSWERED: ReferralStatus[] = ['accepted', 'declined', 'in-progress', 'closed', 'cancelled'];
const FINISHED: ReferralStatus[] = ['declined', 'closed', 'cancelled'];

interface ReferralRow {
  id: string;
  subject_key: string;
  subject_masked: string;
  agency: string;
  referral_type: string;
  purpose: string;
  message: string;
  contact_preference: string;
  consent_id: string | null;
  agreement_id: string;
  agreement_version: number;
  organisation: string;
  unit: string;
  created_by: string;
  created_at: Date;
  respond_by: Date;
  status: ReferralStatus;
  status_at: Date;
}

/** A referral checked and ready to be stored, with its first event and the message that tells the agency. */
interface NewReferral {
  row: ReferralRow;
  legalBasis: object | null;
  actor: ReferralActor;
  message: OutboxMessage;
}

/**
 * Referrals (remisser) from the front office to one agency. A referral is checked with the policy, then stored
 * and published in one transaction through the outbox, so a crash between commit and publish loses nothing. The
 * agency's status events build its timeline, along the lifecycle only.
 */
@Injectable()
export class ReferralService {
  private readonly logger = new Logger('referrals');
  private readonly creations: Batcher<NewReferral, Error | undefined>;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly subjects: Subjects,
    private readonly agreements: AgreementsService,
    private readonly catalogues: CatalogueService,
    private readonly consents: ConsentService,
    private readonly outbox: PgOutbox,
    private readonly audit: AuditLog,
    private readonly metrics: HubMetrics,
  ) {
    this.creations = new Batcher((referrals) => this.store(referrals), { maxBatch: 200, concurrency: 2 });
  }

  async create(dto: CreateReferralDto, user: StaffUser, now = new Date()): Promise<ReferralView> {
    const unit = unitOf(user);
    const subject = this.subjects.parse(dto.subject);
    // another unit's consent is as absent as one never given: which problem the policy finds must not tell them apart
    const consents = (await this.consents.policyConsents(subject.key)).filter(
      (c) => c.organisation === user.organisation && c.unit === unit,
    );
    const decision = decideReferral({
      agreements: this.agreements.policyIndex(),
      consents,
      catalogues: this.catalogues.index(),
      staff: { organisation: user.organisation, unit, roles: user.roles },
      request: {
        subject: subject.key,
        purpose: dto.purpose,
        agency: dto.agency,
        referralType: dto.referralType,
        consentId: dto.consentId,
      },
      now,
    });
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
      throw new ForbiddenException({
        error: decision.reason,
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
    const row: ReferralRow = {
      id,
      subject_key: subject.key,
      subject_masked: maskPersonnummer(subject.personnummer),
      agency: dto.agency,
      referral_type: dto.referralType,
      purpose: dto.purpose,
      message: dto.message,
      contact_preference: dto.contactPreference,
      consent_id: consent?.id ?? null,
      agreement_id: decision.agreement!.id,
      agreement_version: decision.agreement!.version,
      organisation: user.organisation,
      unit,
      created_by: user.id,
      created_at: now,
      respond_by: respondBy,
      status: 'sent',
      status_at: now,
    };
    const actor: ReferralActor = { organisation: user.organisation, name: user.name };
    const failed = await this.creations.add({
      row,
      legalBasis: decision.legalBasis ?? null,
      actor,
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
    await this.audit.append({
      ...base,
      outcome: 'sent',
      details: { agency: dto.agency, referralType: dto.referralType, ...(consent && { consentId: consent.id }) },
    });
    // as committed; the agency's status events may have moved it on since, which GET /referrals/:id shows
    return { ...viewOf(row, now), timeline: [{ status: 'sent', at: now.toISOString(), actor }] };
  }

  /**
   * Stores referrals created together in one transaction: the rows, their `sent` events and their outbox messages.
   * When that fails, each is tried alone, so that one referral the database refuses fails no other.
   */
  private async store(referrals: NewReferral[]): Promise<(Error | undefined)[]> {
    try {
      await this.inTransaction((tx) => this.insertReferrals(tx, referrals));
      return referrals.map(() => undefined);
    } catch (err) {
      if (referrals.length === 1) return [err as Error];
      return Promise.all(
        referrals.map((r) =>
          this.inTransaction((tx) => this.insertReferrals(tx, [r])).then(
            () => undefined,
            (e: Error) => e,
          ),
        ),
      );
    }
  }

  private async insertReferrals(tx: pg.PoolClient, referrals: NewReferral[]): Promise<void> {
    await tx.query(
      `INSERT INTO hub.referral (id, subject_key, subject_masked, agency, referral_type, purpose, message,
         contact_preference, consent_id, legal_basis, agreement_id, agreement_version, organisation, unit,
         created_by, created_at, respond_by, status, status_at)
       SELECT id, subject_key, subject_masked, agency, referral_type, purpose, message, contact_preference,
         consent_id, legal_basis, agreement_id, agreement_version, organisation, unit, created_by, created_at,
         respond_by, status, status_at
       FROM json_to_recordset($1::json) AS r(id uuid, subject_key text, subject_masked text, agency text,
         referral_type text, purpose text, message text, contact_preference text, consent_id uuid, legal_basis jsonb,
         agreement_id uuid, agreement_version integer, organisation text, unit text, created_by text,
         created_at timestamptz, respond_by timestamptz, status text, status_at timestamptz)`,
      [JSON.stringify(referrals.map((r) => ({ ...r.row, legal_basis: r.legalBasis })))],
    );
    await tx.query(
      `INSERT INTO hub.referral_event (referral_id, status, at, actor)
       SELECT referral_id, 'sent', at, actor FROM json_to_recordset($1::json)
         AS e(referral_id uuid, at timestamptz, actor jsonb)`,
      [JSON.stringify(referrals.map((r) => ({ referral_id: r.row.id, at: r.row.created_at, actor: r.actor })))],
    );
    await this.outbox.enqueueMany(
      tx,
      referrals.map((r) => r.message),
    );
  }

  async list(query: ListReferralsQuery, user: StaffUser, now = new Date()): Promise<ReferralView[]> {
    const unit = unitOf(user);
    const subjectKey = query.subject ? this.subjects.parse(query.subject).key : null;
    const { rows } = await this.pool.query<ReferralRow>(
      `SELECT * FROM hub.referral
        WHERE organisation = $1 AND unit = $2
          AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR agency = $4)
          AND ($5::text IS NULL OR subject_key = $5)
          AND ($6::boolean IS NULL OR (status IN ('sent', 'received') AND respond_by < $7) = $6)
        ORDER BY created_at DESC, id LIMIT 500`,
      [user.organisation, unit, query.status ?? null, query.agency ?? null, subjectKey, query.overdue ?? null, now],
    );
    return rows.map((r) => viewOf(r, now));
  }

  async show(id: string, user: StaffUser, now = new Date()): Promise<ReferralView | undefined> {
    const row = await this.visible(id, user);
    const events = await this.pool.query<{
      status: ReferralStatus;
      at: Date;
      actor: ReferralActor;
      note: string | null;
      reported_at: Date | null;
    }>(`SELECT status, at, actor, note, reported_at FROM hub.referral_event WHERE referral_id = $1 ORDER BY at, seq`, [
      id,
    ]);
    return {
      ...viewOf(row, now),
      timeline: events.rows.map((e): ReferralEventView => ({
        status: e.status,
        at: e.at.toISOString(),
        actor: e.actor,
        ...(e.note !== null && { note: e.note }),
        ...(e.reported_at !== null && { reportedAt: e.reported_at.toISOString() }),
      })),
    };
  }

  /** The front office withdraws a referral the agency has not finished; the agency is told through the outbox. */
  async cancel(id: string, user: StaffUser, note?: string, now = new Date()): Promise<ReferralView> {
    const row = await this.visible(id, user);
    await this.inTransaction(async (tx) => {
      const { rows } = await tx.query<ReferralRow>('SELECT * FROM hub.referral WHERE id = $1 FOR UPDATE', [id]);
      if (FINISHED.includes(rows[0].status)) {
        throw new ConflictException({
          error: 'referral-finished',
          message: `the referral is ${rows[0].status} and can no longer be cancelled`,
        });
      }
      const actor = { organisation: user.organisation, name: user.name };
      await tx.query(`UPDATE hub.referral SET status = 'cancelled', status_at = $2 WHERE id = $1`, [id, now]);
      await this.addEvent(tx, id, 'cancelled', now, actor, note ?? 'Återkallad av kommunen');
      const payload: ReferralStatusV1 = {
        referralId: id,
        agency: row.agency,
        status: 'cancelled',
        at: now.toISOString(),
        actor,
        note: note ?? 'Återkallad av kommunen',
      };
      // on the referral exchange, where only the hub writes and the agency's adapter listens
      await this.outbox.enqueue(tx, EXCHANGES.referral, routingKeys.referral(row.agency, row.referral_type), {
        type: 'referral.status.v1',
        correlationId: id,
        purpose: row.purpose as Purpose,
        agreement: { id: row.agreement_id, version: row.agreement_version },
        payload,
      });
    });
    this.metrics.recordReferralStatus(row.agency, 'cancelled');
    await this.audit.append({
      kind: 'referral',
      actorKind: 'staff',
      actor: user.id,
      organisation: user.organisation,
      unit: user.unit ?? null,
      agreementId: row.agreement_id,
      agreementVersion: row.agreement_version,
      purpose: row.purpose,
      subjectKey: row.subject_key,
      outcome: 'cancelled',
      correlationId: id,
      details: { agency: row.agency, referralType: row.referral_type },
    });
    return (await this.show(id, user))!;
  }

  /**
   * Status events from the agencies' adapters, in the consumer's transaction, in order. Only the referral's own
   * agency speaks for it, and only along the lifecycle (referral-lifecycle.ts): any other event changes nothing and
   * is audited as refused, with its reason. Statuses are dated by the hub's clock; the agency's time is kept as
   * `reportedAt`. A handful of statements whatever the number of events.
   */
  async recordStatuses(
    tx: pg.PoolClient,
    envelopes: readonly Envelope<ReferralStatusV1>[],
    now = new Date(),
  ): Promise<void> {
    const ids = [...new Set(envelopes.map((e) => e.payload.referralId.toLowerCase()))];
    // locked in one order, so that two batches about the same referrals wait for each other rather than deadlock
    const { rows } = await tx.query<ReferralRow>(
      'SELECT * FROM hub.referral WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [ids],
    );
    const referrals = new Map(rows.map((r) => [r.id, r]));
    // an event already recorded (the same message again) is neither judged nor audited a second time
    const { rows: seen } = await tx.query<{ message_id: string }>(
      'SELECT message_id FROM hub.referral_event WHERE message_id = ANY($1::uuid[])',
      [envelopes.map((e) => e.id)],
    );
    const recordedBefore = new Set(seen.map((r) => r.message_id));
    const current = new Map(rows.map((r) => [r.id, r.status]));
    const events: Array<{ envelope: Envelope<ReferralStatusV1>; row: ReferralRow }> = [];
    const moves = new Map<string, { id: string; status: ReferralStatus; at: Date }>();
    const audits: Promise<unknown>[] = [];
    for (const envelope of envelopes) {
      if (recordedBefore.has(envelope.id.toLowerCase())) continue;
      const event = envelope.payload;
      const row = referrals.get(event.referralId.toLowerCase());
      let refusal: { reason: string; message: string } | undefined;
      if (!row) {
        refusal = { reason: 'unknown-referral', message: `no referral ${event.referralId}` };
      } else if (envelope.sender.service !== agencyService(row.agency) || event.agency !== row.agency) {
        refusal = { reason: 'not-the-referrals-agency', message: `referral ${row.id} was sent to ${row.agency}` };
      } else if (event.actor.organisation !== envelope.sender.organisation) {
        // the timeline names the actor: an agency speaks for its own staff and services, never for another party
        refusal = {
          reason: 'actor-not-the-sender',
          message: `the actor's organisation ${event.actor.organisation} is not the sender's`,
        };
      } else {
        const outcome = agencyEventOutcome(current.get(row.id)!, event.status);
        if (outcome.kind === 'refused') {
          refusal = outcome;
        } else {
          if (outcome.kind === 'move') {
            current.set(row.id, event.status);
            moves.set(row.id, { id: row.id, status: event.status, at: now });
          }
          events.push({ envelope, row });
          continue;
        }
      }
      this.logger.warn(
        `refused ${event.status} for referral ${event.referralId} from ${envelope.sender.service}: ${refusal.message}`,
      );
      audits.push(this.audit.append(refusedEventEntry(envelope, row, refusal)));
    }
    if (events.length > 0) {
      await tx.query(
        `INSERT INTO hub.referral_event (referral_id, status, at, reported_at, actor, note, message_id)
         SELECT referral_id, status, at, reported_at, actor, note, message_id FROM json_to_recordset($1::json)
           AS e(referral_id uuid, status text, at timestamptz, reported_at timestamptz, actor jsonb, note text,
                message_id uuid)
         ON CONFLICT (message_id) DO NOTHING`,
        [
          JSON.stringify(
            events.map(({ envelope: { id, payload }, row }) => ({
              referral_id: row.id,
              status: payload.status,
              at: now,
              reported_at: payload.at,
              actor: payload.actor,
              note: payload.note ?? null,
              message_id: id,
            })),
          ),
        ],
      );
    }
    for (const { envelope, row } of events) {
      const event = envelope.payload;
      this.metrics.recordReferralStatus(row.agency, event.status);
      audits.push(
        this.audit.append({
          kind: 'referral',
          actorKind: 'service',
          actor: envelope.sender.service,
          organisation: envelope.sender.organisation,
          agreementId: row.agreement_id,
          agreementVersion: row.agreement_version,
          purpose: row.purpose,
          subjectKey: row.subject_key,
          outcome: event.status,
          correlationId: row.id,
          details: { agency: row.agency, reportedAt: event.at, ...(event.note && { note: event.note }) },
        }),
      );
    }
    if (moves.size > 0) {
      await tx.query(
        `UPDATE hub.referral AS r SET status = m.status, status_at = m.at
           FROM json_to_recordset($1::json) AS m(id uuid, status text, at timestamptz) WHERE r.id = m.id`,
        [JSON.stringify([...moves.values()])],
      );
    }
    await Promise.all(audits);
  }

  private async addEvent(
    tx: pg.PoolClient,
    referralId: string,
    status: ReferralStatus,
    at: Date,
    actor: ReferralActor,
    note?: string,
    messageId?: string,
  ): Promise<boolean> {
    const result = await tx.query(
      `INSERT INTO hub.referral_event (referral_id, status, at, actor, note, message_id)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING`,
      [referralId, status, at, JSON.stringify(actor), note ?? null, messageId ?? null],
    );
    return result.rowCount === 1;
  }

  private async visible(id: string, user: StaffUser): Promise<ReferralRow> {
    const unit = unitOf(user);
    const { rows } = await this.pool.query<ReferralRow>(
      'SELECT * FROM hub.referral WHERE id = $1 AND organisation = $2 AND unit = $3',
      [id, user.organisation, unit],
    );
    if (!rows[0]) throw new NotFoundException({ error: 'not-found', message: `no referral ${id} from your unit` });
    return rows[0];
  }

  private inTransaction<T>(work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }
}

function unitOf(user: StaffUser): string {
  if (!user.unit) {
    throw new ForbiddenException({ error: 'no-unit', message: 'referrals are sent by a municipal unit' });
  }
  return user.unit;
}

function viewOf(r: ReferralRow, now: Date): ReferralView {
  return {
    id: r.id,
    subject: r.subject_masked,
    agency: r.agency,
    referralType: r.referral_type,
    purpose: r.purpose,
    message: r.message,
    contactPreference: r.contact_preference,
    ...(r.consent_id && { consentId: r.consent_id }),
    agreement: { id: r.agreement_id, version: r.agreement_version },
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    respondBy: r.respond_by.toISOString(),
    overdue: !ANSWERED.includes(r.status) && r.respond_by.getTime() < now.getTime(),
    status: r.status,
    statusAt: r.status_at.toISOString(),
  };
}

/**
 * The audit entry of a status event that changed nothing. The subject is named only when the event came from the
 * referral's own agency: another party's event touched no data of the person.
 */
function refusedEventEntry(
  envelope: Envelope<ReferralStatusV1>,
  row: ReferralRow | undefined,
  refusal: { reason: string; message: string },
): AuditEntryInput {
  const own = row !== undefined && envelope.sender.service === agencyService(row.agency);
  return {
    kind: 'referral',
    actorKind: 'service',
    actor: envelope.sender.service,
    organisation: envelope.sender.organisation,
    agreementId: row?.agreement_id ?? null,
    agreementVersion: row?.agreement_version ?? null,
    purpose: row?.purpose ?? null,
    subjectKey: own ? row.subject_key : null,
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
