import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { PoolClient } from 'pg';
import type { Envelope, ReferralStatusV1 } from '@hub/contracts';
import { BrokerController, type AmqpContext } from '@hub/messaging';
import { ReferralService } from './referral.service.js';

/** The agencies' status events, on the hub's events queue (messaging/hub-queues.ts). */
@BrokerController()
export class ReferralEventsController {
  constructor(private readonly referrals: ReferralService) {}

  /** Events that arrive together are recorded together, in one transaction. */
  @EventPattern<string>('referral.status.v1', { batch: true })
  async statuses(
    @Payload() envelopes: Envelope<ReferralStatusV1>[],
    @Ctx() context: AmqpContext<PoolClient>,
  ): Promise<void> {
    await this.referrals.recordStatuses(context.getTransaction(), envelopes);
  }
}
