import { Module } from '@nestjs/common';
import { CatalogueEventsController } from './catalogue-events.controller.js';
import { CatalogueController } from './catalogue.controller.js';
import { CatalogueRepository } from './catalogue.repository.js';
import { CatalogueService } from './catalogue.service.js';
import { TrustedAgencies } from '../messaging/trusted-agencies.js';

@Module({
  controllers: [CatalogueController, CatalogueEventsController],
  // the agencies' adapters are trusted from the organisation registry before any consumer starts
  providers: [CatalogueService, CatalogueRepository, TrustedAgencies],
  exports: [CatalogueService, TrustedAgencies],
})
export class CatalogueModule {}
