import {
  EXCHANGES,
  routingKeys,
  type Envelope,
  type Purpose,
  type ReferralActor,
  type ReferralCreatedV1,
  type ReferralStatus,
  type ReferralStatusV1,
} from '@hub/contracts';
import { withTransaction } from '@hub/database';
import { type PgOutbox } from '@hub/messaging';
import { CatalogueIndex, consentFromSnapshot, decideReferral, type Consent } from '@hub/policy';
import type pg from 'pg';
import { catalogueOf, type AgencyAdapterDefinition } from './agency-adapter.js';
import type { AgreementBook } from './agreement-book.js';

export const referralInboxDdl = (schema: string) => `
  CREATE SCHEMA IF NOT EXISTS ${schema};
  CREATE TABLE IF NOT EXISTS ${schema}.referral (
    id                 uuid        PRIMARY KEY,
    referral_type      text        NOT NULL,
    subject            text        NOT NULL,
    purpose            text        NOT NULL,
    message            text        NOT NULL,
    contact_preference text        NOT NULL,
    consent_id         uuid,
    consent            jsonb,
    agreement_id       uuid,
    agreement_version  integer,
    requester          jsonb       NOT NULL,
    respond_by         timestamptz NOT NULL,
    status             text        NOT NULL,
    status_at          timestamptz NOT NULL,
    received_at        timestamptz NOT NULL DEFAULT now(),
    message_id         uuid        NOT NULL
  );
  CREATE INDEX IF NOT EXISTS referral_status ON ${schema}.referral (status, status_at);
  CREATE INDEX IF NOT EXISTS referral_consent ON ${schema}.referral (consent_id) WHERE consent_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS referral_agreement ON ${schema}.referral (agreement_id);
  CREATE TABLE IF NOT EXISTS ${schema}.referral_event (
    seq         bigserial   PRIMARY KEY,
    referral_id uuid        NOT NULL REFERENCES ${schema}.referral (id),
    status      text        NOT NULL,
    at          timestamptz NOT NULL,
    actor       jsonb       NOT NULL,
    note        text
  );
  CREATE INDEX IF NOT EXISTS referral_event_referral ON ${schema}.referral_event (referral_id, seq);
`;

/** The moves a caseworker (or the simulation) may make; cancellation is the hub's or the adapter's own. */
export const NEXT_STATUSES: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  sent: ['received'],
  received: ['accepted', 'declined', 'cancelled'],
  accepted: ['in-progress', 'cancelled'],
  declined: [],
  'in-progress': ['closed'],
  closed: [],
  cancelled: [],
};

export class TransitionError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid-transition',
    message: string,
  ) {
    super(message);
  }
}

export interface ReferralView {
  referralId: string;
  referralType: string;
  subject: string;
  purpose: string;
  message: string;
  contactPreference: string;
  consentId?: string;
  agreement?: { id: string; version: number };
  requester: ReferralCreatedV1['requester'];
  respondBy: string;
  overdue: boolean;
  status: ReferralStatus;
  statusAt: string;
  receivedAt: string;
}

export interface ReferralEventView {
  status: ReferralStatus;
  at: string;
  actor: ReferralActor;
  note?: string;
}

/** A status change of one referral, for its timeline and its event. */
interface StatusChange {
  row: ReferralRow;
  status: ReferralStatus;
  at: Date;
  actor: ReferralActor;
  note?: string;
}

interface ReferralRow {
  id: string;
  referral_type: string;
  subject: string;
  purpose: string;
  message: string;
  contact_preference: string;
  consent_id: string | null;
  consent: ReferralCreatedV1['consent'] | null;
  agreement_id: string | null;
  agreement_version: number | null;
  requester: ReferralCreatedV1['requester'];
  respond_by: Date;
  status: ReferralStatus;
  status_at: Date;
  received_at: Date;
}

/**
 * The agency's referral inbox: each referral stored once, every status change recorded with time and actor and
 * published as `referral.status.v1` through the outbox, in the same transaction as the change.
 */
export class ReferralInbox {
  private readonly catalogues: CatalogueIndex;
  readonly serviceActor: ReferralActor;

  constructor(
    private readonly definition: AgencyAdapterDefinition,
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly book: AgreementBook,
    private readonly outbox: PgOutbox,
  ) {
    this.catalogues = new CatalogueIndex([catalogueOf(definition)]);
    this.serviceActor = { organisation: definition.organisation, service: definition.service };
  }

