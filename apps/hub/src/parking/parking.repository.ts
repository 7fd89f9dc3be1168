import { Inject, Injectable } from '@nestjs/common';
import type * as amqp from 'amqplib';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';

export const PARKED_STATES = ['parked', 'replayed', 'discarded'] as const;
export type ParkedState = (typeof PARKED_STATES)[number];

/** A message collected from a `.parked` queue, as `hub.parked_message` holds it. */
export interface ParkedMessage {
  id: string;
  /** the queue it was parked from */
  queue: string;
  messageId: string;
  type: string | null;
  correlationId: string | null;
  sender: string | null;
  parkedBy: string | null;
  reason: string;
  parkedAt: Date;
  collectedAt: Date;
  properties: amqp.MessageProperties;
  content: Buffer;
  state: ParkedState;
  resolvedAt: Date | null;
  resolvedBy: string | null;
}

export type NewParkedMessage = Omit<ParkedMessage, 'collectedAt' | 'state' | 'resolvedAt' | 'resolvedBy'>;

/** What a listing shows of a message: never its content. */
export type ParkedListing = Pick<
  ParkedMessage,
  'id' | 'queue' | 'messageId' | 'type' | 'correlationId' | 'reason' | 'parkedAt' | 'state'
>;

interface ParkedRow {
  id: string;
  queue: string;
  message_id: string;
  type: string | null;
  correlation_id: string | null;
  sender: string | null;
  parked_by: string | null;
  reason: string;
  parked_at: Date;
  collected_at: Date;
  properties: amqp.MessageProperties;
  content: Buffer;
  state: ParkedState;
  resolved_at: Date | null;
  resolved_by: string | null;
}

/** `hub.parked_message`: the parking lot's messages and what an administrator decided about them. */
@Injectable()
export class ParkingRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** A message parked once is stored once, however often it is collected. */
  async insert(message: NewParkedMessage, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.parked_message
         (id, queue, message_id, type, correlation_id, sender, parked_by, reason, parked_at, properties, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (queue, message_id, parked_at) DO NOTHING`,
      [
        message.id,
        message.queue,
        message.messageId,
        message.type,
        message.correlationId,
        message.sender,
        message.parkedBy,
        message.reason,
        message.parkedAt,
        JSON.stringify(message.properties),
        message.content,
      ],
    );
  }

  /** Newest first, at most 500; `state` 'all' for every state. */
  async list(
    filter: { state: ParkedState | 'all'; queue: string | null },
    db: Queryable = this.pool,
  ): Promise<ParkedListing[]> {
    const { rows } = await db.query<ParkedRow>(
      `SELECT id, queue, message_id, type, correlation_id, reason, parked_at, state FROM hub.parked_message
        WHERE ($1::text = 'all' OR state = $1) AND ($2::text IS NULL OR queue = $2)
        ORDER BY parked_at DESC, id LIMIT 500`,
      [filter.state, filter.queue],
    );
    return rows.map((r) => ({
      id: r.id,
      queue: r.queue,
      messageId: r.message_id,
      type: r.type,
      correlationId: r.correlation_id,
      reason: r.reason,
      parkedAt: r.parked_at,
      state: r.state,
    }));
  }

  /** Messages still parked, per queue they were parked from. */
  async parkedPerQueue(db: Queryable = this.pool): Promise<Map<string, number>> {
    const { rows } = await db.query<{ queue: string; parked: number }>(
      `SELECT queue, count(*)::int AS parked FROM hub.parked_message WHERE state = 'parked' GROUP BY queue`,
    );
    return new Map(rows.map((r) => [r.queue, r.parked]));
  }

  async find(id: string, db: Queryable = this.pool): Promise<ParkedMessage | undefined> {
    const { rows } = await db.query<ParkedRow>(`SELECT * FROM hub.parked_message WHERE id = $1`, [id]);
    return rows[0] && parkedOf(rows[0]);
  }

  /** Locks the message for the rest of the transaction. */
  async lock(id: string, db: Queryable): Promise<ParkedMessage | undefined> {
    const { rows } = await db.query<ParkedRow>(`SELECT * FROM hub.parked_message WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] && parkedOf(rows[0]);
  }

  async markReplayed(id: string, at: Date, by: string, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `UPDATE hub.parked_message SET state = 'replayed', resolved_at = $2, resolved_by = $3 WHERE id = $1`,
      [id, at, by],
    );
  }

  /** The message discarded, when it was still parked. */
  async discard(id: string, at: Date, by: string, db: Queryable = this.pool): Promise<ParkedMessage | undefined> {
    const { rows } = await db.query<ParkedRow>(
      `UPDATE hub.parked_message SET state = 'discarded', resolved_at = $2, resolved_by = $3
        WHERE id = $1 AND state = 'parked' RETURNING *`,
      [id, at, by],
    );
    return rows[0] && parkedOf(rows[0]);
  }
}

function parkedOf(r: ParkedRow): ParkedMessage {
  return {
    id: r.id,
    queue: r.queue,
    messageId: r.message_id,
    type: r.type,
    correlationId: r.correlation_id,
    sender: r.sender,
    parkedBy: r.parked_by,
    reason: r.reason,
    parkedAt: r.parked_at,
    collectedAt: r.collected_at,
    properties: r.properties,
    content: r.content,
    state: r.state,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
  };
}
