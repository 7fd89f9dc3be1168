import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { PoolClient } from 'pg';
import type { Envelope, ErrandStatusV1 } from '@hub/contracts';
import { BrokerController, type AmqpContext } from '@hub/messaging';
import { ErrandService } from './errand.service.js';

/** Status events from departments' own case systems, on the hub's events queue (messaging/hub-queues.ts). */
@BrokerController()
export class ErrandEventsController {
  constructor(private readonly errands: ErrandService) {}

  @EventPattern<string>('errand.status.v1', { batch: true })
  async statuses(@Payload() envelopes: Envelope<ErrandStatusV1>[], @Ctx() context: AmqpContext<PoolClient>) {
    await this.errands.recordStatuses(context.getTransaction(), envelopes);
  }
}
