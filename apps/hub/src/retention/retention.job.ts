import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { RetentionService, type RetentionRun } from './retention.service.js';

/**
 * The daily retention run. Every instance looks every RETENTION_JOB_INTERVAL_MS (an hour) whether today's run (UTC)
 * is done; the first to claim the day runs it, the others find it claimed. A day whose claimant stopped half-way is
 * caught up the next day: what is due is found by its age, not by the day.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('retention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<RetentionRun>;

  constructor(
    private readonly retention: RetentionService,
    @Inject(HUB_CONFIG) private readonly config: Pick<HubConfig, 'retentionJobIntervalMs'>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.retentionJobIntervalMs === 0) return;
    this.timer = setInterval(() => void this.tick(), this.config.retentionJobIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Today's run, if no instance has done it; one at a time in this instance. */
  tick(now = new Date()): Promise<RetentionRun | undefined> {
    this.running ??= this.retention.run({ asOf: now, trigger: 'daily' }).finally(() => (this.running = undefined));
    return this.running.catch((err: unknown) => {
      this.logger.error(`the retention run failed: ${(err as Error).message}`);
      return undefined;
    });
  }
}
