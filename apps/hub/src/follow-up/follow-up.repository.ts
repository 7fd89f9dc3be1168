import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import type { OverdueReferrals, QueriesFollowUp, ReferralsFollowUp } from './follow-up.dto.js';
import { FOLLOW_UP_TIME_ZONE, type Period } from './period.js';

/** At most this many overdue referrals are listed; the count covers them all. */
export const OVERDUE_LISTED = 500;

/** A subquery's rows as a JSON array of objects named by its columns, built by PostgreSQL. */
const jsonRows = (select: string, orderBy: string) =>
  `coalesce((SELECT json_agg(r ORDER BY ${orderBy}) FROM (${select}) r), '[]')`;

// $1 organisation, $2 unit or null, $3 first day, $4 last day, $5 time zone: the period as instants, so that the
// range conditions can use the (organisation, unit, at) indexes.
const inScope = (at: string) =>
  `organisation = $1 AND ($2::text IS NULL OR unit = $2)
   AND ${at} >= $3::date::timestamp AT TIME ZONE $5 AND ${at} < ($4::date + 1)::timestamp AT TIME ZONE $5`;
const dayOf = (at: string) => `to_char(${at} AT TIME ZONE $5, 'YYYY-MM-DD')`;
const periodDays = `generate_series($3::date::timestamp, $4::date::timestamp, interval '1 day') AS d`;
const isoInstant = (at: string) => `to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const rounded = (expression: string, digits: number) => `round((${expression})::numeric, ${digits})::float8`;

const QUERIES_SQL = `
  WITH outcome AS MATERIALIZED (
    SELECT query_id, ${dayOf('at')} AS day, purpose, agency, status, reason, latency_ms
      FROM hub.query_outcome
     WHERE ${inScope('at')}
  )
  SELECT
    json_build_object(
      'queries', (SELECT count(DISTINCT query_id) FROM outcome),
      'agencyResults', (SELECT count(*) FROM outcome)
    ) AS total,
    ${jsonRows(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day, coalesce(t.queries, 0) AS queries,
              coalesce(t.agency_results, 0) AS "agencyResults"
         FROM ${periodDays}
         LEFT JOIN (SELECT day, count(DISTINCT query_id) AS queries, count(*) AS agency_results
                      FROM outcome GROUP BY day) t ON t.day = to_char(d, 'YYYY-MM-DD')`,
      'r.day',
    )} AS daily,
    ${jsonRows(
      `SELECT day, purpose, agency, status, count(*) AS count FROM outcome GROUP BY day, purpose, agency, status`,
      'r.day, r.purpose, r.agency, r.status',
    )} AS "perDay",
    ${jsonRows(
      `SELECT purpose, count(DISTINCT query_id) AS queries, count(*) AS count FROM outcome GROUP BY purpose`,
      'r.queries DESC, r.purpose',
    )} AS "byPurpose",
    ${jsonRows(`SELECT agency, count(*) AS count FROM outcome GROUP BY agency`, 'r.count DESC, r.agency')} AS "byAgency",
    ${jsonRows(`SELECT status, count(*) AS count FROM outcome GROUP BY status`, 'r.count DESC, r.status')} AS "byStatus",
    ${jsonRows(
      `SELECT agency, coalesce(reason, 'unspecified') AS reason, count(*) AS count
         FROM outcome WHERE status = 'denied' GROUP BY 1, 2`,
      'r.count DESC, r.agency, r.reason',
    )} AS "denialReasons",
    ${jsonRows(
      `SELECT agency, count(*) AS samples,
              ${rounded('percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)', 1)} AS "p50Ms",
              ${rounded('percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)', 1)} AS "p95Ms"
         FROM outcome WHERE latency_ms IS NOT NULL GROUP BY agency`,
      'r.agency',
    )} AS latency
`;

const hoursBetween = (from: string, to: string) => `extract(epoch FROM ${to} - ${from})::float8 / 3600`;
const firstAt = (statuses: string) => `min(e.at) FILTER (WHERE e.status IN (${statuses}))`;

const REFERRALS_SQL = `
  WITH referral AS MATERIALIZED (
    SELECT id, ${dayOf('created_at')} AS day, purpose, agency, status
      FROM hub.referral
     WHERE ${inScope('created_at')}
  ), timing AS (
    SELECT r.agency,
           ${hoursBetween(firstAt(`'sent'`), firstAt(`'accepted', 'declined'`))} AS answer_hours,
           ${hoursBetween(firstAt(`'sent'`), firstAt(`'closed'`))} AS close_hours
      FROM referral r JOIN hub.referral_event e ON e.referral_id = r.id
     GROUP BY r.id, r.agency
  )
  SELECT
    (SELECT count(*) FROM referral)::int AS total,
    ${jsonRows(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day, coalesce(t.count, 0) AS count
         FROM ${periodDays}
         LEFT JOIN (SELECT day, count(*) AS count FROM referral GROUP BY day) t ON t.day = to_char(d, 'YYYY-MM-DD')`,
      'r.day',
    )} AS daily,
    ${jsonRows(
      `SELECT day, purpose, agency, status, count(*) AS count FROM referral GROUP BY day, purpose, agency, status`,
      'r.day, r.purpose, r.agency, r.status',
    )} AS "perDay",
    ${jsonRows(`SELECT purpose, count(*) AS count FROM referral GROUP BY purpose`, 'r.count DESC, r.purpose')} AS "byPurpose",
    ${jsonRows(`SELECT agency, count(*) AS count FROM referral GROUP BY agency`, 'r.count DESC, r.agency')} AS "byAgency",
    ${jsonRows(`SELECT status, count(*) AS count FROM referral GROUP BY status`, 'r.count DESC, r.status')} AS "byStatus",
    ${jsonRows(
      `SELECT agency,
              count(answer_hours) AS answered,
              ${rounded('percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_hours)', 3)} AS "answerMedianHours",
              ${rounded('percentile_cont(0.9) WITHIN GROUP (ORDER BY answer_hours)', 3)} AS "answerP90Hours",
              count(close_hours) AS closed,
              ${rounded('percentile_cont(0.5) WITHIN GROUP (ORDER BY close_hours)', 3)} AS "closeMedianHours",
              ${rounded('percentile_cont(0.9) WITHIN GROUP (ORDER BY close_hours)', 3)} AS "closeP90Hours"
         FROM timing GROUP BY agency`,
      'r.agency',
    )} AS turnaround
