import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AuditLog } from '@hub/audit';
import type { ReferralStatus } from '@hub/contracts';
import { MessagingClient } from '@hub/messaging';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { PG_POOL } from '../core/core.module.js';
import { HUB_QUEUES } from '../messaging/hub-queues.js';
import { QueueProbe, type QueueCounts } from './queue-probe.js';

/** Query answer times run from a few ms (a register lookup) to the 3 s default deadline and its 10 s maximum. */
export const QUERY_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Audit appends are batched: normally a few ms, a contended chain head some hundreds. */
export const AUDIT_APPEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** Agencies named in a query are free text within a pattern; those no catalogue knows share one label. */
export const UNKNOWN_AGENCY = 'unknown';

export interface QueryResultSample {
  agency: string;
  status: string;
  latencyMs?: number;
}

/**
 * The hub's Prometheus metrics, in a registry of its own (several hubs may run in one process, as in the tests).
 * Counters are recorded by the services; broker and outbox gauges are read when scraped.
 */
@Injectable()
export class HubMetrics implements OnModuleInit, OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly logger = new Logger('metrics');
  private readonly queries: Counter<'agency' | 'outcome'>;
  private readonly queryLatency: Histogram<'agency'>;
  private readonly referralsCreated: Counter<'agency'>;
  private readonly referralStatusEvents: Counter<'agency' | 'status'>;
  private readonly auditAppend: Histogram<'kind'>;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly messaging: MessagingClient,
    private readonly audit: AuditLog,
    private readonly catalogues: CatalogueService,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.queries = new Counter({
      name: 'samtjanst_queries_total',
      help: 'Agency results of multi-agency queries, by agency and outcome (ok, denied, timeout, error, not-included)',
      labelNames: ['agency', 'outcome'],
      registers,
    });
    this.queryLatency = new Histogram({
      name: 'samtjanst_query_latency_seconds',
      help: "Time from asking an agency to its answer or the query's deadline",
      labelNames: ['agency'],
      buckets: QUERY_LATENCY_BUCKETS,
      registers,
    });
    this.referralsCreated = new Counter({
      name: 'samtjanst_referrals_created_total',
      help: 'Referrals sent to an agency',
      labelNames: ['agency'],
      registers,
    });
    this.referralStatusEvents = new Counter({
      name: 'samtjanst_referral_status_events_total',
      help: "Status events on referrals' timelines after sent: from the agencies, and the hub's own withdrawals",
      labelNames: ['agency', 'status'],
      registers,
    });
    this.auditAppend = new Histogram({
      name: 'samtjanst_audit_append_seconds',
      help: 'Time until an audit entry is committed to the hash chain, by kind of entry',
      labelNames: ['kind'],
      buckets: AUDIT_APPEND_BUCKETS,
      registers,
    });
    this.registerRequestStats();
    this.registerOutboxGauges();
    this.registerQueueGauges();
    this.registerTableGauges();
  }

  onModuleInit(): void {
    timeAppends(this.audit, this.auditAppend);
  }

  onApplicationShutdown(): void {
    this.registry.clear();
  }

  recordQueryResults(results: readonly QueryResultSample[]): void {
    for (const result of results) {
      const agency = this.agencyLabel(result.agency);
      this.queries.inc({ agency, outcome: result.status });
      if (result.latencyMs !== undefined) this.queryLatency.observe({ agency }, result.latencyMs / 1_000);
    }
  }

  recordReferralCreated(agency: string): void {
    this.referralsCreated.inc({ agency });
  }

  recordReferralStatus(agency: string, status: ReferralStatus): void {
    this.referralStatusEvents.inc({ agency, status });
  }

  private agencyLabel(agency: string): string {
    return this.catalogues.catalogue(agency) ? agency : UNKNOWN_AGENCY;
  }

  /** The request client counts late and refused replies itself; the counters follow its totals when scraped. */
  private registerRequestStats(): void {
    const registers = [this.registry];
    const stats = () => this.messaging.requests.stats;
    const followTotal = (name: string, help: string, total: () => number) => {
      let counted = 0;
      new Counter({
        name,
        help,
        registers,
        collect() {
          const now = total();
          if (now > counted) this.inc(now - counted);
          counted = now;
        },
      });
    };
    followTotal(
      'samtjanst_late_replies_total',
      "Query replies that arrived after the query's deadline and were dropped",
      () => stats().lateReplies,
    );
    followTotal(
      'samtjanst_rejected_replies_total',
      'Query replies refused by the message checks (signature, sender, schema)',
      () => stats().rejectedReplies,
    );
    new Gauge({
      name: 'samtjanst_requests_in_flight',
      help: 'Query requests sent to agencies and waiting for an answer or their deadline',
      registers,
      collect() {
        this.set(stats().inFlight);
      },
    });
  }

  private registerOutboxGauges(): void {
    const registers = [this.registry];
    const pool = this.pool;
    const logger = this.logger;
    let round: Promise<{ rows: number; oldestSeconds: number }> | undefined;
    // both gauges of one scrape share one query; NaN says "unknown" when the database does not answer
    const backlog = () =>
      (round ??= pool
        .query<{ rows: number; oldest_seconds: number | null }>(
          `SELECT count(*)::int AS rows, extract(epoch FROM now() - min(created_at))::float8 AS oldest_seconds
             FROM hub.outbox`,
        )
        .then(
          ({ rows: [row] }) => ({ rows: row.rows, oldestSeconds: row.oldest_seconds ?? 0 }),
          (err: Error) => {
            logger.warn(`outbox backlog unknown: ${err.message}`);
            return { rows: NaN, oldestSeconds: NaN };
          },
        )
        .finally(() => (round = undefined)));
    new Gauge({
      name: 'samtjanst_outbox_backlog',
      help: 'Messages stored in the outbox and not yet confirmed by the broker',
      registers,
      async collect() {
        this.set((await backlog()).rows);
      },
    });
    new Gauge({
      name: 'samtjanst_outbox_oldest_seconds',
      help: 'Age of the oldest message waiting in the outbox; 0 when it is empty',
      registers,
      async collect() {
        this.set((await backlog()).oldestSeconds);
      },
    });
  }

  private registerQueueGauges(): void {
    const registers = [this.registry];
    const queues = HUB_QUEUES.map((spec) => spec.queue);
    const probe = new QueueProbe(this.messaging.consumeConnection, queues);
    const gauge = (
      name: string,
      help: string,
      read: (counts: Map<string, QueueCounts>, queue: string) => number | undefined,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['queue'],
        registers,
        async collect() {
          const counts = await probe.check();
          this.reset();
          for (const queue of queues) {
            const value = read(counts, queue);
            if (value !== undefined) this.set({ queue }, value);
          }
        },
      });
    gauge(
      'samtjanst_queue_messages',
      "Messages ready in the hub's own queues",
      (counts, queue) => counts.get(queue)?.messages,
    );
    gauge(
      'samtjanst_queue_consumers',
      "Consumers on the hub's own queues",
      (counts, queue) => counts.get(queue)?.consumers,
    );
  }

  /** Read from the database when scraped: referrals by their status now, and parked messages nobody has handled. */
  private registerTableGauges(): void {
    const registers = [this.registry];
    const pool = this.pool;
    const logger = this.logger;
    const rows = async <Row extends pg.QueryResultRow>(sql: string): Promise<Row[] | undefined> =>
      pool.query<Row>(sql).then(
        (result) => result.rows,
        (err: Error) => {
          logger.warn(`metrics query failed: ${err.message}`);
          return undefined;
        },
      );
    new Gauge({
      name: 'samtjanst_referrals',
      help: 'Referrals by agency and their status now',
      labelNames: ['agency', 'status'],
      registers,
      async collect() {
        const found = await rows<{ agency: string; status: string; n: number }>(
          `SELECT agency, status, count(*)::int AS n FROM hub.referral GROUP BY agency, status`,
        );
        if (!found) return;
        this.reset();
        for (const row of found) this.set({ agency: row.agency, status: row.status }, row.n);
      },
    });
    new Gauge({
      name: 'samtjanst_parked_messages',
      help: 'Parked messages waiting for an administrator, per queue they were parked from (the hub and the adapters)',
      labelNames: ['queue'],
      registers,
      async collect() {
        const found = await rows<{ queue: string; n: number }>(
          `SELECT queue, count(*)::int AS n FROM hub.parked_message WHERE state = 'parked' GROUP BY queue`,
        );
        if (!found) return;
        this.reset();
        for (const queue of HUB_QUEUES.map((spec) => spec.queue)) this.set({ queue }, 0);
        for (const row of found) this.set({ queue: row.queue }, row.n);
      },
    });
  }
}

/** Measures every audit append of the hub, whichever service makes it, by wrapping the shared log's method. */
function timeAppends(audit: AuditLog, histogram: Histogram<'kind'>): void {
  const append = audit.append.bind(audit);
  audit.append = (entry) => {
    const stop = histogram.startTimer({ kind: entry.kind });
    return append(entry).finally(() => stop());
  };
}
