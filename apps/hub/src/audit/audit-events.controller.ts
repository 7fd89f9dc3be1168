import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { PoolClient } from 'pg';
import type { AuditWitnessedV1, Envelope } from '@hub/contracts';
import { BrokerController, type AmqpContext } from '@hub/messaging';
import { AuditCheckpoints } from './audit-checkpoints.js';

/** The agencies' cosignatures of audit checkpoints, on the hub's events queue (messaging/hub-queues.ts). */
@BrokerController()
export class AuditEventsController {
  constructor(private readonly checkpoints: AuditCheckpoints) {}

  @EventPattern<string>('audit.witnessed.v1')
  async witnessed(
    @Payload() envelope: Envelope<AuditWitnessedV1>,
    @Ctx() context: AmqpContext<PoolClient>,
  ): Promise<void> {
    await this.checkpoints.recordWitness(context.getTransaction(), envelope, context.getRawMessage());
  }
}
