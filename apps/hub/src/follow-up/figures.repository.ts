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

// One pass over the unit's contacts of the period (an index-only scan of contact_follow_up), every dimension a
// grouping set of it; the few hundred groups are then named and shaped.
const CONTACTS_SQL = `
  WITH grouped AS (
    SELECT channel, topic, outcome, rosa, weekday, hour,
           GROUPING(channel) AS g_channel, GROUPING(topic) AS g_topic, GROUPING(outcome) AS g_outcome,
           GROUPING(rosa) AS g_rosa, GROUPING(weekday, hour) AS g_hour,
           count(*)::int AS count, (count(*) FILTER (WHERE outcome <> 'besvarad'))::int AS unresolved
      FROM (SELECT channel, topic, outcome, rosa,
                   extract(isodow FROM created_at AT TIME ZONE $5)::int AS weekday,
                   extract(hour FROM created_at AT TIME ZONE $5)::int AS hour
              FROM hub.contact WHERE ${inScope('created_at')}) c
     GROUP BY GROUPING SETS ((channel), (topic), (outcome), (rosa), (weekday, hour), ())
  ), everything AS (
    SELECT count, unresolved FROM grouped
     WHERE g_channel = 1 AND g_topic = 1 AND g_outcome = 1 AND g_rosa = 1 AND g_hour = 3
  )
  SELECT
    coalesce((SELECT count FROM everything), 0) AS total,
    coalesce((SELECT count - unresolved FROM everything), 0) AS resolved,
    ${jsonRows(`SELECT channel, count FROM grouped WHERE g_channel = 0`, 'r.count DESC, r.channel')} AS "byChannel",
    ${jsonRows(
      `SELECT g.topic, coalesce(t.name, g.topic) AS "topicName", coalesce(t.category, split_part(g.topic, '.', 1)) AS category,
              coalesce(k.name, t.category, split_part(g.topic, '.', 1)) AS "categoryName", g.count, g.unresolved,
              EXISTS (SELECT 1 FROM hub.article a WHERE a.organisation = $1 AND a.topic = g.topic) AS "hasArticle"
         FROM grouped g
         LEFT JOIN hub.topic_type t ON t.organisation = $1 AND t.code = g.topic
         LEFT JOIN hub.topic_category k ON k.organisation = $1 AND k.code = t.category
        WHERE g.g_topic = 0`,
      'r.count DESC, r.topic',
    )} AS "byTopic",
    ${jsonRows(`SELECT outcome, count FROM grouped WHERE g_outcome = 0`, 'r.count DESC, r.outcome')} AS "byOutcome",
    ${jsonRows(`SELECT rosa, count FROM grouped WHERE g_rosa = 0`, 'r.rosa')} AS "byRosa",
    ${jsonRows(
      `SELECT w AS weekday, h AS hour, coalesce(g.count, 0) AS count
         FROM generate_series(1, 7) w CROSS JOIN generate_series(0, 23) h
         LEFT JOIN grouped g ON g.g_hour = 0 AND g.weekday = w AND g.hour = h`,
      'r.weekday, r.hour',
    )} AS "heatMap"
`;

const DURATIONS_SQL = `
  SELECT json_build_object(
           'samples', count(waiting_seconds),
           'median', ${rounded('percentile_cont(0.5) WITHIN GROUP (ORDER BY waiting_seconds)', 1)},
           'p90', ${rounded('percentile_cont(0.9) WITHIN GROUP (ORDER BY waiting_seconds)', 1)}) AS waiting,
         json_build_object(
           'samples', count(handling_seconds),
           'median', ${rounded('percentile_cont(0.5) WITHIN GROUP (ORDER BY handling_seconds)', 1)},
           'p90', ${rounded('percentile_cont(0.9) WITHIN GROUP (ORDER BY handling_seconds)', 1)}) AS handling
    FROM hub.contact WHERE ${inScope('created_at')}
`;

// $6 now: an errand still open past its response time is overdue, and counts as not answered in time.
const errandColumns = `
  count(*)::int AS forwarded,
  count(answered_at)::int AS answered,
  ${rounded(`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hoursBetween('created_at', 'answered_at')})`, 2)} AS "medianHours",
  ${rounded(`percentile_cont(0.9) WITHIN GROUP (ORDER BY ${hoursBetween('created_at', 'answered_at')})`, 2)} AS "p90Hours",
  (count(*) FILTER (WHERE answered_at IS NULL AND respond_by < $6))::int AS overdue,
  (count(*) FILTER (WHERE answered_at <= respond_by))::int AS "inTime",
  (count(*) FILTER (WHERE answered_at IS NOT NULL OR respond_by < $6))::int AS due`;

const ERRANDS_SQL = `
  WITH per_department AS (
    SELECT department, GROUPING(department) AS g_department, ${errandColumns}
      FROM hub.errand WHERE ${inScope('created_at')}
     GROUP BY ROLLUP (department)
  )
  SELECT (SELECT row_to_json(t) FROM (SELECT forwarded, answered, "medianHours", "p90Hours", overdue, "inTime", due
                                        FROM per_department WHERE g_department = 1) t) AS total,
         ${jsonRows(
           `SELECT department, forwarded, answered, "medianHours", "p90Hours", overdue, "inTime", due
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

const QUERIES_SQL = `
  SELECT ${jsonRows(
    `SELECT agency, purpose, count(*)::int AS count FROM hub.query_outcome WHERE ${inScope('at')} GROUP BY agency, purpose`,
    'r.agency, r.purpose',
  )} AS "byAgencyAndPurpose"
`;

const TARGETED_SQL = `
  SELECT
    (SELECT count(*) FROM hub.contact WHERE ${inScope('created_at')})::int AS contacts,
    (SELECT count(*) FROM hub.contact WHERE ${inScope('created_at')} AND outcome = 'besvarad')::int AS resolved,
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
