import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { AuditCheckpoints } from './audit-checkpoints.js';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditController } from './audit.controller.js';

@Module({
  imports: [CatalogueModule],
  controllers: [AuditController, AuditEventsController],
  providers: [AuditCheckpoints],
  exports: [AuditCheckpoints],
})
export class AuditModule {}
