import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import { FOLLOW_UP_TIME_ZONE, type Period } from './period.js';

/** Raw aggregates, before small numbers are suppressed (the service does that, the view never gets these). */
export interface ContactAggregates {
  total: number;
  resolved: number;
  byChannel: Array<{ channel: string; count: number }>;
  byTopic: Array<{
    topic: string;
    topicName: string;
    category: string;
    categoryName: string;
    count: number;
    unresolved: number;
    hasArticle: boolean;
  }>;
  byOutcome: Array<{ outcome: string; count: number }>;
  byRosa: Array<{ rosa: number; count: number }>;
  /** every weekday (ISO, Monday 1) × hour of the day, zeros included, in Swedish time */
  heatMap: Array<{ weekday: number; hour: number; count: number }>;
}

export interface DurationAggregate {
  samples: number;
  median: number | null;
  p90: number | null;
}

export interface DurationAggregates {
  waiting: DurationAggregate;
  handling: DurationAggregate;
}

export interface ErrandAggregate {
  forwarded: number;
  answered: number;
  medianHours: number | null;
  p90Hours: number | null;
  /** open and past their response time now */
  overdue: number;
  /** answered within their response time */
  inTime: number;
  /** answered, or past their response time: the errands the in-time share is of */
  due: number;
}

export interface ErrandAggregates {
  total: ErrandAggregate;
  byDepartment: Array<ErrandAggregate & { department: string }>;
}

export interface AgencyPurposeCount {
  agency: string;
  purpose: string;
  count: number;
}

export interface ReferralAggregates {
  byAgencyAndPurpose: AgencyPurposeCount[];
  inTime: number;
  due: number;
}

/** The figures that have targets, for the trend: the same period length before. */
export interface TargetedAggregates {
  contacts: number;
  resolved: number;
  errandsInTime: number;
  errandsDue: number;
  referralsInTime: number;
  referralsDue: number;
}

const jsonRows = (select: string, orderBy: string) =>
  `coalesce((SELECT json_agg(r ORDER BY ${orderBy}) FROM (${select}) r), '[]')`;

// $1 organisation, $2 unit or null, $3 first day, $4 last day, $5 time zone: the period as instants, so that the
// range conditions use the (organisation, unit, created_at) indexes.
const inScope = (at: string) =>
  `organisation = $1 AND ($2::text IS NULL OR unit = $2)
   AND ${at} >= $3::date::timestamp AT TIME ZONE $5 AND ${at} < ($4::date + 1)::timestamp AT TIME ZONE $5`;
const rounded = (expression: string, digits: number) => `round((${expression})::numeric, ${digits})::float8`;
const hoursBetween = (from: string, to: string) => `extract(epoch FROM ${to} - ${from})::float8 / 3600`;

// The contacts of the period come from three places: the month rollup (hub.contact_month,
// hub.contact_month_duration) for the period's whole calendar months that the day rollup holds entirely, the day
// rollup (hub.contact_day, hub.contact_day_duration) for its other days before follow_up_rollup.contacts_before, and
// hub.contact for the rest (today, and any day the job has not reached yet: an index range scan of
// contact_follow_up). The months are kept as the sums of their days by triggers on the day tables (migration
// FollowUpMonthRollup). Sums of the three are the same figures as the one pass over hub.contact they replace;
// test/hub/follow-up-rollup.spec.ts compares them.
const ROLLED_BEFORE = `(SELECT contacts_before FROM hub.follow_up_rollup)`;
const inUnit = `organisation = $1 AND ($2::text IS NULL OR unit = $2)`;
// The period's days the rollup holds end before ROLLED_END; its whole calendar months among them run from
// FIRST_WHOLE to WHOLE_END (none when FIRST_WHOLE >= WHOLE_END). Each source is read as plain index ranges: the
// months in between, the days before FIRST_WHOLE and from WHOLE_END on (all of them when there is no whole month).
const ROLLED_END = `least($4::date + 1, coalesce(${ROLLED_BEFORE}, '-infinity'::date))`;
const FIRST_WHOLE = `(CASE WHEN $3::date = date_trunc('month', $3::timestamp)::date THEN $3::date
                           ELSE (date_trunc('month', $3::timestamp) + interval '1 month')::date END)`;
