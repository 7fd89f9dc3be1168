import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { OrganisationKind } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import { FOLLOW_UP_TIME_ZONE, type Period } from '../follow-up/period.js';

/**
 * Whose traffic: an agency's is what crossed the hub under its own agreements (whichever municipality), a
 * municipality's what its units asked and sent (one unit's when `unit` is set).
 */
export type PartyScope =
  { kind: 'agency'; organisation: string } | { kind: 'municipality'; organisation: string; unit: string | null };

interface Key {
  municipality: string;
  unit: string;
  agency: string;
}

export interface ComplaintTopicCounts {
  municipality: string;
  topic: string;
  topicName: string;
  kind: string;
  count: number;
}
export interface ComplaintPartyCounts {
  municipality: string;
  partyKind: string;
  party: string;
  partyName: string;
  kind: string;
  count: number;
  answered: number;
}
export interface PartyComplaintCounts {
  byTopic: ComplaintTopicCounts[];
  byParty: ComplaintPartyCounts[];
}

/**
 * Complaints registered in the period: a municipality's those its units registered (of the unit the scope names),
 * an agency's those routed to it by any municipality.
 */
const COMPLAINTS_SQL = `
  WITH c AS (
    SELECT c.organisation AS municipality, c.topic, coalesce(t.name, c.topic) AS topic_name, c.party_kind, c.party,
           c.party_name, c.kind,
           CASE WHEN e.id IS NULL THEN c.status = 'answered' ELSE e.answer IS NOT NULL END AS answered
      FROM hub.complaint c
      LEFT JOIN hub.errand e ON e.id = c.errand_id
      LEFT JOIN hub.topic_type t ON t.organisation = c.organisation AND t.code = c.topic
     WHERE CASE WHEN $6 = 'agency' THEN c.party_kind = 'agency' AND c.party = $1
                ELSE c.organisation = $1 AND ($2::text IS NULL OR c.unit = $2) END
       AND c.created_at >= ($3::date)::timestamp AT TIME ZONE $5
       AND c.created_at < ($4::date + 1)::timestamp AT TIME ZONE $5
  )
  SELECT
    coalesce((SELECT json_agg(r ORDER BY r.count DESC, r.municipality, r."topic", r.kind) FROM (
      SELECT municipality, topic, min(topic_name) AS "topicName", kind, count(*)::int AS count
        FROM c GROUP BY municipality, topic, kind) r), '[]') AS "byTopic",
    coalesce((SELECT json_agg(r ORDER BY r.count DESC, r.municipality, r.party, r.kind) FROM (
      SELECT municipality, party_kind AS "partyKind", party, min(party_name) AS "partyName", kind,
             count(*)::int AS count, (count(*) FILTER (WHERE answered))::int AS answered
        FROM c GROUP BY municipality, party_kind, party, kind) r), '[]') AS "byParty"`;

export interface QueryPurposeCounts extends Key {
  purpose: string;
  results: number;
  answered: number;
  denied: number;
}
export interface QueryCategoryCounts extends Key {
  category: string;
  released: number;
  denied: number;
}
export interface DenialReasonCounts extends Key {
  reason: string;
  count: number;
}
export interface PartyQueryCounts {
  results: number;
  byPurpose: QueryPurposeCounts[];
  byCategory: QueryCategoryCounts[];
  denialReasons: DenialReasonCounts[];
}
export interface ReferralTypeCounts extends Key {
  referralType: string;
  sent: number;
  answered: number;
  answeredInTime: number;
  answerMedianHours: number | null;
  agreedHours: number | null;
}
export interface PartyReferralCounts {
  sent: number;
  byType: ReferralTypeCounts[];
}
export interface OverdueCounts extends Key {
  referralType: string;
  count: number;
}

export interface PartyName {
  number: string;
  name: string;
  kind: OrganisationKind;
  agencyCode: string | null;
}

const jsonRows = (select: string, orderBy: string) =>
  `coalesce((SELECT json_agg(r ORDER BY ${orderBy}) FROM (${select}) r), '[]')`;

/**
 * $1 organisation, $2 unit or null. An agency's traffic by the agreements it is party to, so that nothing outside
 * them (a query denied for want of an agreement, another agency's answer) is ever counted for it.
 */
function inScope(scope: PartyScope['kind'], alias: string): string {
  const unit = `($2::text IS NULL OR ${alias}.unit = $2)`;
  return scope === 'agency'
    ? `${alias}.agreement_id IN (SELECT id FROM hub.agreement WHERE agency = $1) AND ${unit}`
    : `${alias}.organisation = $1 AND ${unit}`;
}
// $3 first day, $4 last day, $5 time zone
const inPeriod = (at: string) =>
  `${at} >= $3::date::timestamp AT TIME ZONE $5 AND ${at} < ($4::date + 1)::timestamp AT TIME ZONE $5`;
const KEY = 'municipality, unit, agency';
const hours = (from: string, to: string) => `extract(epoch FROM ${to} - ${from})::float8 / 3600`;

