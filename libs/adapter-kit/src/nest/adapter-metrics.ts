import { Controller, Get, Header, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AdapterConfig } from '../adapter.config.js';
import { ADAPTER_CONFIG, ADAPTER_POOL } from './adapter.tokens.js';
import { AgencyRoles, ScrapeTokenAccepted } from './caseworker-auth.guard.js';

/** An adapter answers from its register in milliseconds; simulated latency and faults stretch that to seconds. */
const ANSWER_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The adapter's own view: what it answered, how fast, and its referral inbox by status. */
@Injectable()
export class AdapterMetrics implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly queries: Counter<'outcome'>;
  private readonly answerTime: Histogram;

  constructor(@Inject(ADAPTER_POOL) pool: pg.Pool, @Inject(ADAPTER_CONFIG) config: AdapterConfig) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.queries = new Counter({
      name: 'samtjanst_adapter_queries_total',
      help: 'Queries this adapter answered, by outcome (the reply status, or error when it could not answer)',
      labelNames: ['outcome'],
      registers,
    });
    this.answerTime = new Histogram({
      name: 'samtjanst_adapter_answer_seconds',
      help: 'Time from taking a query to having its reply',
      buckets: ANSWER_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'samtjanst_adapter_referrals',
      help: "Referrals in the agency's inbox by their status now",
      labelNames: ['status'],
      registers,
      async collect() {
        const { rows } = await pool.query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM ${config.schema}.referral GROUP BY status`,
        );
        this.reset();
        for (const row of rows) this.set({ status: row.status }, row.n);
      },
    });
  }

  recordQuery(outcome: string, startedAt: bigint): void {
    this.queries.inc({ outcome });
    this.answerTime.observe(Number(process.hrtime.bigint() - startedAt) / 1e9);
  }

  onApplicationShutdown(): void {
    this.registry.clear();
  }
}

@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
export class AdapterMetricsController {
  constructor(private readonly metrics: AdapterMetrics) {}

  @Get()
  @AgencyRoles('agency-admin')
  @ScrapeTokenAccepted()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics of this adapter; for the agency’s admins, or with METRICS_TOKEN' })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