const WHOLE_END = `date_trunc('month', ${ROLLED_END}::timestamp)::date`;
const inRolledMonths = `${inUnit} AND month >= ${FIRST_WHOLE} AND month < ${WHOLE_END}`;
const inRolledDaysBefore = `${inUnit} AND day >= $3::date AND day < least(${FIRST_WHOLE}, ${ROLLED_END})`;
const inRolledDaysAfter = `${inUnit} AND day >= greatest(${WHOLE_END}, ${FIRST_WHOLE}) AND day < ${ROLLED_END}`;
const liveContacts = `
  SELECT * FROM hub.contact
   WHERE ${inUnit}
     AND created_at >= greatest($3::date, ${ROLLED_BEFORE})::timestamp AT TIME ZONE $5
     AND created_at < ($4::date + 1)::timestamp AT TIME ZONE $5`;

/** Per dimension and key (and weekday, for hours) the count and those not resolved, of the three sources. */
const CONTACT_CELLS = `
  cells AS (
    SELECT dimension, key, CASE WHEN dimension = 'hour' THEN weekday::int END AS weekday, count, unresolved
      FROM hub.contact_month WHERE ${inRolledMonths}
    UNION ALL
    SELECT dimension, key, CASE WHEN dimension = 'hour' THEN extract(isodow FROM day)::int END AS weekday,
           count, unresolved
      FROM hub.contact_day WHERE ${inRolledDaysBefore}
    UNION ALL
    SELECT dimension, key, CASE WHEN dimension = 'hour' THEN extract(isodow FROM day)::int END AS weekday,
           count, unresolved
      FROM hub.contact_day WHERE ${inRolledDaysAfter}
    UNION ALL
    SELECT CASE WHEN GROUPING(channel) = 0 THEN 'channel' WHEN GROUPING(topic) = 0 THEN 'topic'
                WHEN GROUPING(outcome) = 0 THEN 'outcome' WHEN GROUPING(rosa) = 0 THEN 'rosa'
                WHEN GROUPING(hour) = 0 THEN 'hour' ELSE 'total' END,
           coalesce(channel, topic, outcome, rosa::text, hour::text, ''), weekday,
           count(*), count(*) FILTER (WHERE outcome <> 'besvarad')
      FROM (SELECT channel, topic, outcome, rosa,
                   extract(isodow FROM created_at AT TIME ZONE $5)::int AS weekday,
                   extract(hour FROM created_at AT TIME ZONE $5)::int AS hour
              FROM (${liveContacts}) c) c
     GROUP BY GROUPING SETS ((channel), (topic), (outcome), (rosa), (weekday, hour), ())
  ), grouped AS (
    SELECT dimension, key, weekday, sum(count)::int AS count, sum(unresolved)::int AS unresolved
      FROM cells GROUP BY dimension, key, weekday HAVING sum(count) > 0
  )`;

