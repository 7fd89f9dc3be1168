import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueEventsController } from './catalogue-events.controller.js';
import { CatalogueController } from './catalogue.controller.js';
import { AgencyCatalogueEntity } from './catalogue.entity.js';
import { CatalogueService } from './catalogue.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AgencyCatalogueEntity])],
  controllers: [CatalogueController, CatalogueEventsController],
  providers: [CatalogueService],
  exports: [CatalogueService],
})
export class CatalogueModule {}
