import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import type { ErrandEventKind, ErrandStatus } from './errand-lifecycle.js';

/** The citizen's contact details as an errand stores them: only those that may be passed on. */
export interface ErrandCitizen {
  name?: string;
  phone?: string;
  email?: string;
}

/** An errand as `hub.errand` holds it. */
export interface Errand {
  id: string;
  organisation: string;
  unit: string;
  department: string;
  contactId: string | null;
  topic: string;
  secrecySensitive: boolean;
  message: string;
  citizen: ErrandCitizen;
  preferredChannel: string;
  subjectKey: string | null;
  subjectMasked: string | null;
  createdBy: string;
  createdAt: Date;
  respondBy: Date;
  status: ErrandStatus;
  statusAt: Date;
  takenBy: string | null;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: Date | null;
}

export interface ErrandActor {
  organisation: string;
  name: string;
  unit?: string;
}

export interface ErrandEvent {
  event: ErrandEventKind;
  at: Date;
  actor: ErrandActor;
  department: string;
  note: string | null;
}

/** A department unit of a municipality, open for errands. */
export interface Department {
  id: string;
  name: string;
  displayName: string;
}

/** Which errands a list shows: a front-office unit's (`unit`) or a department's inbox (`department`). */
export interface ErrandFilter {
  organisation: string;
  side: 'unit' | 'department';
  unit: string;
  status: ErrandStatus | null;
}

interface ErrandRow {
  id: string;
  organisation: string;
  unit: string;
  department: string;
  contact_id: string | null;
  topic: string;
  secrecy_sensitive: boolean;
  message: string;
  citizen: ErrandCitizen;
  preferred_channel: string;
  subject_key: string | null;
  subject_masked: string | null;
  created_by: string;
  created_at: Date;
  respond_by: Date;
  status: ErrandStatus;
  status_at: Date;
  taken_by: string | null;
  answer: string | null;
  answered_by: string | null;
  answered_at: Date | null;
}

