import type { Pool, PoolClient } from 'pg';

/**
 * Runs a handler at most once per (consumer, message id). The handler's own writes go through the same
 * transaction as the record of the message id, so either both happen or neither.
 */
export interface IdempotencyStore<Tx = unknown> {
  /** returns false, without calling `work`, when this consumer has processed the message already */
  runOnce(consumer: string, messageId: string, work: (tx: Tx) => Promise<void>): Promise<boolean>;
}

export const PROCESSED_MESSAGES_DDL = `
  CREATE SCHEMA IF NOT EXISTS messaging;
  CREATE TABLE IF NOT EXISTS messaging.processed_message (
    consumer     text        NOT NULL,
    message_id   uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
  );
  CREATE INDEX IF NOT EXISTS processed_message_processed_at ON messaging.processed_message (processed_at);
`;

export class PgIdempotencyStore implements IdempotencyStore<PoolClient> {
  constructor(private readonly pool: Pool) {}

  async migrate(): Promise<void> {
    await this.pool.query(PROCESSED_MESSAGES_DDL);
  }

  async runOnce(consumer: string, messageId: string, work: (tx: PoolClient) => Promise<void>): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A concurrent duplicate blocks on this row until the first commits, then sees the conflict.
      const inserted = await client.query(
        'INSERT INTO messaging.processed_message (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [consumer, messageId],
      );
      if (inserted.rowCount === 0) {
        await client.query('ROLLBACK');
        return false;
      }
      await work(client);
      await client.query('COMMIT');
      return true;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Forgets ids older than the broker could still redeliver. */
  async prune(olderThan: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM messaging.processed_message WHERE processed_at < $1', [
      olderThan,
    ]);
    return result.rowCount ?? 0;
  }
}
