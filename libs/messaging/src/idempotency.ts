import type { Pool, PoolClient } from 'pg';

/**
 * Runs a handler at most once per (consumer, message id). The handler's own writes go through the same
 * transaction as the record of the message id, so either both happen or neither.
 */
export interface IdempotencyStore<Tx = unknown> {
  /** returns false, without calling `work`, when this consumer has processed the message already */
  runOnce(consumer: string, messageId: string, work: (tx: Tx) => Promise<void>): Promise<boolean>;
}

/** The table of processed message ids, in the given schema (the hub's `messaging`, or an adapter's own). */
export const processedMessagesDdl = (schema: string) => `
  CREATE SCHEMA IF NOT EXISTS ${schema};
  CREATE TABLE IF NOT EXISTS ${schema}.processed_message (
    consumer     text        NOT NULL,
    message_id   uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
  );
  CREATE INDEX IF NOT EXISTS processed_message_processed_at ON ${schema}.processed_message (processed_at);
`;

export const PROCESSED_MESSAGES_DDL = processedMessagesDdl('messaging');

const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are spliced into SQL, so only plain lower-case identifiers are accepted. */
export function sqlIdentifier(name: string): string {
  if (!SQL_IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain SQL identifier (a-z, 0-9, _)`);
  return name;
}

export class PgIdempotencyStore implements IdempotencyStore<PoolClient> {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema = 'messaging',
  ) {
    this.table = `${sqlIdentifier(schema)}.processed_message`;
  }

  async migrate(): Promise<void> {
    await this.pool.query(processedMessagesDdl(this.schema));
  }

  async runOnce(consumer: string, messageId: string, work: (tx: PoolClient) => Promise<void>): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A concurrent duplicate blocks on this row until the first commits, then sees the conflict.
      const inserted = await client.query(
        `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
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
    const result = await this.pool.query(`DELETE FROM ${this.table} WHERE processed_at < $1`, [olderThan]);
    return result.rowCount ?? 0;
  }
}

/** Runs `work` in a transaction on a client of the pool: committed when it returns, rolled back when it throws. */
export async function withTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
