import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { PoolClient } from 'pg';
import type { Envelope, ReferralStatusV1 } from '@hub/contracts';
import type { AmqpContext } from '@hub/messaging';
import { ReferralService } from './referral.service.js';

/** The agencies' status events, on the hub's events queue (messaging/hub-queues.ts). */
@Controller()
export class ReferralEventsController {
  constructor(private readonly referrals: ReferralService) {}

  @EventPattern<string>('referral.status.v1')
  async status(
    @Payload() envelope: Envelope<ReferralStatusV1>,
    @Ctx() context: AmqpContext<PoolClient>,
  ): Promise<void> {
    await this.referrals.recordStatus(context.getTransaction(), envelope);
  }
}