`;

// $1 organisation, $2 unit or null, $3 now. Overdue as the referral list has it: not answered by respondBy.
const OVERDUE_SQL = `
  WITH overdue AS (
    SELECT id, agency, referral_type, purpose, status, created_at, respond_by
      FROM hub.referral
     WHERE status IN ('sent', 'received') AND respond_by < $3
       AND organisation = $1 AND ($2::text IS NULL OR unit = $2)
  )
  SELECT json_build_object(
    'count', (SELECT count(*) FROM overdue),
    'referrals', ${jsonRows(
      `SELECT id, agency, referral_type AS "referralType", purpose, status,
              ${isoInstant('created_at')} AS "createdAt", ${isoInstant('respond_by')} AS "respondBy",
              ${rounded(hoursBetween('respond_by', '$3::timestamptz'), 1)} AS "hoursOverdue"
         FROM overdue ORDER BY respond_by, id LIMIT ${OVERDUE_LISTED}`,
      'r."respondBy", r.id',
    )}
  ) AS overdue
`;

/** The follow-up's aggregates, each computed by PostgreSQL in one statement, shaped as the view has them. */
@Injectable()
export class FollowUpRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async queries(
    organisation: string,
    unit: string | null,
    period: Period,
    db: Queryable = this.pool,
  ): Promise<QueriesFollowUp> {
    const { rows } = await db.query<QueriesFollowUp>(QUERIES_SQL, [
      organisation,
      unit,
      period.from,
      period.to,
      FOLLOW_UP_TIME_ZONE,
    ]);
    return rows[0];
  }

  async referrals(
    organisation: string,
    unit: string | null,
    period: Period,
    db: Queryable = this.pool,
  ): Promise<Omit<ReferralsFollowUp, 'overdue'>> {
    const { rows } = await db.query<Omit<ReferralsFollowUp, 'overdue'>>(REFERRALS_SQL, [
      organisation,
      unit,
      period.from,
      period.to,
      FOLLOW_UP_TIME_ZONE,
    ]);
    return rows[0];
  }

  async overdue(
    organisation: string,
    unit: string | null,
    now: Date,
    db: Queryable = this.pool,
  ): Promise<OverdueReferrals> {
    const { rows } = await db.query<{ overdue: OverdueReferrals }>(OVERDUE_SQL, [organisation, unit, now]);
    return rows[0].overdue;
  }
}
