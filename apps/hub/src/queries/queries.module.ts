import { Module } from '@nestjs/common';
import { AgreementModule } from '../agreements/agreement.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { ConsentModule } from '../consents/consent.module.js';
import { QueriesController } from './queries.controller.js';
import { QueryService } from './query.service.js';

@Module({
  imports: [AgreementModule, CatalogueModule, ConsentModule],
  controllers: [QueriesController],
  providers: [QueryService],
})
export class QueriesModule {}
