import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { ReferralActor, ReferralStatus } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';

/** A referral as `hub.referral` holds it. */
export interface Referral {
  id: string;
  subjectKey: string;
  subjectMasked: string;
  agency: string;
  referralType: string;
  purpose: string;
  message: string;
  contactPreference: string;
  consentId: string | null;
  /** the contact the referral was made during */
  contactId?: string | null;
  agreementId: string;
  agreementVersion: number;
  organisation: string;
  unit: string;
  createdBy: string;
  createdAt: Date;
  respondBy: Date;
  status: ReferralStatus;
  statusAt: Date;
}

/** A referral to store, with the legal basis it relies on and who sent it (its first, `sent`, event). */
export interface NewReferral {
  referral: Referral;
  legalBasis: object | null;
  actor: ReferralActor;
}

/** One entry of a referral's timeline. */
export interface ReferralEvent {
  status: ReferralStatus;
  /** by the hub's clock */
  at: Date;
  actor: ReferralActor;
  note: string | null;
  /** by the agency's clock, for the agency's events */
  reportedAt: Date | null;
}

/** An entry to add to a referral's timeline. */
export interface NewReferralEvent {
  referralId: string;
  status: ReferralStatus;
  at: Date;
  actor: ReferralActor;
  note: string | null;
  /** the time the agency gave, as it gave it */
  reportedAt?: string;
  /** the agency's status message it came in */
  messageId?: string;
}

export interface ReferralFilter {
  organisation: string;
  unit: string;
  status: string | null;
  agency: string | null;
  /** all of the subject's keys (Subject.keys), or null for every subject */
  subjectKeys: readonly string[] | null;
  overdue: boolean | null;
  now: Date;
}

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
  contact_id: string | null;
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

interface EventRow {
  status: ReferralStatus;
  at: Date;
  actor: ReferralActor;
  note: string | null;
  reported_at: Date | null;
}