const CONTACTS_SQL = `
  WITH ${CONTACT_CELLS}
  SELECT
    coalesce((SELECT count FROM grouped WHERE dimension = 'total'), 0) AS total,
    coalesce((SELECT count - unresolved FROM grouped WHERE dimension = 'total'), 0) AS resolved,
    ${jsonRows(`SELECT key AS channel, count FROM grouped WHERE dimension = 'channel'`, 'r.count DESC, r.channel')} AS "byChannel",
    ${jsonRows(
      `SELECT g.key AS topic, coalesce(t.name, g.key) AS "topicName", coalesce(t.category, split_part(g.key, '.', 1)) AS category,
              coalesce(k.name, t.category, split_part(g.key, '.', 1)) AS "categoryName", g.count, g.unresolved,
              EXISTS (SELECT 1 FROM hub.article a WHERE a.organisation = $1 AND a.topic = g.key) AS "hasArticle"
         FROM grouped g
         LEFT JOIN hub.topic_type t ON t.organisation = $1 AND t.code = g.key
         LEFT JOIN hub.topic_category k ON k.organisation = $1 AND k.code = t.category
        WHERE g.dimension = 'topic'`,
      'r.count DESC, r.topic',
    )} AS "byTopic",
    ${jsonRows(`SELECT key AS outcome, count FROM grouped WHERE dimension = 'outcome'`, 'r.count DESC, r.outcome')} AS "byOutcome",
    ${jsonRows(`SELECT key::int AS rosa, count FROM grouped WHERE dimension = 'rosa'`, 'r.rosa')} AS "byRosa",
    ${jsonRows(
      `SELECT w AS weekday, h AS hour, coalesce(sum(g.count), 0)::int AS count
         FROM generate_series(1, 7) w CROSS JOIN generate_series(0, 23) h
         LEFT JOIN grouped g ON g.dimension = 'hour' AND g.weekday = w AND g.key = h::text
        GROUP BY w, h`,
      'r.weekday, r.hour',
    )} AS "heatMap"
`;

/**
 * percentile_cont(p) of the seconds counted in \`column\`, from per-second counts: the values at ranks floor and
 * ceil of p·(n − 1) interpolated in float8 exactly as PostgreSQL's percentile_cont does, so the figure is the same.
 */
const percentileOf = (column: 'waiting' | 'handling', p: number) => `
  (SELECT CASE WHEN n > 0 THEN
            lo + (hi - lo) * (pos - floor(pos))
          END
     FROM (SELECT n, pos,
                  (SELECT min(seconds) FROM ranked WHERE ${column}_upto > floor(pos))::float8 AS lo,
                  (SELECT min(seconds) FROM ranked WHERE ${column}_upto > ceil(pos))::float8 AS hi
             FROM (SELECT n, ${p}::float8 * (n - 1) AS pos
                     FROM (SELECT coalesce(sum(${column}), 0) AS n FROM per_second) t) t) t)`;

const DURATIONS_SQL = `
  WITH per_second AS (
    SELECT seconds, sum(waiting)::bigint AS waiting, sum(handling)::bigint AS handling
      FROM (SELECT seconds, waiting, handling FROM hub.contact_month_duration WHERE ${inRolledMonths}
            UNION ALL
            SELECT seconds, waiting, handling FROM hub.contact_day_duration WHERE ${inRolledDaysBefore}
            UNION ALL
            SELECT seconds, waiting, handling FROM hub.contact_day_duration WHERE ${inRolledDaysAfter}
            UNION ALL
            SELECT waiting_seconds, 1, 0 FROM (${liveContacts}) c WHERE waiting_seconds IS NOT NULL
            UNION ALL
            SELECT handling_seconds, 0, 1 FROM (${liveContacts}) c WHERE handling_seconds IS NOT NULL) v
     GROUP BY seconds
  ), ranked AS (
    SELECT seconds, sum(waiting) OVER (ORDER BY seconds) AS waiting_upto,
           sum(handling) OVER (ORDER BY seconds) AS handling_upto
      FROM per_second
  )
  SELECT json_build_object(
           'samples', (SELECT coalesce(sum(waiting), 0)::int FROM per_second),
           'median', ${rounded(percentileOf('waiting', 0.5), 1)},
           'p90', ${rounded(percentileOf('waiting', 0.9), 1)}) AS waiting,
         json_build_object(
           'samples', (SELECT coalesce(sum(handling), 0)::int FROM per_second),
           'median', ${rounded(percentileOf('handling', 0.5), 1)},
           'p90', ${rounded(percentileOf('handling', 0.9), 1)}) AS handling
`;

