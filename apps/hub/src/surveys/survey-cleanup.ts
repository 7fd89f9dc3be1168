import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SurveyService } from './survey.service.js';

const EVERY_MS = 60 * 60_000;

/**
 * Expired survey tokens (and kiosk pairings, kiosks and offers) are deleted: at start-up and every hour. Any number
 * of hub instances may run it at once (SurveyRepository.deleteExpired skips what another is deleting).
 */
@Injectable()
export class SurveyCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('surveys');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number | undefined>;

  constructor(private readonly surveys: SurveyService) {}

  onApplicationBootstrap(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One cleanup at a time in this instance: the tokens it deleted, or undefined when it failed. */
  run(now = new Date()): Promise<number | undefined> {
    this.running ??= this.surveys
      .cleanUp(now)
      .then(
        (deleted) => {
          if (deleted) this.logger.log(`${deleted} expired survey token(s) deleted`);
          return deleted;
        },
        (err: unknown) => {
          this.logger.warn(`survey token cleanup failed: ${(err as Error).message}`);
          return undefined;
        },
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
