import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { Batcher } from '@hub/common';
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
  waitingSeconds: number | null;
  handlingSeconds: number | null;
  subjectKey: string | null;
  subjectMasked: string | null;
  /** the knowledge-base article the guide answered with */
  articleId: string | null;
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
  waiting_seconds: number | null;
  handling_seconds: number | null;
  subject_key: string | null;
  subject_masked: string | null;
  article_id: string | null;
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
  waitingSeconds: row.waiting_seconds,
  handlingSeconds: row.handling_seconds,
  subjectKey: row.subject_key,
  subjectMasked: row.subject_masked,
  articleId: row.article_id,
});

const SELECT = `SELECT c.id, c.organisation, c.unit, c.created_by, c.created_at, c.channel, c.topic, t.name AS topic_name,
  t.category, c.rosa, c.outcome, c.language, c.interpreter, c.note, c.waiting_seconds, c.handling_seconds,
  c.subject_key, c.subject_masked, c.article_id
  FROM hub.contact c JOIN hub.topic_type t ON t.organisation = c.organisation AND t.code = c.topic`;

/**
 * When a stored contact is safe from a crash. `own`: its commit waits until the WAL is on disk. `audit-entry-next`:
 * its commit does not wait, for a contact whose audit entry the caller appends and awaits before it answers: that
 * entry commits later, and its flush puts the WAL on disk up to itself, this contact's commit included. So a contact
 * naming a subject waits for one flush instead of two, and is durable when the caller answers as before.
 */
export type ContactDurability = 'own' | 'audit-entry-next';

/** hub.contact: every contact a unit's guides log. */
@Injectable()
export class ContactRepository {
  private readonly batches: Record<ContactDurability, Batcher<NewContact & { id: string }, Contact | undefined>>;

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {
    this.batches = {
      // Four batches waiting for a flush at once: the contacts that come while one is slow go to the database and
      // share the next flush, where with two they queued here for a slot first (anonymous p50 10-13 -> 4-7 ms in
      // `npm run bench:contacts`). Those that do not wait for a flush need no more than two.
      own: new Batcher((contacts) => this.store(contacts, 'own'), { maxBatch: 200, concurrency: 4 }),
      'audit-entry-next': new Batcher((contacts) => this.store(contacts, 'audit-entry-next'), {
        maxBatch: 200,
        concurrency: 2,
      }),
    };
  }

  /**
   * Stores a contact, written with those logged at the same time in one statement (one commit for all of them);
   * undefined when its topic is not a type of the municipality's taxonomy in use. Settles when the statement has.
   */
  add(contact: NewContact, durability: ContactDurability = 'own'): Promise<Contact | undefined> {
    return this.batches[durability].add({ ...contact, id: randomUUID() });
  }

  /** Each stored only when its topic is a type of its municipality's taxonomy still in use; in order. */
  async insertMany(
    contacts: ReadonlyArray<NewContact & { id: string }>,
    durability: ContactDurability = 'own',
    db: Queryable = this.pool,
  ): Promise<Array<Contact | undefined>> {
    // set_config(..., true) is SET LOCAL: it holds for the statement's own transaction, whose commit it decides
    const { rows } = await db.query<ContactRow>({
      name: 'hub-insert-contacts',
      text: `WITH commit_mode AS MATERIALIZED (
               SELECT CASE WHEN $2::boolean THEN set_config('synchronous_commit', 'off', true) END
             ), r AS (
               SELECT * FROM json_to_recordset($1::json) AS r(id uuid, organisation text, unit text, created_by text,
                 channel text, topic text, rosa smallint, outcome text, language text, interpreter boolean, note text,
                 waiting_seconds integer, handling_seconds integer, subject_key text, subject_masked text, article_id uuid)
             ), c AS (
               INSERT INTO hub.contact (id, organisation, unit, created_by, channel, topic, rosa, outcome, language,
                 interpreter, note, waiting_seconds, handling_seconds, subject_key, subject_masked, article_id)
               SELECT r.id, t.organisation, r.unit, r.created_by, r.channel, t.code, r.rosa, r.outcome, r.language,
                 r.interpreter, r.note, r.waiting_seconds, r.handling_seconds, r.subject_key, r.subject_masked,
                 r.article_id
               FROM commit_mode, r JOIN hub.topic_type t ON t.organisation = r.organisation AND t.code = r.topic
                 AND t.retired_at IS NULL
               RETURNING *
             )
             SELECT c.*, t.name AS topic_name, t.category
             FROM c JOIN hub.topic_type t ON t.organisation = c.organisation AND t.code = c.topic`,
      values: [
        JSON.stringify(
          contacts.map((c) => ({
            id: c.id,
            organisation: c.organisation,
            unit: c.unit,
            created_by: c.createdBy,
            channel: c.channel,
            topic: c.topic,
            rosa: c.rosa,
            outcome: c.outcome,
            language: c.language,
            interpreter: c.interpreter,
            note: c.note,
            waiting_seconds: c.waitingSeconds,
            handling_seconds: c.handlingSeconds,
            subject_key: c.subjectKey,
            subject_masked: c.subjectMasked,
            article_id: c.articleId,
          })),
        ),
        durability === 'audit-entry-next',
      ],
    });
    const stored = new Map(rows.map((row) => [row.id, toContact(row)]));
    return contacts.map((c) => stored.get(c.id));
  }

  /** A batch the database refuses as a whole is tried one by one, so that one bad contact fails no other. */
  private async store(
    contacts: Array<NewContact & { id: string }>,
    durability: ContactDurability,
  ): Promise<Array<Contact | undefined>> {
    try {
      return await this.insertMany(contacts, durability);
    } catch (err) {
      if (contacts.length === 1) throw err;
      return Promise.all(contacts.map(async (c) => (await this.insertMany([c], durability))[0]));
    }
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
