import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type * as amqp from 'amqplib';
import type pg from 'pg';
import {
  AuditLog,
  verifyOutcome,
  type Checkpoint,
  type CheckpointOutcome,
  type SubjectPeriod,
  type VerifyOutcome,
  type VerifyResult,
} from '@hub/audit';
import { agencyService, EXCHANGES, HEADERS, routingKeys, type AuditWitnessedV1, type Envelope } from '@hub/contracts';
import { Transactions } from '@hub/database';
import { PgOutbox } from '@hub/messaging';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { PG_POOL } from '../core/core.module.js';

/** The latest checkpoint one agency cosigned, as the hub holds it. */
export interface WitnessedCheckpoint {
  agency: string;
  position: number;
  hash: string;
  verdict: string;
  witnessedAt: string;
}

export interface CheckpointVerification {
  /** the agency whose checkpoint it is, or null for one the caller gave */
  witness: string | null;
  position: number;
  hash: string;
  witnessedAt: string | null;
  outcome: CheckpointOutcome;
  detail: string;
}

export interface AnchoredVerification {
  ok: boolean;
  outcome: VerifyOutcome;
  rows: number;
  /** the head now: what a caller anchors on for the next verification */
  head: { position: number; hash: string } | null;
  firstBroken?: VerifyResult['firstBroken'];
  checkpoints: CheckpointVerification[];
  /** the periods of subject keys, oldest first: which are shredded, and how many entries of each carry a subject key */
  subjectPeriods: SubjectPeriod[];
}

/**
 * The hub's side of the anchored audit log: it signs its chain head and publishes it to every agency when the head
 * has moved (on an interval), records the agencies' cosignatures, and verifies the log against the checkpoints the
 * agencies witnessed, so that cutting the end of the log, or rewriting it, shows.
 */
@Injectable()
export class AuditCheckpoints implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('audit checkpoints');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly audit: AuditLog,
    private readonly outbox: PgOutbox,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly transactions: Transactions,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.publish().catch((err: unknown) =>
        this.logger.warn(`audit checkpoint not published: ${(err as Error).message}`),
      );
    }, this.config.auditCheckpointMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Publishes the head unless it is the one published last (by any instance); a head that went back or changed is
   * published too, so that the witnesses see it. Returns the checkpoint, or undefined when there was nothing new.
   */
  async publish(): Promise<Checkpoint | undefined> {
    const head = await this.audit.head();
    if (!head || head.seq === 0) return undefined;
    return this.transactions.run(async (tx) => {
      // one publisher at a time across instances; the lock ends with the transaction
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['hub.audit_checkpoint']);
      const { rows } = await tx.query<{ position: string; hash: string }>(
        `SELECT position, hash FROM hub.audit_checkpoint ORDER BY taken_at DESC, position DESC LIMIT 1`,
      );
      const last = rows[0];
      if (last && Number(last.position) === head.seq && last.hash === head.hash) return undefined;
      const takenAt = new Date().toISOString();
      const id = await this.outbox.enqueue(
        tx,
        EXCHANGES.event,
        routingKeys.auditCheckpoint(),
        { type: 'audit.checkpoint.v1', payload: { position: head.seq, hash: head.hash, takenAt } },
        // no agency deployed is no reason to fail: the checkpoint is then simply unwitnessed
        { broadcast: true },
      );
      await tx.query(
        `INSERT INTO hub.audit_checkpoint (message_id, position, hash, taken_at) VALUES ($1, $2, $3, $4)`,
        [id, head.seq, head.hash, takenAt],
      );
      return { position: head.seq, hash: head.hash };
    });
  }

  /** Keeps an agency's cosignature with its signed message; only the agency's own adapter speaks for it. */
  async recordWitness(
    tx: pg.PoolClient,
    envelope: Envelope<AuditWitnessedV1>,
    raw: amqp.ConsumeMessage,
  ): Promise<void> {
    const { agency, checkpointId, position, hash, verdict } = envelope.payload;
    const adapter = agencyService(agency);
    if (envelope.sender.service !== adapter) {
      this.logger.warn(`refused cosignature ${envelope.id}: sent by ${envelope.sender.service}, not ${adapter}`);
      return;
    }
    // an agency may cosign what the hub published, not a head it made up: that would make the log look forked
    const published = await tx.query(
      `SELECT 1 FROM hub.audit_checkpoint WHERE message_id = $1 AND position = $2 AND hash = $3`,
      [checkpointId, position, hash],
    );
    if (published.rowCount === 0) {
      this.logger.warn(`refused cosignature ${envelope.id} from ${agency}: the hub published no such checkpoint`);
      return;
    }
    if (verdict !== 'consistent') {
      this.logger.error(
        `${agency} reports the audit checkpoint at ${position} (${hash}) as a ${verdict} of the log it witnessed`,
      );
    }
    await tx.query(
      `INSERT INTO hub.audit_witness
         (message_id, agency, checkpoint_id, position, hash, verdict, witnessed_at, body, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (message_id) DO NOTHING`,
      [
        envelope.id,
        agency,
        checkpointId,
        position,
        hash,
        verdict,
        envelope.issuedAt,
        raw.content,
        String(raw.properties.headers?.[HEADERS.signature] ?? ''),
      ],
    );
  }

  /** Per agency, the cosigned checkpoint at the highest position (the first received of its position). */
  async latestWitnessed(): Promise<WitnessedCheckpoint[]> {
    const { rows } = await this.pool.query<{
      agency: string;
      position: string;
      hash: string;
      verdict: string;
      witnessed_at: Date;
    }>(
      `SELECT DISTINCT ON (agency) agency, position, hash, verdict, witnessed_at
       FROM hub.audit_witness ORDER BY agency, position DESC, received_at`,
    );
    return rows.map((r) => ({
      agency: r.agency,
      position: Number(r.position),
      hash: r.hash,
      verdict: r.verdict,
      witnessedAt: r.witnessed_at.toISOString(),
    }));
  }

  /** Walks the whole chain and compares it with `checkpoint`, or else with every agency's latest witnessed one. */
  async verify(checkpoint?: Checkpoint): Promise<AnchoredVerification> {
    const against: Array<Omit<CheckpointVerification, 'outcome' | 'detail'>> = checkpoint
      ? [{ witness: null, position: checkpoint.position, hash: checkpoint.hash, witnessedAt: null }]
      : (await this.latestWitnessed()).map((w) => ({
          witness: w.agency,
          position: w.position,
          hash: w.hash,
          witnessedAt: w.witnessedAt,
        }));
    const [result, subjectPeriods] = await Promise.all([
      this.audit.verify({ checkpoints: against }),
      this.audit.subjectPeriods({ countEntries: true }),
    ]);
    const checks = result.checkpoints ?? [];
    const outcome = verifyOutcome(result.firstBroken?.reason, checks);
    return {
      ok: outcome === 'ok',
      outcome,
      rows: result.rows,
      head: result.head && { position: result.head.seq, hash: result.head.hash },
      ...(result.firstBroken && { firstBroken: result.firstBroken }),
      checkpoints: against.map((c, i) => ({ ...c, ...checks[i]! })),
      subjectPeriods,
    };
  }
}
