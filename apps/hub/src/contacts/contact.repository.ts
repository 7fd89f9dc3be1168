import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { ContactChannel, ContactOutcome } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';

/** A contact as hub.contact holds it, with its topic type's name and category. */
export interface Contact {
  id: string;
  organisation: string;
  unit: string;
  createdBy: string;
  createdAt: Date;
  channel: ContactChannel;
  topic: string;
  topicName: string;
  category: string;
  rosa: number;
  outcome: ContactOutcome;
  language: string;
  interpreter: boolean;
  note: string | null;
  subjectKey: string | null;
  subjectMasked: string | null;
}

export type NewContact = Omit<Contact, 'id' | 'createdAt' | 'topicName' | 'category'>;

/** The queries and referrals made during a contact. */
export interface ContactLinks {
  queries: string[];
  referrals: string[];
}

interface ContactRow {
  id: string;
  organisation: string;
  unit: string;
  created_by: string;
  created_at: Date;
  channel: ContactChannel;
  topic: string;
  topic_name: string;
  category: string;
  rosa: number;
  outcome: ContactOutcome;
  language: string;
  interpreter: boolean;
  note: string | null;
  subject_key: string | null;
  subject_masked: string | null;
}

const toContact = (row: ContactRow): Contact => ({
  id: row.id,
  organisation: row.organisation,
  unit: row.unit,
  createdBy: row.created_by,
  createdAt: row.created_at,
  channel: row.channel,
  topic: row.topic,
  topicName: row.topic_name,
  category: row.category,
  rosa: row.rosa,
  outcome: row.outcome,
  language: row.language,
  interpreter: row.interpreter,
  note: row.note,
  subjectKey: row.subject_key,
  subjectMasked: row.subject_masked,
});

const SELECT = `SELECT c.id, c.organisation, c.unit, c.created_by, c.created_at, c.channel, c.topic, t.name AS topic_name,
  t.category, c.rosa, c.outcome, c.language, c.interpreter, c.note, c.subject_key, c.subject_masked
  FROM hub.contact c JOIN hub.topic_type t ON t.organisation = c.organisation AND t.code = c.topic`;

/** hub.contact: every contact a unit's guides log. */
@Injectable()
export class ContactRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /**
   * One statement: stored only when the topic is a type of the municipality's taxonomy still in use; undefined
   * when it is not.
   */
  async insert(c: NewContact, db: Queryable = this.pool): Promise<Contact | undefined> {
    const { rows } = await db.query<ContactRow>({
      name: 'hub-insert-contact',
      text: `WITH t AS (
               SELECT organisation, code, name, category FROM hub.topic_type
               WHERE organisation = $1 AND code = $5 AND retired_at IS NULL
             ), c AS (
               INSERT INTO hub.contact (organisation, unit, created_by, channel, topic, rosa, outcome, language,
                 interpreter, note, subject_key, subject_masked)
               SELECT t.organisation, $2, $3, $4, t.code, $6, $7, $8, $9, $10, $11, $12 FROM t
               RETURNING *
             )
             SELECT c.*, t.name AS topic_name, t.category FROM c, t`,
      values: [
        c.organisation,
        c.unit,
        c.createdBy,
        c.channel,
        c.topic,
        c.rosa,
        c.outcome,
        c.language,
        c.interpreter,
        c.note,
        c.subjectKey,
        c.subjectMasked,
      ],
    });
    return rows[0] && toContact(rows[0]);
  }

  /** A unit's contacts of one day (Swedish time), newest first. */
  async listDay(organisation: string, unit: string, day: string, db: Queryable = this.pool): Promise<Contact[]> {
    const { rows } = await db.query<ContactRow>(
      `${SELECT}
       WHERE c.organisation = $1 AND c.unit = $2
         AND c.created_at >= ($3::date)::timestamp AT TIME ZONE 'Europe/Stockholm'
         AND c.created_at < ($3::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
       ORDER BY c.created_at DESC, c.id LIMIT 2000`,
      [organisation, unit, day],
    );
    return rows.map(toContact);
  }

  async find(organisation: string, unit: string, id: string, db: Queryable = this.pool): Promise<Contact | undefined> {
    const { rows } = await db.query<ContactRow>(`${SELECT} WHERE c.organisation = $1 AND c.unit = $2 AND c.id = $3`, [
      organisation,
      unit,
      id,
    ]);
    return rows[0] && toContact(rows[0]);
  }

  async exists(organisation: string, unit: string, id: string, db: Queryable = this.pool): Promise<boolean> {
    const { rows } = await db.query({
      name: 'hub-contact-exists',
      text: `SELECT 1 FROM hub.contact WHERE organisation = $1 AND unit = $2 AND id = $3`,
      values: [organisation, unit, id],
    });
    return rows.length > 0;
  }

  async links(id: string, db: Queryable = this.pool): Promise<ContactLinks> {
    const { rows } = await db.query<{ kind: 'query' | 'referral'; id: string }>(
      `SELECT DISTINCT 'query' AS kind, query_id::text AS id FROM hub.query_outcome WHERE contact_id = $1
       UNION ALL SELECT 'referral', id::text FROM hub.referral WHERE contact_id = $1
       ORDER BY 1, 2`,
      [id],
    );
    return {
      queries: rows.filter((r) => r.kind === 'query').map((r) => r.id),
      referrals: rows.filter((r) => r.kind === 'referral').map((r) => r.id),
    };
  }
}
