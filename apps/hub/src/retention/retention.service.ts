import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditLog, subjectPeriodEnd, subjectPeriodStart } from '@hub/audit';
import { Transactions, type Queryable } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { apiException } from '../http/http-errors.js';
import {
  cutoffOf,
  DEFAULT_RETENTION,
  longestAuditYears,
  RETENTION_FIELDS,
  RETENTION_KINDS,
  shreddablePeriods,
  type RetentionKind,
  type RetentionPeriods,
} from './retention-periods.js';
import { RetentionRepository, type RetentionScope, type StoredRetention } from './retention.repository.js';
import type { RetentionRunView, RetentionSettingsView, SetRetentionDto } from './retention.dto.js';

/** What one kind's pass did: rows deleted or anonymised, all told and per organisation, and the related rows. */
export interface KindCount {
  rows: number;
  /** rows taken with them: consent signings, complaints, unfinished logins (counted in `rows` for sessions) */
  related: number;
  byOrganisation: Record<string, number>;
}

export interface RetentionRun {
  ran: boolean;
  /** why it did not run: another run holds the lock, or today's daily run is done */
  reason?: 'running-elsewhere' | 'done-today';
  runId?: number;
  asOf: Date;
  counts: Partial<Record<RetentionKind, KindCount>>;
  /** periods of subject keys destroyed by this run */
  shredded: string[];
  /** periods whose key is due but that still have records keyed in them, kept until those are gone */
  postponed: string[];
  /** the kinds that failed, with their error; the others ran */
  failed: Partial<Record<RetentionKind | 'subject-keys', string>>;
}

export interface RunOptions {
  /** the clock the run takes what is due by; only tests and demos move it (RETENTION_CLOCK_OVERRIDE) */
  asOf?: Date;
  /** a daily run is claimed once per day (UTC) across every instance; a manual run is not */
  trigger?: 'daily' | 'manual';
  /** rows per batch; default 5,000 */
  batchSize?: number;
}

const ACTOR = 'retention-job';
export const DEFAULT_BATCH = 5_000;

