import type * as amqp from 'amqplib';
import type pg from 'pg';
import { witnessVerdict, type WitnessVerdict } from '@hub/audit';
import { EXCHANGES, HEADERS, routingKeys, type AuditCheckpointV1, type Envelope } from '@hub/contracts';
import type { ConnectionLogger, PgOutbox } from '@hub/messaging';

export const auditWitnessDdl = (schema: string) => `
  CREATE SCHEMA IF NOT EXISTS ${schema};
  CREATE TABLE IF NOT EXISTS ${schema}.audit_checkpoint (
    message_id  uuid        PRIMARY KEY,
    position    bigint      NOT NULL CHECK (position >= 0),
    hash        text        NOT NULL,
    taken_at    timestamptz NOT NULL,
    issued_at   timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    verdict     text        NOT NULL CHECK (verdict IN ('consistent', 'rollback', 'fork')),
    body        bytea       NOT NULL,
    signature   text        NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_checkpoint_position ON ${schema}.audit_checkpoint (position DESC, received_at);
`;

/** A checkpoint as the witness holds it, with the hub's signed message so that anyone can check it again. */
export interface HeldCheckpoint {
  position: number;
  hash: string;
  takenAt: string;
  issuedAt: string;
  receivedAt: string;
  verdict: WitnessVerdict;
  /** the audit.checkpoint.v1 message exactly as the hub signed it: the body (base64) and its detached JWS */
  message: { id: string; sender: string; body: string; signature: string };
}

interface CheckpointRow {
  message_id: string;
  position: string;
  hash: string;
  taken_at: Date;
  issued_at: Date;
  received_at: Date;
  verdict: WitnessVerdict;
  body: Buffer;
  signature: string;
}

/**
 * The agency as a witness of the hub's audit log: it keeps every checkpoint the hub publishes, with the hub's
 * signature, refuses to let the log go back (a lower position, or the same position with another hash, is kept as
 * evidence and logged), and cosigns what it now holds with `audit.witnessed.v1`. The hub cannot unsay a checkpoint
 * it signed, and an auditor can take the latest from here rather than from the hub it is checking.
 */
export class AuditWitness {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly agency: string,
    private readonly outbox: PgOutbox,
    private readonly logger: ConnectionLogger,
  ) {}

  async migrate(): Promise<void> {
    await this.pool.query(auditWitnessDdl(this.schema));
  }

  async record(tx: pg.PoolClient, envelope: Envelope<AuditCheckpointV1>, raw: amqp.ConsumeMessage): Promise<void> {
    const signature = raw.properties.headers?.[HEADERS.signature];
    // the transport refuses unsigned persistent messages; without the signature there is no evidence to keep
    if (typeof signature !== 'string') throw new Error(`checkpoint ${envelope.id} arrived without its signature`);
    const { position, hash, takenAt } = envelope.payload;
    // instances of the adapter judge one checkpoint at a time against the same latest
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${this.schema}.audit_checkpoint`]);
    const latest = await this.latestIn(tx);
    const verdict = witnessVerdict(latest, { position, hash });
    if (verdict !== 'consistent') {
      this.logger.warn(
        `audit checkpoint ${envelope.id} is a ${verdict}: position ${position} hash ${hash}, but the latest held is ` +
          `position ${latest!.position} hash ${latest!.hash}; both kept as evidence`,
      );
    }
    await tx.query(
      `INSERT INTO ${this.schema}.audit_checkpoint
         (message_id, position, hash, taken_at, issued_at, verdict, body, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [envelope.id, position, hash, takenAt, envelope.issuedAt, verdict, raw.content, signature],
    );
    await this.outbox.enqueue(tx, EXCHANGES.event, routingKeys.auditWitnessed(this.agency), {
      type: 'audit.witnessed.v1',
      correlationId: envelope.id,
      payload: { agency: this.agency, checkpointId: envelope.id, position, hash, verdict },
    });
  }

  /** The checkpoint at the highest position held (the first received of its position): what to anchor on. */
  async latest(): Promise<HeldCheckpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>(`${this.select} ORDER BY position DESC, received_at LIMIT 1`);
    return rows[0] && held(rows[0]);
  }

  /** The checkpoints held, newest received first, rollbacks and forks included. */
  async list(limit: number): Promise<HeldCheckpoint[]> {
    const { rows } = await this.pool.query<CheckpointRow>(`${this.select} ORDER BY received_at DESC LIMIT $1`, [limit]);
    return rows.map(held);
  }

  private async latestIn(tx: pg.PoolClient): Promise<{ position: number; hash: string } | undefined> {
    const { rows } = await tx.query<{ position: string; hash: string }>(
      `SELECT position, hash FROM ${this.schema}.audit_checkpoint ORDER BY position DESC, received_at LIMIT 1`,
    );
    return rows[0] && { position: Number(rows[0].position), hash: rows[0].hash };
  }

  private get select(): string {
    return `SELECT message_id, position, hash, taken_at, issued_at, received_at, verdict, body, signature
            FROM ${this.schema}.audit_checkpoint`;
  }
}

function held(row: CheckpointRow): HeldCheckpoint {
  const envelope = JSON.parse(row.body.toString('utf8')) as Envelope;
  return {
    position: Number(row.position),
    hash: row.hash,
    takenAt: row.taken_at.toISOString(),
    issuedAt: row.issued_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
    verdict: row.verdict,
    message: {
      id: row.message_id,
      sender: envelope.sender.service,
      body: row.body.toString('base64'),
      signature: row.signature,
    },
  };
}
