import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AgreementService } from './agreement.service.js';

/** Agreements past their last day expire by themselves: at start-up and every minute after. */
@Injectable()
export class AgreementExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('agreements');
  private timer?: NodeJS.Timeout;

  constructor(private readonly agreements: AgreementService) {}

  onApplicationBootstrap(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      const expired = await this.agreements.expireDue();
      if (expired) this.logger.log(`${expired} agreement version(s) expired`);
    } catch (err) {
      this.logger.warn(`expiry check failed: ${(err as Error).message}`);
    }
  }
}
