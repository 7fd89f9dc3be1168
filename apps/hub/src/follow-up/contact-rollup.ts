import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { swedishDay } from '@hub/policy';
import { FiguresRepository } from './figures.repository.js';

/** Days rolled up per transaction, so that catching up on a year holds no lock for long. */
const DAYS_PER_RUN = 31;
const EVERY_MS = 10 * 60_000;

/**
 * Keeps the contacts' and the query outcomes' day rollups up to yesterday: at start-up and every ten minutes. Any
 * number of hub instances may run it; the database functions serialise them and a day is rolled up once (see the
 * migrations ContactDayRollup and FollowUpMonthRollup). The month rollup follows the contacts' days by itself.
 */
@Injectable()
export class ContactRollup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('follow-up');
  private timer?: NodeJS.Timeout;

  constructor(private readonly figures: FiguresRepository) {}

  onApplicationBootstrap(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Rolls up every closed day not yet in the rollups; the day the contacts' rollup now reaches, or undefined when
   * it failed (the query outcomes' is rolled up after it, and a failure of it is logged).
   */
  async run(now = new Date()): Promise<string | undefined> {
    const contacts = await this.catchUp('contact', (days) => this.figures.rollUpContactDays(days), now);
    await this.catchUp('query outcome', (days) => this.figures.rollUpQueryDays(days), now);
    return contacts;
  }

  private async catchUp(
    what: string,
    rollUp: (maxDays: number) => Promise<string>,
    now: Date,
  ): Promise<string | undefined> {
    const today = swedishDay(now);
    try {
      let before = await rollUp(DAYS_PER_RUN);
      while (before < today) {
        const reached = await rollUp(DAYS_PER_RUN);
        if (reached === before) break;
        before = reached;
      }
      return before;
    } catch (err) {
      this.logger.warn(`${what} rollup failed: ${(err as Error).message}`);
      return undefined;
    }
  }
}
