import type { Pool, PoolClient } from 'pg';
import type { ConnectionLogger } from './amqp-connection.js';
import { sqlIdentifier } from './idempotency.js';
import type { OutgoingMessage } from './message-codec.js';
import type { MessagingClient } from './messaging-client.js';

export const outboxDdl = (schema: string) => `
  CREATE SCHEMA IF NOT EXISTS ${schema};
  CREATE TABLE IF NOT EXISTS ${schema}.outbox (
    seq         bigserial   PRIMARY KEY,
    exchange    text        NOT NULL,
    routing_key text        NOT NULL,
    content     bytea       NOT NULL,
    properties  jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
  );
`;

/** The caller's transaction: a pool client, or what the hub's `Transactions.run` hands a service. */
export interface OutboxTransaction {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

export interface OutboxMessage {
  exchange: string;
  routingKey: string;
  message: OutgoingMessage;
  /** published to every queue bound, and not returned when none is */
  broadcast?: boolean;
}

export interface OutboxOptions {
  /** the schema the outbox table lives in, next to the writes it goes with */
  schema: string;
  /** a safety net under LISTEN/NOTIFY: how often to look for rows nobody was told about */
  pollMs?: number;
  batchSize?: number;
}

/**
 * The transactional outbox: a message is encoded and signed, then stored in the same transaction as the writes it
 * reports, and a relay publishes it with broker confirms and only then deletes it. A crash between commit and
 * publish loses nothing; a crash between publish and delete publishes it again, with the same message id, which
 * idempotent consumers drop.
 */
export class PgOutbox {
  private readonly table: string;
  private readonly channel: string;
  private listener: PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private relistenTimer: NodeJS.Timeout | undefined;
  private relistenDelayMs = 250;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  published = 0;

  constructor(
    private readonly pool: Pool,
    private readonly messaging: MessagingClient,
    private readonly options: OutboxOptions,
    private readonly logger: ConnectionLogger,
  ) {
    this.table = `${sqlIdentifier(options.schema)}.outbox`;
    this.channel = `${options.schema}_outbox`;
  }

  async migrate(): Promise<void> {
    await this.pool.query(outboxDdl(this.options.schema));
  }

  /** Stores the message in the caller's transaction; it is published after that transaction commits. */
  async enqueue(
    tx: OutboxTransaction,
    exchange: string,
    routingKey: string,
    message: OutgoingMessage,
    options: { broadcast?: boolean } = {},
  ): Promise<string> {
    const [id] = await this.enqueueMany(tx, [{ exchange, routingKey, message, broadcast: options.broadcast }]);
    return id!;
  }

  /** Several messages in one INSERT, in order; the message ids in the same order. */
  async enqueueMany(tx: OutboxTransaction, messages: readonly OutboxMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const encoded = messages.map((m) => {
      const { envelope, content, properties } = this.messaging.codec.encode(m.message);
      return { id: envelope.id, content, properties: JSON.stringify({ ...properties, mandatory: !m.broadcast }) };
    });
    // the notification is delivered at commit, to every instance listening
    await tx.query(
      `WITH stored AS (
         INSERT INTO ${this.table} (exchange, routing_key, content, properties)
         SELECT e, r, c, p FROM unnest($1::text[], $2::text[], $3::bytea[], $4::jsonb[])
           WITH ORDINALITY AS m(e, r, c, p, n)
         ORDER BY n
         RETURNING seq)
       SELECT pg_notify($5, '') FROM (SELECT count(*) FROM stored) AS s`,
      [
        messages.map((m) => m.exchange),
        messages.map((m) => m.routingKey),
        encoded.map((e) => e.content),
        encoded.map((e) => e.properties),
        this.channel,
      ],
    );
    return encoded.map((e) => e.id);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 1_000);
    this.kick();
  }

  /** LISTEN on a connection of its own; when the database drops it, listens again with back-off. */
  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', () => this.kick());
    client.on('error', (err) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.release(err);
      this.logger.warn(`outbox listener lost: ${err.message}; listening again`);
      this.relisten();
    });
    try {
      await client.query(`LISTEN ${this.channel}`);
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    if (this.stopped) {
      client.release(true);
      return;
    }
    this.listener = client;
    this.relistenDelayMs = 250;
  }

  private relisten(): void {
    const delay = this.relistenDelayMs;
    this.relistenDelayMs = Math.min(delay * 2, 10_000);
    this.relistenTimer = setTimeout(() => {
      if (this.stopped) return;
      this.listen().then(
        // what was committed while nobody listened
        () => this.kick(),
        (err: Error) => {
          this.logger.warn(`outbox listener: ${err.message}; retrying`);
          this.relisten();
        },
      );
    }, delay);
    this.relistenTimer.unref();
  }

  /** Relays what is waiting, now; concurrent kicks fold into one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.relayAll()
      .catch((err: Error) => this.logger.warn(`outbox relay: ${err.message}; retrying`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stops relaying after the pass in hand; what is left is published by the next start, here or elsewhere. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    clearTimeout(this.relistenTimer);
    await this.running;
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${this.channel}`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
  }

  private async relayAll(): Promise<void> {
    while (!this.stopped && (await this.relayBatch()) > 0);
  }

  /** One batch, oldest first, locked so that another instance's relay skips it rather than sending it twice. */
  private async relayBatch(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{
        seq: string;
        exchange: string;
        routing_key: string;
        content: Buffer;
        properties: Record<string, unknown>;
      }>(
        `SELECT seq, exchange, routing_key, content, properties FROM ${this.table}
          ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 200],
      );
      // handed to the channel in order, confirmed together
      await Promise.all(
        rows.map((row) => this.messaging.publisher.publish(row.exchange, row.routing_key, row.content, row.properties)),
      );
      if (rows.length > 0) {
        await client.query(`DELETE FROM ${this.table} WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      }
      await client.query('COMMIT');
      this.published += rows.length;
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
