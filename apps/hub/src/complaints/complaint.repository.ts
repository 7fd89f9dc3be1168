import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import type { ErrandCitizen } from '../errands/errand.repository.js';
import type { Period } from '../follow-up/period.js';
import type { ComplaintKind, ComplaintStatus, PartyKind } from './complaint.dto.js';

export interface Complaint {
  id: string;
  organisation: string;
  unit: string;
  kind: ComplaintKind;
  channel: string;
  topic: string;
  text: string;
  partyKind: PartyKind;
  party: string;
  partyName: string;
  wantsAnswer: boolean;
  citizen: ErrandCitizen;
  preferredChannel: string | null;
  errandId: string | null;
  respondBy: Date;
  status: ComplaintStatus;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: Date | null;
  createdBy: string;
  createdAt: Date;
}

/** A complaint as read: with its topic's name, and a department's answer from its errand. */
export interface StoredComplaint extends Complaint {
  topicName: string;
}

interface Row {
  id: string;
  organisation: string;
  unit: string;
  kind: ComplaintKind;
  channel: string;
  topic: string;
  topic_name: string | null;
  text: string;
  party_kind: PartyKind;
  party: string;
  party_name: string;
  wants_answer: boolean;
  citizen: ErrandCitizen;
  preferred_channel: string | null;
  errand_id: string | null;
  respond_by: Date;
  status: ComplaintStatus;
  answer: string | null;
  answered_by: string | null;
  answered_at: Date | null;
  created_by: string;
  created_at: Date;
}

/** A department's complaint is as far as its errand: answered once the department has answered it. */
const SELECT = `
  SELECT c.id, c.organisation, c.unit, c.kind, c.channel, c.topic, t.name AS topic_name, c.text, c.party_kind, c.party,
    c.party_name, c.wants_answer, c.citizen, c.preferred_channel, c.errand_id, c.respond_by, c.created_by, c.created_at,
    CASE WHEN e.id IS NULL THEN c.status
         WHEN e.answer IS NOT NULL THEN 'answered' ELSE 'open' END AS status,
    COALESCE(e.answer, c.answer) AS answer,
    COALESCE(e.answered_by, c.answered_by) AS answered_by,
    COALESCE(e.answered_at, c.answered_at) AS answered_at
  FROM hub.complaint c
  LEFT JOIN hub.errand e ON e.id = c.errand_id
  LEFT JOIN hub.topic_type t ON t.organisation = c.organisation AND t.code = c.topic`;