  async migrate(): Promise<void> {
    await this.pool.query(referralInboxDdl(this.schema));
  }

  /**
   * Stores referrals once each (by referral id, whatever the message id) and answers `received` for each; one the
   * adapter's own policy check refuses is then declined (or cancelled) at once, with the reason as note. A handful
   * of statements whatever the number of referrals. Answers, per envelope, whether its referral was new.
   */
  async receive(
    tx: pg.PoolClient,
    envelopes: readonly Envelope<ReferralCreatedV1>[],
    now = new Date(),
  ): Promise<boolean[]> {
    const foreign = envelopes.find((e) => e.payload.agency !== this.definition.agency);
    if (foreign) throw new Error(`referral ${foreign.payload.referralId} is for ${foreign.payload.agency}`);
    const rows = envelopes.map((envelope): ReferralRow & { message_id: string } => {
      const r = envelope.payload;
      return {
        id: r.referralId,
        referral_type: r.referralType,
        subject: r.subject,
        purpose: envelope.purpose!,
        message: r.message,
        contact_preference: r.contactPreference,
        consent_id: r.consentId ?? null,
        consent: r.consent ?? null,
        agreement_id: envelope.agreement?.id ?? null,
        agreement_version: envelope.agreement?.version ?? null,
        requester: r.requester,
        respond_by: new Date(r.respondBy),
        status: 'received',
        status_at: now,
        received_at: now,
        message_id: envelope.id,
      };
    });
    const { rows: insertedRows } = await tx.query<{ id: string }>(
      `INSERT INTO ${this.schema}.referral (id, referral_type, subject, purpose, message, contact_preference,
         consent_id, consent, agreement_id, agreement_version, requester, respond_by, status, status_at, received_at,
         message_id)
       SELECT id, referral_type, subject, purpose, message, contact_preference, consent_id, consent, agreement_id,
         agreement_version, requester, respond_by, status, status_at, received_at, message_id
       FROM json_to_recordset($1::json) AS r(id uuid, referral_type text, subject text, purpose text, message text,
         contact_preference text, consent_id uuid, consent jsonb, agreement_id uuid, agreement_version integer,
         requester jsonb, respond_by timestamptz, status text, status_at timestamptz, received_at timestamptz,
         message_id uuid)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [JSON.stringify(rows)],
    );
    // a referral given twice (two messages, one referral) counts as new once: for the first of them
    const unclaimed = new Set(insertedRows.map((r) => r.id));
    const isNew = rows.map((row) => unclaimed.delete(row.id.toLowerCase()));
    const events: StatusChange[] = [];
    const refused: StatusChange[] = [];
    for (const row of rows.filter((_, i) => isNew[i])) {
      events.push({ row, status: 'received', at: now, actor: this.serviceActor });
      const refusal = this.refusal(row, now, 'as-named');
      if (!refusal) continue;
      const change: StatusChange =
        refusal === 'consent-revoked'
          ? {
              row,
              status: 'cancelled',
              at: now,
              actor: this.serviceActor,
              note: 'Makulerad: samtycket har återkallats',
            }
          : { row, status: 'declined', at: now, actor: this.serviceActor, note: `Avvisad: ${refusal}` };
      events.push(change);
      refused.push(change);
    }
    if (refused.length > 0) {
      await tx.query(
        `UPDATE ${this.schema}.referral AS r SET status = c.status, status_at = c.at
           FROM json_to_recordset($1::json) AS c(id uuid, status text, at timestamptz) WHERE r.id = c.id`,
        [JSON.stringify(refused.map((c) => ({ id: c.row.id, status: c.status, at: c.at })))],
      );
    }
    await this.recordAll(tx, events);
    return isNew;
  }

  /** The municipality withdrew the referral: unless the agency has finished it, it is cancelled. */
  async cancelledByRequester(
    tx: pg.PoolClient,
    envelope: Envelope<ReferralStatusV1>,
    now = new Date(),
  ): Promise<boolean> {
    const event = envelope.payload;
    if (event.status !== 'cancelled' || event.agency !== this.definition.agency) return false;
    const row = await this.locked(tx, event.referralId);
    // With several consumers on the queue, a withdrawal may be handled before the referral it withdraws: failing
    // sends it back for a retry (with back-off) until the referral is in, or parks it if the referral never comes.
    if (!row) throw new Error(`withdrawal of referral ${event.referralId} before the referral itself; retrying`);
    if (['declined', 'closed', 'cancelled'].includes(row.status)) return false;
    await this.move(
      tx,
      row.id,
      'cancelled',
      now,
      this.serviceActor,
      `Återkallad av kommunen${event.note ? `: ${event.note}` : ''}`,
    );
    return true;
  }

  /** A caseworker's (or the simulation's) move, checked against the lifecycle. */
  async transition(
    id: string,
    to: ReferralStatus,
    actor: ReferralActor,
    note?: string,
    now = new Date(),
  ): Promise<ReferralView> {
    return this.inTransaction(async (tx) => {
      const row = await this.locked(tx, id);
      if (!row) throw new TransitionError('not-found', `no referral ${id}`);
      if (!NEXT_STATUSES[row.status].includes(to)) {
        throw new TransitionError('invalid-transition', `a ${row.status} referral cannot become ${to}`);
      }
      // acceptance is where the agency takes the case on: the consent and the agreement must still hold
      if (to === 'accepted') {
        const refusal = this.refusal(row, now, 'in-force');
        if (refusal) {
          const why = refusal === 'consent-revoked' ? 'samtycket har återkallats' : refusal;
          await this.move(tx, id, 'cancelled', now, this.serviceActor, `Makulerad: ${why}`);
          return viewOf((await this.locked(tx, id))!, now);
        }
      }
      await this.move(tx, id, to, now, actor, note);
      return viewOf((await this.locked(tx, id))!, now);
    });
  }

  /** A consent was revoked: referrals relying on it that are not yet accepted are cancelled. */
  cancelForConsent(tx: pg.PoolClient, consentId: string, now = new Date()): Promise<number> {
    return this.cancelPending(tx, 'consent_id', consentId, 'Makulerad: samtycket har återkallats', now);
  }

  /** An agreement ended (terminated or expired): its referrals not yet accepted are cancelled. */
  cancelForAgreement(tx: pg.PoolClient, agreementId: string, now = new Date()): Promise<number> {
    return this.cancelPending(tx, 'agreement_id', agreementId, 'Makulerad: samtjänstavtalet har upphört', now);
  }

  private async cancelPending(
    tx: pg.PoolClient,
    column: 'consent_id' | 'agreement_id',
    value: string,
    note: string,
    now: Date,
  ): Promise<number> {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM ${this.schema}.referral WHERE ${column} = $1 AND status IN ('sent', 'received')
        ORDER BY id FOR UPDATE`,
      [value],
    );
    for (const { id } of rows) await this.move(tx, id, 'cancelled', now, this.serviceActor, note);
    return rows.length;
  }

