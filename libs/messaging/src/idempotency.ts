import type { Pool, PoolClient } from 'pg';

/**
 * Runs a handler at most once per (consumer, message id). The handler's own writes go through the same
 * transaction as the record of the message id, so either both happen or neither.
 */
export interface IdempotencyStore<Tx = unknown> {
  /** returns false, without calling `work`, when this consumer has processed the message already */
  runOnce(consumer: string, messageId: string, work: (tx: Tx) => Promise<void>): Promise<boolean>;
  /**
   * Several messages in one transaction: `work` gets those not processed before (the first of any id given twice)
   * and their ids are recorded with its writes. Answers, per id in order, whether it was new. All or nothing: a
   * throw records none of them.
   */
  runBatch?(
    consumer: string,
    messageIds: readonly string[],
    work: (tx: Tx, fresh: boolean[]) => Promise<void>,
  ): Promise<boolean[]>;
  /** forgets the ids of messages processed before `olderThan` */
  prune?(olderThan: Date): Promise<number>;
  /**
   * Whether an error means the store itself is out of reach (a database restarting, a lost connection): the message
   * is not at fault, so it is tried again in place rather than spending its deliveries and ending up parked.
   */
  isUnavailable?(err: unknown): boolean;
}

/** SQLSTATE classes and codes of a PostgreSQL that is away: connection exceptions, shutting down, starting up. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed/i;

/** Whether a `pg` error says the database is out of reach rather than that the work was wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  // not `instanceof Error`: errors from Node's own sockets may come from another realm (a test runner's vm)
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/**
 * How long processed message ids are kept. A duplicate comes from a redelivery or a publisher's retry after a lost
 * confirm, within minutes; a week is far beyond that, and keeps the table from growing for ever.
 */
export const PROCESSED_MESSAGE_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * Prunes `store` every `everyMs` (first at once), keeping `retentionMs` of ids. Returns a stop function; the timer
 * does not hold the process open, and a failed prune (database away) is only retried at the next turn.
 */
export function pruneProcessedMessages(
  store: IdempotencyStore,
  options: { retentionMs?: number; everyMs?: number; onError?: (err: Error) => void } = {},
): () => void {
  if (!store.prune) return () => undefined;
  const retentionMs = options.retentionMs ?? PROCESSED_MESSAGE_RETENTION_MS;
  const prune = () =>
    void store.prune!(new Date(Date.now() - retentionMs)).catch((err: Error) => options.onError?.(err));
  prune();
  const timer = setInterval(prune, options.everyMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
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
    const [fresh] = await this.runBatch(consumer, [messageId], (tx) => work(tx));
    return fresh!;
  }

  async runBatch(
    consumer: string,
    messageIds: readonly string[],
    work: (tx: PoolClient, fresh: boolean[]) => Promise<void>,
  ): Promise<boolean[]> {
    const client = await this.pool.connect();
    try {
      // A concurrent duplicate blocks on its row until the first commits, then sees the conflict. BEGIN and the
      // INSERT go in one round trip, which takes literals (escaped) rather than parameters.
      const ids = messageIds.map((id) => client.escapeLiteral(id)).join(',');
      const [, inserted] = (await client.query(
        `BEGIN; INSERT INTO ${this.table} (consumer, message_id)
         SELECT ${client.escapeLiteral(consumer)}, id FROM unnest(ARRAY[${ids}]::uuid[]) AS id
         ON CONFLICT DO NOTHING RETURNING message_id`,
      )) as unknown as [unknown, { rows: Array<{ message_id: string }> }];
      const unclaimed = new Set(inserted.rows.map((r) => r.message_id));
      const fresh = messageIds.map((id) => unclaimed.delete(id.toLowerCase()));
      if (!fresh.includes(true)) {
        await client.query('ROLLBACK');
        return fresh;
      }
      await work(client, fresh);
      await client.query('COMMIT');
      return fresh;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  isUnavailable(err: unknown): boolean {
    return isDatabaseUnavailable(err);
  }

  /** Forgets ids older than the broker could still redeliver. */
  async prune(olderThan: Date): Promise<number> {
    const result = await this.pool.query(`DELETE FROM ${this.table} WHERE processed_at < $1`, [olderThan]);
    return result.rowCount ?? 0;
  }
}