/** hub.complaint: complaints and suggestions a unit registered, and the answers to them. */
@Injectable()
export class ComplaintRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async insert(c: Complaint, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.complaint (id, organisation, unit, kind, channel, topic, text, party_kind, party, party_name,
         wants_answer, citizen, preferred_channel, errand_id, respond_by, status, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        c.id,
        c.organisation,
        c.unit,
        c.kind,
        c.channel,
        c.topic,
        c.text,
        c.partyKind,
        c.party,
        c.partyName,
        c.wantsAnswer,
        JSON.stringify(c.citizen),
        c.preferredChannel,
        c.errandId,
        c.respondBy,
        c.status,
        c.createdBy,
        c.createdAt,
      ],
    );
  }

  /** The unit's complaints, open ones first and among them the earliest deadline first; at most 500. */
  async list(organisation: string, unit: string, db: Queryable = this.pool): Promise<StoredComplaint[]> {
    const { rows } = await db.query<Row>(
      `SELECT * FROM (${SELECT} WHERE c.organisation = $1 AND c.unit = $2) c
       ORDER BY (c.status = 'open') DESC, CASE WHEN c.status = 'open' THEN c.respond_by END, c.created_at DESC
       LIMIT 500`,
      [organisation, unit],
    );
    return rows.map(toComplaint);
  }

  async find(
    organisation: string,
    unit: string,
    id: string,
    db: Queryable = this.pool,
  ): Promise<StoredComplaint | undefined> {
    const { rows } = await db.query<Row>(`${SELECT} WHERE c.organisation = $1 AND c.unit = $2 AND c.id = $3`, [
      organisation,
      unit,
      id,
    ]);
    return rows[0] && toComplaint(rows[0]);
  }

  /** Answers one the centre holds, unless answered already: false then. */
  async answer(id: string, answer: string, by: string, at: Date, db: Queryable = this.pool): Promise<boolean> {
    const { rowCount } = await db.query(
      `UPDATE hub.complaint SET status = 'answered', answer = $2, answered_by = $3, answered_at = $4
       WHERE id = $1 AND status = 'open' AND errand_id IS NULL`,
      [id, answer, by, at],
    );
    return rowCount === 1;
  }

  /** An agency by its organisationsnummer, with its name; undefined for anything that is not an agency. */
  async agency(number: string, db: Queryable = this.pool): Promise<{ number: string; name: string } | undefined> {
    const { rows } = await db.query<{ number: string; name: string }>(
      `SELECT number, name FROM hub.organisation WHERE number = $1 AND kind = 'agency'`,
      [number],
    );
    return rows[0];
  }

  /** Registered in the period (Swedish days), by topic and kind, and by responsible party and kind. */
  async counts(organisation: string, unit: string | null, period: Period, now: Date, db: Queryable = this.pool) {
    const scope = `FROM (${SELECT}
        WHERE c.organisation = $1 AND ($2::text IS NULL OR c.unit = $2)
          AND c.created_at >= ($3::date)::timestamp AT TIME ZONE 'Europe/Stockholm'
          AND c.created_at < ($4::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm') c`;
    const values = [organisation, unit, period.from, period.to];
    const [topics, parties] = await Promise.all([
      db.query<{ topic: string; topic_name: string | null; kind: ComplaintKind; count: number }>(
        `SELECT c.topic, min(c.topic_name) AS topic_name, c.kind, count(*)::int AS count ${scope}
         GROUP BY c.topic, c.kind ORDER BY count DESC, c.topic, c.kind`,
        values,
      ),
      db.query<{
        party_kind: PartyKind;
        party: string;
        party_name: string;
        kind: ComplaintKind;
        count: number;
        answered: number;
        overdue: number;
      }>(
        `SELECT c.party_kind, c.party, min(c.party_name) AS party_name, c.kind, count(*)::int AS count,
           (count(*) FILTER (WHERE c.status = 'answered'))::int AS answered,
           (count(*) FILTER (WHERE c.status = 'open' AND c.respond_by < $5))::int AS overdue
         ${scope}
         GROUP BY c.party_kind, c.party, c.kind ORDER BY count DESC, c.party, c.kind`,
        [...values, now],
      ),
    ]);
    return {
      byTopic: topics.rows.map((r) => ({
        topic: r.topic,
        topicName: r.topic_name ?? r.topic,
        kind: r.kind,
        count: r.count,
      })),
      byParty: parties.rows.map((r) => ({
        partyKind: r.party_kind,
        party: r.party,
        partyName: r.party_name,
        kind: r.kind,
        count: r.count,
        answered: r.answered,
        overdue: r.overdue,
      })),
    };
  }
}

function toComplaint(r: Row): StoredComplaint {
  return {
    id: r.id,
    organisation: r.organisation,
    unit: r.unit,
    kind: r.kind,
    channel: r.channel,
    topic: r.topic,
    topicName: r.topic_name ?? r.topic,
    text: r.text,
    partyKind: r.party_kind,
    party: r.party,
    partyName: r.party_name,
    wantsAnswer: r.wants_answer,
    citizen: r.citizen,
    preferredChannel: r.preferred_channel,
    errandId: r.errand_id,
    respondBy: r.respond_by,
    status: r.status,
    answer: r.answer,
    answeredBy: r.answered_by,
    answeredAt: r.answered_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