  /** Referrals in a status since before `before`, oldest first: the simulated caseworker's work list. */
  async due(status: ReferralStatus, before: Date, limit = 50): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM ${this.schema}.referral WHERE status = $1 AND status_at <= $2 ORDER BY status_at LIMIT $3`,
      [status, before, limit],
    );
    return rows.map((r) => r.id);
  }

  async list(filter: { status?: ReferralStatus; limit?: number } = {}, now = new Date()): Promise<ReferralView[]> {
    const { rows } = await this.pool.query<ReferralRow>(
      `SELECT * FROM ${this.schema}.referral WHERE ($1::text IS NULL OR status = $1)
        ORDER BY received_at DESC, id LIMIT $2`,
      [filter.status ?? null, filter.limit ?? 100],
    );
    return rows.map((r) => viewOf(r, now));
  }

  async show(id: string, now = new Date()): Promise<(ReferralView & { timeline: ReferralEventView[] }) | undefined> {
    const { rows } = await this.pool.query<ReferralRow>(`SELECT * FROM ${this.schema}.referral WHERE id = $1`, [id]);
    if (!rows[0]) return undefined;
    const events = await this.pool.query<{
      status: ReferralStatus;
      at: Date;
      actor: ReferralActor;
      note: string | null;
    }>(`SELECT status, at, actor, note FROM ${this.schema}.referral_event WHERE referral_id = $1 ORDER BY seq`, [id]);
    return {
      ...viewOf(rows[0], now),
      timeline: events.rows.map((e) => ({
        status: e.status,
        at: e.at.toISOString(),
        actor: e.actor,
        ...(e.note !== null && { note: e.note }),
      })),
    };
  }

  /**
   * Why the agency may not (or no longer) take the referral on, by the policy on its own copy of the agreement the
   * referral names, and no other; or nothing. On arrival the named version itself must be in force; by acceptance
   * a newer version of the same agreement may have superseded it, and then its terms decide.
   */
  private refusal(row: ReferralRow, now: Date, version: 'as-named' | 'in-force'): string | undefined {
    const named = row.agreement_id
      ? this.book.named({ id: row.agreement_id, version: row.agreement_version! })
      : undefined;
    if (!named) return 'no-agreement';
    const revokedAt = row.consent_id ? this.book.revokedAt(row.consent_id) : undefined;
    const consents: Consent[] =
      row.consent && row.consent.id === row.consent_id
        ? [consentFromSnapshot(row.consent, row.subject, revokedAt)]
        : [];
    const decision = decideReferral({
      agreements: named,
      consents,
      catalogues: this.catalogues,
      staff: {
        organisation: row.requester.organisation,
        unit: row.requester.unit,
        roles: row.requester.roles,
      },
      request: {
        subject: row.subject,
        purpose: row.purpose as Purpose,
        agency: this.definition.agency,
        referralType: row.referral_type,
        consentId: row.consent_id ?? undefined,
      },
      now,
    });
    if (version === 'as-named' && decision.agreement && decision.agreement.version !== row.agreement_version) {
      return 'agreement-inactive';
    }
    if (decision.status === 'allow') return undefined;
    return revokedAt && decision.reason === 'consent-missing' ? 'consent-revoked' : decision.reason;
  }

  private async move(
    tx: pg.PoolClient,
    id: string,
    status: ReferralStatus,
    at: Date,
    actor: ReferralActor,
    note?: string,
  ): Promise<void> {
    const { rows } = await tx.query<ReferralRow>(
      `UPDATE ${this.schema}.referral SET status = $2, status_at = $3 WHERE id = $1 RETURNING *`,
      [id, status, at],
    );
    await this.record(tx, rows[0]!, status, at, actor, note);
  }

  private async record(
    tx: pg.PoolClient,
    row: ReferralRow,
    status: ReferralStatus,
    at: Date,
    actor: ReferralActor,
    note?: string,
  ): Promise<void> {
    await this.recordAll(tx, [{ row, status, at, actor, note }]);
  }

  /** Status changes into the timeline, in order, each published as `referral.status.v1` through the outbox. */
  private async recordAll(tx: pg.PoolClient, changes: readonly StatusChange[]): Promise<void> {
    if (changes.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.schema}.referral_event (referral_id, status, at, actor, note)
       SELECT referral_id, status, at, actor, note FROM json_to_recordset($1::json)
         AS e(referral_id uuid, status text, at timestamptz, actor jsonb, note text)`,
      [
        JSON.stringify(
          changes.map((c) => ({ referral_id: c.row.id, status: c.status, at: c.at, actor: c.actor, note: c.note })),
        ),
      ],
    );
    await this.outbox.enqueueMany(
      tx,
      changes.map(({ row, status, at, actor, note }) => {
        const payload: ReferralStatusV1 = {
          referralId: row.id,
          agency: this.definition.agency,
          status,
          at: at.toISOString(),
          actor,
          ...(note && { note }),
        };
        return {
          exchange: EXCHANGES.event,
          routingKey: routingKeys.referralStatus(this.definition.agency),
          message: {
            type: 'referral.status.v1',
            correlationId: row.id,
            purpose: row.purpose as Purpose,
            ...(row.agreement_id && { agreement: { id: row.agreement_id, version: row.agreement_version! } }),
            payload,
          },
        };
      }),
    );
  }

  private async locked(tx: pg.PoolClient, id: string): Promise<ReferralRow | undefined> {
    const { rows } = await tx.query<ReferralRow>(`SELECT * FROM ${this.schema}.referral WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    return rows[0];
  }

  private inTransaction<T>(work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }
}

function viewOf(r: ReferralRow, now: Date): ReferralView {
  // the agreed response time is the time to answer: accepted or declined
  const open = r.status === 'sent' || r.status === 'received';
  return {
    referralId: r.id,
    referralType: r.referral_type,
    subject: r.subject,
    purpose: r.purpose,
    message: r.message,
    contactPreference: r.contact_preference,
    ...(r.consent_id && { consentId: r.consent_id }),
    ...(r.agreement_id && { agreement: { id: r.agreement_id, version: r.agreement_version! } }),
    requester: r.requester,
    respondBy: r.respond_by.toISOString(),
    overdue: open && r.respond_by.getTime() < now.getTime(),
    status: r.status,
    statusAt: r.status_at.toISOString(),
    receivedAt: r.received_at.toISOString(),
  };
}