/**
 * Retention (gallring, docs/gallring.md). A municipality's admin sets its periods (audited); the job deletes or
 * anonymises what is due, organisation by organisation, in batches of short transactions that skip rows traffic has
 * locked; one run at a time across every instance (a PostgreSQL advisory lock), and at most one daily run per day.
 * Each kind ends with one audit entry of counts (no personal data). Then the subject keys of years whose records
 * and audit period are over are destroyed: their audit entries stay, and the chain checks, but lead to nobody.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('retention');
  private readonly instance = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly repository: RetentionRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    @Inject(HUB_CONFIG) private readonly config: Pick<HubConfig, 'retentionClockOverride'>,
  ) {}

  async settings(user: StaffUser): Promise<RetentionSettingsView> {
    return settingsView(user.organisation, await this.repository.settings(user.organisation));
  }

  /** Periods left out keep their value (the default where none was set); the change is audited with what it replaced. */
  async set(dto: SetRetentionDto, user: StaffUser): Promise<RetentionSettingsView> {
    const organisation = user.organisation;
    const stored = await this.transactions.run(async (tx) => {
      const before = await this.repository.lockSettings(organisation, tx);
      const current = before ? periodsOf(before) : { ...DEFAULT_RETENTION };
      const after: RetentionPeriods = { ...current };
      for (const field of RETENTION_FIELDS) {
        const value = dto[field];
        if (value !== undefined) after[field] = value;
      }
      const saved = await this.repository.upsertSettings(organisation, after, user.id, tx);
      await this.audit.append({
        kind: 'retention',
        actorKind: 'staff',
        actor: user.id,
        organisation,
        unit: user.unit ?? null,
        outcome: before ? 'changed' : 'set',
        details: { before: current, after },
      });
      return saved;
    });
    return settingsView(organisation, stored);
  }

  /** For the HTTP API: `asOf` only where the configuration allows moving the clock (tests, demos). */
  async runFromApi(asOf: string | undefined): Promise<RetentionRunView> {
    if (asOf !== undefined && !this.config.retentionClockOverride) {
      throw apiException('invalid-request', 'asOf is only accepted where RETENTION_CLOCK_OVERRIDE is on');
    }
    const at = asOf === undefined ? undefined : new Date(asOf);
    if (at !== undefined && Number.isNaN(at.getTime())) throw apiException('invalid-date', 'asOf is not a time');
    return runView(await this.run({ asOf: at, trigger: 'manual' }));
  }

  async recentRuns(limit = 20) {
    return this.repository.recentRuns(limit);
  }

  async run(options: RunOptions = {}): Promise<RetentionRun> {
    const asOf = options.asOf ?? new Date();
    const batch = options.batchSize ?? DEFAULT_BATCH;
    const result: RetentionRun = { ran: false, asOf, counts: {}, shredded: [], postponed: [], failed: {} };
    const lock = await this.repository.tryLock();
    if (!lock) return { ...result, reason: 'running-elsewhere' };
    try {
      let runId: number;
      if (options.trigger === 'daily') {
        const claimed = await this.repository.claimDaily(asOf.toISOString().slice(0, 10), asOf, this.instance);
        if (claimed === undefined) return { ...result, reason: 'done-today' };
        runId = claimed;
      } else {
        runId = await this.repository.startManual(asOf, this.instance);
      }
      result.ran = true;
      result.runId = runId;
      const organisations = await this.repository.organisations();
      const scopes: { scope: RetentionScope; periods: RetentionPeriods }[] = [
        ...organisations.map(({ organisation, settings }) => ({
          scope: { organisation },
          periods: settings ? periodsOf(settings) : DEFAULT_RETENTION,
        })),
        { scope: { unregistered: true }, periods: DEFAULT_RETENTION },
      ];
      for (const kind of RETENTION_KINDS) {
        const count: KindCount = { rows: 0, related: 0, byOrganisation: {} };
        try {
          for (const { scope, periods } of scopes) {
            const done = await this.runKind(kind, scope, cutoffOf(kind, periods, asOf), batch);
            count.rows += done.rows;
            count.related += done.related;
            if (done.rows + done.related > 0) {
              const key = 'organisation' in scope ? scope.organisation : 'unregistered';
              count.byOrganisation[key] = done.rows + done.related;
            }
          }
        } catch (err) {
          result.failed[kind] = (err as Error).message;
          this.logger.error(`retention of ${kind} failed: ${(err as Error).message}`);
        }
        result.counts[kind] = count;
        await this.audit.append({
          kind: 'retention',
          actorKind: 'service',
          actor: ACTOR,
          outcome: result.failed[kind] ? 'failed' : kind === 'contacts' ? 'anonymised' : 'deleted',
          correlationId: `retention-run-${runId}`,
          details: { run: runId, what: kind, asOf: asOf.toISOString(), ...count },
        });
      }
      await this.shred(
        organisations.map((o) => (o.settings ? periodsOf(o.settings) : DEFAULT_RETENTION)),
        result,
      );
      await this.repository.finishRun(
        runId,
        summary(result),
        Object.keys(result.failed).length ? 'partly failed' : null,
      );
      if (result.shredded.length || Object.values(result.counts).some((c) => c.rows + c.related > 0)) {
        this.logger.log(`retention run ${runId} as of ${asOf.toISOString()}: ${JSON.stringify(summary(result))}`);
      }
      return result;
    } finally {
      await lock.release();
    }
  }

  /** One kind for one scope, batch after batch until one comes back short. */
  private async runKind(kind: RetentionKind, scope: RetentionScope, cutoff: Date, batch: number) {
    let rows = 0;
    let related = 0;
    for (;;) {
      const done = await this.batchOf(kind, scope, cutoff, batch);
      rows += done.rows;
      related += done.related;
      if (!done.more) return { rows, related };
    }
  }

  private async batchOf(
    kind: RetentionKind,
    scope: RetentionScope,
    cutoff: Date,
    batch: number,
  ): Promise<{ rows: number; related: number; more: boolean }> {
    const repo = this.repository;
    const inTx = <T>(work: (tx: Queryable) => Promise<T>) => this.transactions.run(work);
    switch (kind) {
      case 'contacts': {
        const rows = await repo.anonymiseContacts(scope, cutoff, batch);
        return { rows, related: 0, more: rows === batch };
      }
      case 'consents': {
        const done = await inTx((tx) => repo.deleteConsents(scope, cutoff, batch, tx));
        return { rows: done.consents, related: done.signings, more: done.more };
      }
      case 'referrals': {
        const rows = await inTx((tx) => repo.deleteReferrals(scope, cutoff, batch, tx));
        return { rows, related: 0, more: rows === batch };
      }
      case 'errands': {
        const done = await inTx((tx) => repo.deleteErrands(scope, cutoff, batch, tx));
        return { rows: done.errands, related: done.complaints, more: done.more };
      }
      case 'query-outcomes': {
        const rows = await repo.deleteQueryOutcomes(scope, cutoff, batch);
        return { rows, related: 0, more: rows === batch };
      }
      case 'sessions': {
        const rows = await repo.deleteSessions(scope, cutoff, batch);
        return { rows, related: 0, more: rows === batch };
      }
    }
  }

  /**
   * Destroys the subject keys of years ended the longest audit period ago (and ended on this machine's clock too),
   * unless a record made in that year still holds a subject key: then the year waits for it. One audit entry.
   */
  private async shred(all: readonly RetentionPeriods[], result: RetentionRun): Promise<void> {
    const auditYears = longestAuditYears(all);
    try {
      const due = shreddablePeriods(await this.audit.subjectPeriods(), auditYears, result.asOf).filter(
        (period) => subjectPeriodEnd(period) <= new Date(),
      );
      const shred: string[] = [];
      for (const period of due) {
        const from = subjectPeriodStart(period);
        const to = subjectPeriodEnd(period);
        if (await this.repository.recordsKeyedBetween(from, to)) result.postponed.push(period);
        else shred.push(period);
      }
      result.shredded = await this.audit.shredSubjectPeriods(shred);
      for (const period of result.shredded) {
        await this.repository.forgetProtectedBetween(subjectPeriodStart(period), subjectPeriodEnd(period));
      }
    } catch (err) {
      result.failed['subject-keys'] = (err as Error).message;
      this.logger.error(`shredding subject keys failed: ${(err as Error).message}`);
    }
    await this.audit.append({
      kind: 'retention',
      actorKind: 'service',
      actor: ACTOR,
      outcome: result.failed['subject-keys'] ? 'failed' : 'shredded',
      correlationId: `retention-run-${result.runId}`,
      details: {
        run: result.runId ?? null,
        what: 'subject-keys',
        asOf: result.asOf.toISOString(),
        auditYears,
        shredded: result.shredded,
        postponed: result.postponed,
      },
    });
  }
}