/** `hub.referral` and its timeline `hub.referral_event`. */
@Injectable()
export class ReferralRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** The referrals and their `sent` events, each in one statement however many there are. */
  async insertMany(referrals: readonly NewReferral[], db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.referral (id, subject_key, subject_masked, agency, referral_type, purpose, message,
         contact_preference, consent_id, legal_basis, agreement_id, agreement_version, organisation, unit,
         created_by, created_at, respond_by, status, status_at, contact_id)
       SELECT id, subject_key, subject_masked, agency, referral_type, purpose, message, contact_preference,
         consent_id, legal_basis, agreement_id, agreement_version, organisation, unit, created_by, created_at,
         respond_by, status, status_at, contact_id
       FROM json_to_recordset($1::json) AS r(id uuid, subject_key text, subject_masked text, agency text,
         referral_type text, purpose text, message text, contact_preference text, consent_id uuid, legal_basis jsonb,
         agreement_id uuid, agreement_version integer, organisation text, unit text, created_by text,
         created_at timestamptz, respond_by timestamptz, status text, status_at timestamptz,
         contact_id uuid)`,
      [JSON.stringify(referrals.map((r) => ({ ...rowOf(r.referral), legal_basis: r.legalBasis })))],
    );
    await db.query(
      `INSERT INTO hub.referral_event (referral_id, status, at, actor)
       SELECT referral_id, 'sent', at, actor FROM json_to_recordset($1::json)
         AS e(referral_id uuid, at timestamptz, actor jsonb)`,
      [
        JSON.stringify(
          referrals.map((r) => ({ referral_id: r.referral.id, at: r.referral.createdAt, actor: r.actor })),
        ),
      ],
    );
  }

  /** A unit's referrals, newest first, at most 500. */
  async list(filter: ReferralFilter, db: Queryable = this.pool): Promise<Referral[]> {
    const { rows } = await db.query<ReferralRow>(
      `SELECT * FROM hub.referral
        WHERE organisation = $1 AND unit = $2
          AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR agency = $4)
          AND ($5::char(64)[] IS NULL OR subject_key = ANY($5::char(64)[]))
          AND ($6::boolean IS NULL OR (status IN ('sent', 'received') AND respond_by < $7) = $6)
        ORDER BY created_at DESC, id LIMIT 500`,
      [
        filter.organisation,
        filter.unit,
        filter.status,
        filter.agency,
        filter.subjectKeys && [...filter.subjectKeys],
        filter.overdue,
        filter.now,
      ],
    );
    return rows.map(referralOf);
  }

  /** The referral, when the unit sent it. */
  async findOfUnit(
    id: string,
    organisation: string,
    unit: string,
    db: Queryable = this.pool,
  ): Promise<Referral | undefined> {
    const { rows } = await db.query<ReferralRow>(
      'SELECT * FROM hub.referral WHERE id = $1 AND organisation = $2 AND unit = $3',
      [id, organisation, unit],
    );
    return rows[0] && referralOf(rows[0]);
  }

  async statusOf(id: string, db: Queryable = this.pool): Promise<ReferralStatus | undefined> {
    const { rows } = await db.query<{ status: ReferralStatus }>(`SELECT status FROM hub.referral WHERE id = $1`, [id]);
    return rows[0]?.status;
  }

  /** Locks the referral for the rest of the transaction. */
  async lock(id: string, db: Queryable): Promise<Referral | undefined> {
    const { rows } = await db.query<ReferralRow>('SELECT * FROM hub.referral WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] && referralOf(rows[0]);
  }

  /** Locks the referrals for the rest of the transaction; the ids are lower-case UUIDs. */
  async lockMany(ids: readonly string[], db: Queryable): Promise<Referral[]> {
    // locked in one order, so that two batches about the same referrals wait for each other rather than deadlock
    const { rows } = await db.query<ReferralRow>(
      'SELECT * FROM hub.referral WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [ids],
    );
    return rows.map(referralOf);
  }

  async setStatus(id: string, status: ReferralStatus, at: Date, db: Queryable = this.pool): Promise<void> {
    await db.query(`UPDATE hub.referral SET status = $3, status_at = $2 WHERE id = $1`, [id, at, status]);
  }

  async setStatuses(
    moves: readonly { id: string; status: ReferralStatus; at: Date }[],
    db: Queryable = this.pool,
  ): Promise<void> {
    if (moves.length === 0) return;
    await db.query(
      `UPDATE hub.referral AS r SET status = m.status, status_at = m.at
         FROM json_to_recordset($1::json) AS m(id uuid, status text, at timestamptz) WHERE r.id = m.id`,
      [JSON.stringify(moves)],
    );
  }

  async timeline(referralId: string, db: Queryable = this.pool): Promise<ReferralEvent[]> {
    const { rows } = await db.query<EventRow>(
      `SELECT status, at, actor, note, reported_at FROM hub.referral_event WHERE referral_id = $1 ORDER BY at, seq`,
      [referralId],
    );
    return rows.map((e) => ({ status: e.status, at: e.at, actor: e.actor, note: e.note, reportedAt: e.reported_at }));
  }

  /** Of the status messages, those whose event is on a timeline already (lower-case ids). */
  async recordedMessages(messageIds: readonly string[], db: Queryable = this.pool): Promise<Set<string>> {
    const { rows } = await db.query<{ message_id: string }>(
      'SELECT message_id FROM hub.referral_event WHERE message_id = ANY($1::uuid[])',
      [messageIds],
    );
    return new Set(rows.map((r) => r.message_id));
  }

  /** Events whose message is recorded already are left out. */
  async insertEvents(events: readonly NewReferralEvent[], db: Queryable = this.pool): Promise<void> {
    if (events.length === 0) return;
    await db.query(
      `INSERT INTO hub.referral_event (referral_id, status, at, reported_at, actor, note, message_id)
       SELECT referral_id, status, at, reported_at, actor, note, message_id FROM json_to_recordset($1::json)
         AS e(referral_id uuid, status text, at timestamptz, reported_at timestamptz, actor jsonb, note text,
              message_id uuid)
       ON CONFLICT (message_id) DO NOTHING`,
      [
        JSON.stringify(
          events.map((e) => ({
            referral_id: e.referralId,
            status: e.status,
            at: e.at,
            reported_at: e.reportedAt ?? null,
            actor: e.actor,
            note: e.note,
            message_id: e.messageId ?? null,
          })),
        ),
      ],
    );
  }
}

function referralOf(r: ReferralRow): Referral {
  return {
    id: r.id,
    subjectKey: r.subject_key,
    subjectMasked: r.subject_masked,
    agency: r.agency,
    referralType: r.referral_type,
    purpose: r.purpose,
    message: r.message,
    contactPreference: r.contact_preference,
    consentId: r.consent_id,
    contactId: r.contact_id,
    agreementId: r.agreement_id,
    agreementVersion: r.agreement_version,
    organisation: r.organisation,
    unit: r.unit,
    createdBy: r.created_by,
    createdAt: r.created_at,
    respondBy: r.respond_by,
    status: r.status,
    statusAt: r.status_at,
  };
}

function rowOf(r: Referral): ReferralRow {
  return {
    id: r.id,
    subject_key: r.subjectKey,
    subject_masked: r.subjectMasked,
    agency: r.agency,
    referral_type: r.referralType,
    purpose: r.purpose,
    message: r.message,
    contact_preference: r.contactPreference,
    consent_id: r.consentId,
    contact_id: r.contactId ?? null,
    agreement_id: r.agreementId,
    agreement_version: r.agreementVersion,
    organisation: r.organisation,
    unit: r.unit,
    created_by: r.createdBy,
    created_at: r.createdAt,
    respond_by: r.respondBy,
    status: r.status,
    status_at: r.statusAt,
  };
}