/** `hub.errand` and its timeline `hub.errand_event`. */
@Injectable()
export class ErrandRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async insert(errand: Errand, actor: ErrandActor, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.errand (id, organisation, unit, department, contact_id, topic, secrecy_sensitive, message,
         citizen, preferred_channel, subject_key, subject_masked, created_by, created_at, respond_by, status, status_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        errand.id,
        errand.organisation,
        errand.unit,
        errand.department,
        errand.contactId,
        errand.topic,
        errand.secrecySensitive,
        errand.message,
        JSON.stringify(errand.citizen),
        errand.preferredChannel,
        errand.subjectKey,
        errand.subjectMasked,
        errand.createdBy,
        errand.createdAt,
        errand.respondBy,
        errand.status,
        errand.statusAt,
      ],
    );
    await this.insertEvent(
      errand.id,
      { event: 'sent', at: errand.createdAt, actor, department: errand.department, note: null },
      db,
    );
  }

  /** Errands of a unit, or to a department, open ones first with the overdue among them first; at most 500. */
  async list(filter: ErrandFilter, now: Date, db: Queryable = this.pool): Promise<Errand[]> {
    const column = filter.side === 'unit' ? 'unit' : 'department';
    const { rows } = await db.query<ErrandRow>(
      `SELECT * FROM hub.errand
        WHERE organisation = $1 AND ${column} = $2 AND ($3::text IS NULL OR status = $3)
        ORDER BY (status IN ('sent', 'taken') AND respond_by < $4) DESC, (status IN ('sent', 'taken')) DESC,
          respond_by, id
        LIMIT 500`,
      [filter.organisation, filter.unit, filter.status, now],
    );
    return rows.map(errandOf);
  }

  async find(id: string, organisation: string, db: Queryable = this.pool): Promise<Errand | undefined> {
    const { rows } = await db.query<ErrandRow>('SELECT * FROM hub.errand WHERE id = $1 AND organisation = $2', [
      id,
      organisation,
    ]);
    return rows[0] && errandOf(rows[0]);
  }

  /** Locks the errand for the rest of the transaction. */
  async lock(id: string, organisation: string, tx: Queryable): Promise<Errand | undefined> {
    const { rows } = await tx.query<ErrandRow>(
      'SELECT * FROM hub.errand WHERE id = $1 AND organisation = $2 FOR UPDATE',
      [id, organisation],
    );
    return rows[0] && errandOf(rows[0]);
  }

  /** Stores a move: status, department, who took or answered it, and its event on the timeline. */
  async update(errand: Errand, event: ErrandEvent, tx: Queryable): Promise<void> {
    await tx.query(
      `UPDATE hub.errand SET status = $2, status_at = $3, department = $4, taken_by = $5, answer = $6,
         answered_by = $7, answered_at = $8 WHERE id = $1`,
      [
        errand.id,
        errand.status,
        errand.statusAt,
        errand.department,
        errand.takenBy,
        errand.answer,
        errand.answeredBy,
        errand.answeredAt,
      ],
    );
    await this.insertEvent(errand.id, event, tx);
  }

  async timeline(errandId: string, db: Queryable = this.pool): Promise<ErrandEvent[]> {
    const { rows } = await db.query<{
      event: ErrandEventKind;
      at: Date;
      actor: ErrandActor;
      department: string;
      note: string | null;
    }>(`SELECT event, at, actor, department, note FROM hub.errand_event WHERE errand_id = $1 ORDER BY at, seq`, [
      errandId,
    ]);
    return rows;
  }

  /** The municipality's open department units, by their shown name. */
  async departments(organisation: string, db: Queryable = this.pool): Promise<Department[]> {
    const { rows } = await db.query<{ id: string; name: string; display_name: string | null }>(
      `SELECT id, name, display_name FROM hub.unit
        WHERE organisation = $1 AND kind = 'department' AND closed_at IS NULL
        ORDER BY coalesce(display_name, name), name`,
      [organisation],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, displayName: r.display_name ?? r.name }));
  }

  /** An open department unit of the municipality, by its id or by its name. */
  async department(
    organisation: string,
    by: { id: string } | { name: string },
    db: Queryable = this.pool,
  ): Promise<Department | undefined> {
    const [column, value] = 'id' in by ? ['id', by.id] : ['name', by.name];
    const { rows } = await db.query<{ id: string; name: string; display_name: string | null }>(
      `SELECT id, name, display_name FROM hub.unit
        WHERE organisation = $1 AND ${column} = $2 AND kind = 'department' AND closed_at IS NULL`,
      [organisation, value],
    );
    return rows[0] && { id: rows[0].id, name: rows[0].name, displayName: rows[0].display_name ?? rows[0].name };
  }

  private async insertEvent(errandId: string, e: ErrandEvent, db: Queryable): Promise<void> {
    await db.query(
      `INSERT INTO hub.errand_event (errand_id, event, at, actor, department, note) VALUES ($1, $2, $3, $4, $5, $6)`,
      [errandId, e.event, e.at, JSON.stringify(e.actor), e.department, e.note],
    );
  }
}

function errandOf(r: ErrandRow): Errand {
  return {
    id: r.id,
    organisation: r.organisation,
    unit: r.unit,
    department: r.department,
    contactId: r.contact_id,
    topic: r.topic,
    secrecySensitive: r.secrecy_sensitive,
    message: r.message,
    citizen: r.citizen,
    preferredChannel: r.preferred_channel,
    subjectKey: r.subject_key?.trim() ?? null,
    subjectMasked: r.subject_masked,
    createdBy: r.created_by,
    createdAt: r.created_at,
    respondBy: r.respond_by,
    status: r.status,
    statusAt: r.status_at,
    takenBy: r.taken_by,
    answer: r.answer,
    answeredBy: r.answered_by,
    answeredAt: r.answered_at,
  };
}