function periodsOf(stored: StoredRetention): RetentionPeriods {
  return Object.fromEntries(RETENTION_FIELDS.map((f) => [f, stored[f]])) as unknown as RetentionPeriods;
}

function summary(run: RetentionRun) {
  return {
    counts: Object.fromEntries(Object.entries(run.counts).map(([k, c]) => [k, { rows: c.rows, related: c.related }])),
    shredded: run.shredded,
    postponed: run.postponed,
    failed: run.failed,
  };
}

export function settingsView(organisation: string, stored: StoredRetention | undefined): RetentionSettingsView {
  return {
    organisation,
    ...(stored ? periodsOf(stored) : DEFAULT_RETENTION),
    defaults: { ...DEFAULT_RETENTION },
    updatedAt: stored ? stored.updatedAt.toISOString() : null,
    updatedBy: stored ? stored.updatedBy : null,
  };
}

export function runView(run: RetentionRun): RetentionRunView {
  return {
    ran: run.ran,
    reason: run.reason ?? null,
    runId: run.runId ?? null,
    asOf: run.asOf.toISOString(),
    counts: Object.fromEntries(
      RETENTION_KINDS.map((kind) => [
        kind,
        { rows: run.counts[kind]?.rows ?? 0, related: run.counts[kind]?.related ?? 0 },
      ]),
    ) as RetentionRunView['counts'],
    shredded: run.shredded,
    postponed: run.postponed,
    failed: Object.keys(run.failed),
  };
}
