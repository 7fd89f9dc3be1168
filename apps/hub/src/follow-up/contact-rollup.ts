import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { swedishDay } from '@hub/policy';
import { FiguresRepository } from './figures.repository.js';

/** Days rolled up per transaction, so that catching up on a year holds no lock for long. */
const DAYS_PER_RUN = 31;
const EVERY_MS = 10 * 60_000;

/**
 * Keeps the contacts' day rollup up to yesterday: at start-up and every ten minutes. Any number of hub instances may
 * run it; the database function serialises them and a day is rolled up once (see the migration ContactDayRollup).
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

  /** Rolls up every closed day not yet in the rollup; the day it now reaches, or undefined when it failed. */
  async run(now = new Date()): Promise<string | undefined> {
    const today = swedishDay(now);
    try {
      let before = await this.figures.rollUpContactDays(DAYS_PER_RUN);
      while (before < today) {
        const reached = await this.figures.rollUpContactDays(DAYS_PER_RUN);
        if (reached === before) break;
        before = reached;
      }
      return before;
    } catch (err) {
      this.logger.warn(`contact rollup failed: ${(err as Error).message}`);
      return undefined;
    }
  }
}