const queriesSql = (scope: PartyScope['kind']) => `
  WITH outcome AS MATERIALIZED (
    SELECT o.organisation::text AS municipality, o.unit, o.agency, o.purpose, o.status, o.reason,
           o.released_categories, o.denied_categories
      FROM hub.query_outcome o
     WHERE ${inScope(scope, 'o')} AND ${inPeriod('o.at')}
  ), category AS (
    SELECT ${KEY}, c AS category, 1 AS released, 0 AS denied
      FROM outcome, jsonb_array_elements_text(released_categories) c
    UNION ALL
    SELECT ${KEY}, d->>'category', 0, 1 FROM outcome, jsonb_array_elements(denied_categories) d
  )
  SELECT
    (SELECT count(*) FROM outcome)::int AS results,
    ${jsonRows(
      `SELECT ${KEY}, purpose, count(*)::int AS results, count(*) FILTER (WHERE status = 'ok')::int AS answered,
              count(*) FILTER (WHERE status = 'denied')::int AS denied
         FROM outcome GROUP BY ${KEY}, purpose`,
      'r.municipality, r.unit, r.agency, r.purpose',
    )} AS "byPurpose",
    ${jsonRows(
      `SELECT ${KEY}, category, sum(released)::int AS released, sum(denied)::int AS denied
         FROM category GROUP BY ${KEY}, category`,
      'r.municipality, r.unit, r.agency, r.category',
    )} AS "byCategory",
    ${jsonRows(
      `SELECT ${KEY}, coalesce(reason, 'unspecified') AS reason, count(*)::int AS count
         FROM outcome WHERE status = 'denied' GROUP BY ${KEY}, 4`,
      'r.municipality, r.unit, r.agency, r.count DESC, r.reason',
    )} AS "denialReasons"
`;

const referralsSql = (scope: PartyScope['kind']) => `
  WITH referral AS MATERIALIZED (
    SELECT r.id, r.organisation::text AS municipality, r.unit, r.agency, r.referral_type, r.created_at, r.respond_by,
           (SELECT min(e.at) FROM hub.referral_event e
             WHERE e.referral_id = r.id AND e.status IN ('accepted', 'declined')) AS answered_at
      FROM hub.referral r
     WHERE ${inScope(scope, 'r')} AND ${inPeriod('r.created_at')}
  )
  SELECT
    (SELECT count(*) FROM referral)::int AS sent,
    ${jsonRows(
      `SELECT ${KEY}, referral_type AS "referralType", count(*)::int AS sent, count(answered_at)::int AS answered,
              count(*) FILTER (WHERE answered_at <= respond_by)::int AS "answeredInTime",
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hours('created_at', 'answered_at')}))::numeric, 1)::float8
                AS "answerMedianHours",
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hours('created_at', 'respond_by')}))::numeric, 1)::float8
                AS "agreedHours"
         FROM referral GROUP BY ${KEY}, referral_type`,
      'r.municipality, r.unit, r.agency, r."referralType"',
    )} AS "byType"
`;

// $1 organisation, $2 unit or null, $3 now
const overdueSql = (scope: PartyScope['kind']) => `
  SELECT r.organisation::text AS municipality, r.unit, r.agency, r.referral_type AS "referralType", count(*)::int AS count
    FROM hub.referral r
   WHERE ${inScope(scope, 'r')} AND r.status IN ('sent', 'received') AND r.respond_by < $3
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 2, 3, 4
`;

/** The parties' follow-up: aggregates PostgreSQL computes, by municipality, unit and agency; never a subject. */
@Injectable()
export class PartyFollowUpRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async queries(scope: PartyScope, period: Period, db: Queryable = this.pool): Promise<PartyQueryCounts> {
    const { rows } = await db.query<PartyQueryCounts>(queriesSql(scope.kind), [
      scope.organisation,
      unitOf(scope),
      period.from,
      period.to,
      FOLLOW_UP_TIME_ZONE,
    ]);
    return rows[0];
  }

  async referrals(scope: PartyScope, period: Period, db: Queryable = this.pool): Promise<PartyReferralCounts> {
    const { rows } = await db.query<PartyReferralCounts>(referralsSql(scope.kind), [
      scope.organisation,
      unitOf(scope),
      period.from,
      period.to,
      FOLLOW_UP_TIME_ZONE,
    ]);
    return rows[0];
  }

  async complaints(scope: PartyScope, period: Period, db: Queryable = this.pool): Promise<PartyComplaintCounts> {
    const { rows } = await db.query<PartyComplaintCounts>(COMPLAINTS_SQL, [
      scope.organisation,
      unitOf(scope),
      period.from,
      period.to,
      FOLLOW_UP_TIME_ZONE,
      scope.kind,
    ]);
    return rows[0]!;
  }

  async overdue(scope: PartyScope, now: Date, db: Queryable = this.pool): Promise<OverdueCounts[]> {
    const { rows } = await db.query<OverdueCounts>(overdueSql(scope.kind), [scope.organisation, unitOf(scope), now]);
    return rows;
  }

  /** Every party's name: the rows name municipalities by number and agencies by code. */
  async parties(db: Queryable = this.pool): Promise<PartyName[]> {
    const { rows } = await db.query<PartyName>(
      `SELECT number, name, kind, agency_code AS "agencyCode" FROM hub.organisation ORDER BY number`,
    );
    return rows;
  }
}

const unitOf = (scope: PartyScope) => (scope.kind === 'municipality' ? scope.unit : null);