// $6 now: an errand still open past its response time is overdue, and counts as not answered in time.
// Both percentiles from one sort of each group's hours (the array form of percentile_cont, the same figures).
const errandColumns = `
  count(*)::int AS forwarded,
  count(answered_at)::int AS answered,
  percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY ${hoursBetween('created_at', 'answered_at')})
    AS hours,
  (count(*) FILTER (WHERE answered_at IS NULL AND respond_by < $6))::int AS overdue,
  (count(*) FILTER (WHERE answered_at <= respond_by))::int AS "inTime",
  (count(*) FILTER (WHERE answered_at IS NOT NULL OR respond_by < $6))::int AS due`;

const errandHours = `${rounded('hours[1]', 2)} AS "medianHours", ${rounded('hours[2]', 2)} AS "p90Hours"`;

const ERRANDS_SQL = `
  WITH per_department AS (
    SELECT department, GROUPING(department) AS g_department, ${errandColumns}
      FROM hub.errand WHERE ${inScope('created_at')}
     GROUP BY ROLLUP (department)
  )
  SELECT (SELECT row_to_json(t) FROM (SELECT forwarded, answered, ${errandHours}, overdue, "inTime", due
                                        FROM per_department WHERE g_department = 1) t) AS total,
         ${jsonRows(
           `SELECT department, forwarded, answered, ${errandHours}, overdue, "inTime", due
              FROM per_department WHERE g_department = 0`,
           'r.forwarded DESC, r.department',
         )} AS "byDepartment"
`;

// A referral is answered when the agency first accepted or declined it; a cancelled one that was not is not due.
const REFERRALS_SQL = `
  WITH referral AS (
    SELECT r.agency, r.purpose, r.status, r.respond_by,
           (SELECT min(e.at) FROM hub.referral_event e
             WHERE e.referral_id = r.id AND e.status IN ('accepted', 'declined')) AS answered_at
      FROM hub.referral r WHERE ${inScope('r.created_at')}
  ), grouped AS (
    SELECT agency, purpose, GROUPING(agency, purpose) AS g, count(*)::int AS count,
           (count(*) FILTER (WHERE answered_at <= respond_by))::int AS in_time,
           (count(*) FILTER (WHERE answered_at IS NOT NULL OR (respond_by < $6 AND status <> 'cancelled')))::int AS due
      FROM referral GROUP BY GROUPING SETS ((agency, purpose), ())
  )
  SELECT ${jsonRows(`SELECT agency, purpose, count FROM grouped WHERE g = 0`, 'r.agency, r.purpose')} AS "byAgencyAndPurpose",
         coalesce((SELECT in_time FROM grouped WHERE g = 3), 0) AS "inTime",
         coalesce((SELECT due FROM grouped WHERE g = 3), 0) AS due
`;

// The agency results as the contacts: the query outcomes' day rollup (hub.query_day) for the days before
// follow_up_rollup.queries_before, hub.query_outcome for the rest.
const QUERIES_BEFORE = `(SELECT queries_before FROM hub.follow_up_rollup)`;
const QUERIES_SQL = `
  SELECT ${jsonRows(
    `SELECT agency, purpose, sum(count)::int AS count
       FROM (SELECT agency, purpose, count FROM hub.query_day
              WHERE ${inUnit} AND day >= $3::date AND day <= $4::date AND day < ${QUERIES_BEFORE}
             UNION ALL
             SELECT agency, purpose, count(*) FROM hub.query_outcome
              WHERE ${inUnit}
                AND at >= greatest($3::date, ${QUERIES_BEFORE})::timestamp AT TIME ZONE $5
                AND at < ($4::date + 1)::timestamp AT TIME ZONE $5
              GROUP BY agency, purpose) q
      GROUP BY agency, purpose HAVING sum(count) > 0`,
    'r.agency, r.purpose',
  )} AS "byAgencyAndPurpose"
`;

