import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import type { RetentionPeriods } from './retention-periods.js';

/**
 * Whose rows a batch takes: one registered organisation's (under its periods), or those of organisations the hub
 * does not know (left from before one was registered, or closed), under the defaults.
 */
export type RetentionScope = { organisation: string } | { unregistered: true };

export interface StoredRetention extends RetentionPeriods {
  organisation: string;
  updatedBy: string;
  updatedAt: Date;
}

export interface RetentionRunRow {
  id: number;
  day: string | null;
  asOf: Date;
  instance: string;
  startedAt: Date;
  finishedAt: Date | null;
  counts: Record<string, unknown> | null;
  error: string | null;
}

interface SettingRow {
  organisation: string;
  contact_months: number;
  consent_months: number;
  referral_years: number;
  errand_years: number;
  query_outcome_months: number;
  session_days: number;
  audit_years: number;
  updated_by: string;
  updated_at: Date;
}

const toStored = (row: SettingRow): StoredRetention => ({
  organisation: row.organisation,
  contactMonths: row.contact_months,
  consentMonths: row.consent_months,
  referralYears: row.referral_years,
  errandYears: row.errand_years,
  queryOutcomeMonths: row.query_outcome_months,
  sessionDays: row.session_days,
  auditYears: row.audit_years,
  updatedBy: row.updated_by,
  updatedAt: row.updated_at,
});

/** The SQL condition on `alias.column` for a scope; `$1` is the organisation (unused for the unregistered). */
function inScope(scope: RetentionScope, column: string): string {
  return 'organisation' in scope
    ? `${column} = $1`
    : `$1::text IS NULL AND NOT EXISTS (SELECT 1 FROM hub.organisation o WHERE o.number = ${column})`;
}

const scopeParam = (scope: RetentionScope): string | null => ('organisation' in scope ? scope.organisation : null);

/** Advisory lock key of the job: one run at a time across every hub instance. */
export const RETENTION_LOCK = 'hub-retention-job';

/**
 * The job's SQL. Every batch takes at most `limit` rows, locked with SKIP LOCKED so that it never waits for a row
 * traffic holds (that row is taken by the next run), and answers how many it changed: the service loops until a
 * batch comes back short. Each batch is its own short transaction.
 */
