import { Module } from '@nestjs/common';
import { CatalogueEventsController } from './catalogue-events.controller.js';
import { CatalogueController } from './catalogue.controller.js';
import { CatalogueRepository } from './catalogue.repository.js';
import { CatalogueService } from './catalogue.service.js';

@Module({
  controllers: [CatalogueController, CatalogueEventsController],
  providers: [CatalogueService, CatalogueRepository],
  exports: [CatalogueService],
})
export class CatalogueModule {}