const TARGETED_SQL = `
  WITH ${CONTACT_CELLS}
  SELECT
    coalesce((SELECT count FROM grouped WHERE dimension = 'total'), 0) AS contacts,
    coalesce((SELECT count - unresolved FROM grouped WHERE dimension = 'total'), 0) AS resolved,
    e."inTime" AS "errandsInTime", e.due AS "errandsDue",
    r."inTime" AS "referralsInTime", r.due AS "referralsDue"
  FROM (SELECT (count(*) FILTER (WHERE answered_at <= respond_by))::int AS "inTime",
               (count(*) FILTER (WHERE answered_at IS NOT NULL OR respond_by < $6))::int AS due
          FROM hub.errand WHERE ${inScope('created_at')}) e,
       (${REFERRALS_SQL}) r
`;

/** The figures of issue 18, each computed by PostgreSQL in one statement; no row of a contact leaves the database. */
@Injectable()
export class FiguresRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  private params(organisation: string, unit: string | null, period: Period) {
    return [organisation, unit, period.from, period.to, FOLLOW_UP_TIME_ZONE];
  }

  async contacts(
    organisation: string,
    unit: string | null,
    period: Period,
    db: Queryable = this.pool,
  ): Promise<ContactAggregates> {
    const { rows } = await db.query<ContactAggregates>(CONTACTS_SQL, this.params(organisation, unit, period));
    return rows[0];
  }

  async durations(
    organisation: string,
    unit: string | null,
    period: Period,
    db: Queryable = this.pool,
  ): Promise<DurationAggregates> {
    const { rows } = await db.query<DurationAggregates>(DURATIONS_SQL, this.params(organisation, unit, period));
    return rows[0];
  }

  async errands(
    organisation: string,
    unit: string | null,
    period: Period,
    now: Date,
    db: Queryable = this.pool,
  ): Promise<ErrandAggregates> {
    const { rows } = await db.query<ErrandAggregates>(ERRANDS_SQL, [...this.params(organisation, unit, period), now]);
    return rows[0];
  }

  async referrals(
    organisation: string,
    unit: string | null,
    period: Period,
    now: Date,
    db: Queryable = this.pool,
  ): Promise<ReferralAggregates> {
    const { rows } = await db.query<ReferralAggregates>(REFERRALS_SQL, [
      ...this.params(organisation, unit, period),
      now,
    ]);
    return rows[0];
  }

  async queries(
    organisation: string,
    unit: string | null,
    period: Period,
    db: Queryable = this.pool,
  ): Promise<{ byAgencyAndPurpose: AgencyPurposeCount[] }> {
    const { rows } = await db.query<{ byAgencyAndPurpose: AgencyPurposeCount[] }>(
      QUERIES_SQL,
      this.params(organisation, unit, period),
    );
    return rows[0];
  }

  /**
   * Rolls up to `maxDays` closed Swedish days of contacts into the day rollup (hub.roll_up_contact_days, in its own
   * transaction, serialised between instances by its lock); the day the rollup now reaches, exclusive.
   */
  async rollUpContactDays(maxDays: number, db: Queryable = this.pool): Promise<string> {
    const { rows } = await db.query<{ before: string }>(`SELECT hub.roll_up_contact_days($1)::text AS before`, [
      maxDays,
    ]);
    return rows[0]!.before;
  }

  /** The same for the query outcomes' day rollup (hub.roll_up_query_days, under its own lock). */
  async rollUpQueryDays(maxDays: number, db: Queryable = this.pool): Promise<string> {
    const { rows } = await db.query<{ before: string }>(`SELECT hub.roll_up_query_days($1)::text AS before`, [maxDays]);
    return rows[0]!.before;
  }

  async targeted(
    organisation: string,
    unit: string | null,
    period: Period,
    now: Date,
    db: Queryable = this.pool,
  ): Promise<TargetedAggregates> {
    const { rows } = await db.query<TargetedAggregates>(TARGETED_SQL, [
      ...this.params(organisation, unit, period),
      now,
    ]);
    return rows[0];
  }
}