@Injectable()
export class RetentionRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async settings(organisation: string, db: Queryable = this.pool): Promise<StoredRetention | undefined> {
    const { rows } = await db.query<SettingRow>(`SELECT * FROM hub.retention_setting WHERE organisation = $1`, [
      organisation,
    ]);
    return rows[0] && toStored(rows[0]);
  }

  /** The settings row, locked for the rest of the transaction. */
  async lockSettings(organisation: string, tx: Queryable): Promise<StoredRetention | undefined> {
    const { rows } = await tx.query<SettingRow>(
      `SELECT * FROM hub.retention_setting WHERE organisation = $1 FOR UPDATE`,
      [organisation],
    );
    return rows[0] && toStored(rows[0]);
  }

  async upsertSettings(
    organisation: string,
    periods: RetentionPeriods,
    updatedBy: string,
    db: Queryable = this.pool,
  ): Promise<StoredRetention> {
    const { rows } = await db.query<SettingRow>(
      `INSERT INTO hub.retention_setting (organisation, contact_months, consent_months, referral_years, errand_years,
         query_outcome_months, session_days, audit_years, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (organisation) DO UPDATE SET contact_months = EXCLUDED.contact_months,
         consent_months = EXCLUDED.consent_months, referral_years = EXCLUDED.referral_years,
         errand_years = EXCLUDED.errand_years, query_outcome_months = EXCLUDED.query_outcome_months,
         session_days = EXCLUDED.session_days, audit_years = EXCLUDED.audit_years,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING *`,
      [
        organisation,
        periods.contactMonths,
        periods.consentMonths,
        periods.referralYears,
        periods.errandYears,
        periods.queryOutcomeMonths,
        periods.sessionDays,
        periods.auditYears,
        updatedBy,
      ],
    );
    return toStored(rows[0]!);
  }

  /** Every registered organisation, with its settings where it has set them. */
  async organisations(db: Queryable = this.pool): Promise<{ organisation: string; settings?: StoredRetention }[]> {
    const { rows } = await db.query<SettingRow & { number: string }>(
      `SELECT o.number, s.* FROM hub.organisation o
         LEFT JOIN hub.retention_setting s ON s.organisation = o.number ORDER BY o.number`,
    );
    return rows.map((row) => ({
      organisation: row.number,
      ...(row.updated_by !== null && { settings: toStored({ ...row, organisation: row.number }) }),
    }));
  }

  /**
   * Takes the job's lock on a connection of its own, held until `release`; undefined when another run (of any
   * instance) holds it. A session lock, so that a stopped instance's lock goes with its connection.
   */
  async tryLock(): Promise<{ release: () => Promise<void> } | undefined> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [
        RETENTION_LOCK,
      ]);
      if (!rows[0]?.locked) {
        client.release();
        return undefined;
      }
    } catch (err) {
      client.release();
      throw err;
    }
    return {
      release: async () => {
        try {
          await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [RETENTION_LOCK]);
          client.release();
        } catch (err) {
          client.release(err as Error);
        }
      },
    };
  }

  /** Claims the daily run of `day` (UTC): the id, or undefined when some instance has claimed it already. */
  async claimDaily(day: string, asOf: Date, instance: string, db: Queryable = this.pool): Promise<number | undefined> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO hub.retention_run (day, as_of, instance) VALUES ($1, $2, $3)
       ON CONFLICT (day) WHERE day IS NOT NULL DO NOTHING RETURNING id`,
      [day, asOf, instance],
    );
    return rows[0] ? Number(rows[0].id) : undefined;
  }

  async startManual(asOf: Date, instance: string, db: Queryable = this.pool): Promise<number> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO hub.retention_run (as_of, instance) VALUES ($1, $2) RETURNING id`,
      [asOf, instance],
    );
    return Number(rows[0]!.id);
  }

  async finishRun(id: number, counts: object, error: string | null, db: Queryable = this.pool): Promise<void> {
    await db.query(`UPDATE hub.retention_run SET finished_at = now(), counts = $2::jsonb, error = $3 WHERE id = $1`, [
      id,
      JSON.stringify(counts),
      error,
    ]);
  }

  async recentRuns(limit: number, db: Queryable = this.pool): Promise<RetentionRunRow[]> {
    const { rows } = await db.query<{
      id: string;
      day: string | null;
      as_of: Date;
      instance: string;
      started_at: Date;
      finished_at: Date | null;
      counts: Record<string, unknown> | null;
      error: string | null;
    }>(
      `SELECT id, day::text AS day, as_of, instance, started_at, finished_at, counts, error
         FROM hub.retention_run ORDER BY started_at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      day: r.day,
      asOf: r.as_of,
      instance: r.instance,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      counts: r.counts,
      error: r.error,
    }));
  }

  /** Contacts that name a person, taken before `cutoff`: personnummer, masked form and note removed. */
  async anonymiseContacts(scope: RetentionScope, cutoff: Date, limit: number, db: Queryable = this.pool) {
    const { rowCount } = await db.query(
      `WITH due AS (
         SELECT id FROM hub.contact c
          WHERE ${inScope(scope, 'c.organisation')} AND c.created_at < $2
            AND (c.subject_key IS NOT NULL OR c.subject_masked IS NOT NULL OR c.note IS NOT NULL)
          LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE hub.contact c SET subject_key = NULL, subject_masked = NULL, note = NULL FROM due WHERE c.id = due.id`,
      [scopeParam(scope), cutoff, limit],
    );
    return rowCount ?? 0;
  }

  /**
   * Consents that ended (revoked, or past their last valid day) before `cutoff`, with the signing each was signed
   * in; then signings never completed that expired before it. Answers consents and signings deleted.
   */
  async deleteConsents(scope: RetentionScope, cutoff: Date, limit: number, tx: Queryable) {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM hub.consent c
        WHERE ${inScope(scope, 'c.organisation')}
          AND least(c.valid_until, (c.revoked_at AT TIME ZONE 'UTC')::date) < ($2::timestamptz AT TIME ZONE 'UTC')::date
        LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [scopeParam(scope), cutoff, limit],
    );
    const ids = rows.map((r) => r.id);
    let signings = 0;
    if (ids.length > 0) {
      signings += (await tx.query(`DELETE FROM hub.consent_signing WHERE consent_id = ANY($1::uuid[])`, [ids]))
        .rowCount!;
      await tx.query(`DELETE FROM hub.consent WHERE id = ANY($1::uuid[])`, [ids]);
    }
    if (ids.length < limit) {
      const left = await tx.query(
        `WITH due AS (
           SELECT id FROM hub.consent_signing s
            WHERE ${inScope(scope, 's.organisation')} AND s.status <> 'complete' AND s.expires_at < $2
            LIMIT $3 FOR UPDATE SKIP LOCKED)
         DELETE FROM hub.consent_signing s USING due WHERE s.id = due.id`,
        [scopeParam(scope), cutoff, limit - ids.length],
      );
      signings += left.rowCount ?? 0;
      return { consents: ids.length, signings, more: (left.rowCount ?? 0) === limit - ids.length };
    }
    return { consents: ids.length, signings, more: true };
  }

  /** Referrals closed, declined or cancelled before `cutoff`, with their events. */
  async deleteReferrals(scope: RetentionScope, cutoff: Date, limit: number, tx: Queryable): Promise<number> {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM hub.referral r
        WHERE ${inScope(scope, 'r.organisation')} AND r.status IN ('closed', 'declined', 'cancelled')
          AND r.status_at < $2
        LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [scopeParam(scope), cutoff, limit],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return 0;
    await tx.query(`DELETE FROM hub.referral_event WHERE referral_id = ANY($1::uuid[])`, [ids]);
    await tx.query(`DELETE FROM hub.referral WHERE id = ANY($1::uuid[])`, [ids]);
    return ids.length;
  }

  /**
   * Errands closed or withdrawn before `cutoff`, with their events and the complaint each was made for (unless
   * that complaint is still open); then complaints without errand answered before it.
   */
  async deleteErrands(scope: RetentionScope, cutoff: Date, limit: number, tx: Queryable) {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM hub.errand e
        WHERE ${inScope(scope, 'e.organisation')} AND e.status IN ('closed', 'withdrawn') AND e.status_at < $2
          AND NOT EXISTS (SELECT 1 FROM hub.complaint k WHERE k.errand_id = e.id AND k.status = 'open')
        LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [scopeParam(scope), cutoff, limit],
    );
    const ids = rows.map((r) => r.id);
    let complaints = 0;
    if (ids.length > 0) {
      complaints += (await tx.query(`DELETE FROM hub.complaint WHERE errand_id = ANY($1::uuid[])`, [ids])).rowCount!;
      await tx.query(`DELETE FROM hub.errand_event WHERE errand_id = ANY($1::uuid[])`, [ids]);
      await tx.query(`DELETE FROM hub.errand WHERE id = ANY($1::uuid[])`, [ids]);
    }
    if (ids.length < limit) {
      const left = await tx.query(
        `WITH due AS (
           SELECT id FROM hub.complaint k
            WHERE ${inScope(scope, 'k.organisation')} AND k.status = 'answered' AND k.errand_id IS NULL
              AND k.answered_at < $2
            LIMIT $3 FOR UPDATE SKIP LOCKED)
         DELETE FROM hub.complaint k USING due WHERE k.id = due.id`,
        [scopeParam(scope), cutoff, limit - ids.length],
      );
      complaints += left.rowCount ?? 0;
      return { errands: ids.length, complaints, more: (left.rowCount ?? 0) === limit - ids.length };
    }
    return { errands: ids.length, complaints, more: true };
  }

  async deleteQueryOutcomes(scope: RetentionScope, cutoff: Date, limit: number, db: Queryable = this.pool) {
    const { rowCount } = await db.query(
      `WITH due AS (
         SELECT query_id, agency FROM hub.query_outcome q
          WHERE ${inScope(scope, 'q.organisation')} AND q.at < $2
          LIMIT $3 FOR UPDATE SKIP LOCKED)
       DELETE FROM hub.query_outcome q USING due WHERE q.query_id = due.query_id AND q.agency = due.agency`,
      [scopeParam(scope), cutoff, limit],
    );
    return rowCount ?? 0;
  }

  /**
   * Staff sessions of the scope's staff that expired before `cutoff`; for the unregistered also unfinished logins and
   * the citizens' sessions and logins.
   */
  async deleteSessions(scope: RetentionScope, cutoff: Date, limit: number, db: Queryable = this.pool) {
    const { rowCount } = await db.query(
      `WITH due AS (
         SELECT id_hash FROM hub.staff_session s
          WHERE ${inScope(scope, "(s.staff_user->>'organisation')")} AND s.expires_at < $2
          LIMIT $3 FOR UPDATE SKIP LOCKED)
       DELETE FROM hub.staff_session s USING due WHERE s.id_hash = due.id_hash`,
      [scopeParam(scope), cutoff, limit],
    );
    let deleted = rowCount ?? 0;
    if (!('organisation' in scope) && deleted < limit) {
      const logins = await db.query(
        `WITH due AS (SELECT id_hash FROM hub.login_attempt WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
         DELETE FROM hub.login_attempt l USING due WHERE l.id_hash = due.id_hash`,
        [cutoff, limit - deleted],
      );
      deleted += logins.rowCount ?? 0;
    }
    // citizens' sessions ("Mina uppgifter") belong to no organisation; they go with the unregistered scope's run
    for (const table of ['hub.citizen_session', 'hub.citizen_login_attempt']) {
      if ('organisation' in scope || deleted >= limit) break;
      const citizens = await db.query(
        `WITH due AS (SELECT id_hash FROM ${table} WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
         DELETE FROM ${table} t USING due WHERE t.id_hash = due.id_hash`,
        [cutoff, limit - deleted],
      );
      deleted += citizens.rowCount ?? 0;
    }
    return deleted;
  }

  /**
   * Whether a record made in [from, to) still holds a subject key: its period's key must not go before it does,
   * or the record would be nobody's while it is kept.
   */
  async recordsKeyedBetween(from: Date, to: Date, db: Queryable = this.pool): Promise<boolean> {
    const { rows } = await db.query<{ kept: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM hub.consent WHERE created_at >= $1 AND created_at < $2)
           OR EXISTS (SELECT 1 FROM hub.referral WHERE created_at >= $1 AND created_at < $2)
           OR EXISTS (SELECT 1 FROM hub.errand WHERE subject_key IS NOT NULL AND created_at >= $1 AND created_at < $2)
           OR EXISTS (SELECT 1 FROM hub.contact WHERE subject_key IS NOT NULL AND created_at >= $1 AND created_at < $2)
           OR EXISTS (SELECT 1 FROM hub.consent_signing WHERE started_at >= $1 AND started_at < $2) AS kept`,
      [from, to],
    );
    return rows[0]?.kept ?? false;
  }

  /** Subjects SKV reported protected during a period whose key is gone: their key leads to nobody any more. */
  async forgetProtectedBetween(from: Date, to: Date, db: Queryable = this.pool): Promise<number> {
    const { rowCount } = await db.query(
      `DELETE FROM hub.protected_subject WHERE reported_at >= $1 AND reported_at < $2`,
      [from, to],
    );
    return rowCount ?? 0;
  }
}
