import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { PoolClient } from 'pg';
import type { CatalogueAnnouncedV1, Envelope } from '@hub/contracts';
import { BrokerController, type AmqpContext } from '@hub/messaging';
import { CatalogueService } from './catalogue.service.js';

/** Adapters announce their catalogues on hub.event; the hub's events queue (messaging/hub-queues.ts) carries them. */
@BrokerController()
export class CatalogueEventsController {
  constructor(private readonly catalogues: CatalogueService) {}

  @EventPattern<string>('catalogue.announced.v1')
  async announced(
    @Payload() envelope: Envelope<CatalogueAnnouncedV1>,
    @Ctx() context: AmqpContext<PoolClient>,
  ): Promise<void> {
    await this.catalogues.announce(context.getTransaction(), envelope);
  }
}
