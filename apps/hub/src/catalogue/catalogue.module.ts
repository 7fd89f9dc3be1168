import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueEventsController } from './catalogue-events.controller.js';
import { CatalogueController } from './catalogue.controller.js';
import { AgencyCatalogueEntity } from './catalogue.entity.js';
import { CatalogueService } from './catalogue.service.js';
import { TrustedAgencies } from '../messaging/trusted-agencies.js';

@Module({
  imports: [TypeOrmModule.forFeature([AgencyCatalogueEntity])],
  controllers: [CatalogueController, CatalogueEventsController],
  // the agencies' adapters are trusted from the organisation registry before any consumer starts
  providers: [CatalogueService, TrustedAgencies],
  exports: [CatalogueService, TrustedAgencies],
})
export class CatalogueModule {}
