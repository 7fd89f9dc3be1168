import { Module } from '@nestjs/common';
import { AgreementModule } from '../agreements/agreement.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { ConsentModule } from '../consents/consent.module.js';
import { ContactModule } from '../contacts/contact.module.js';
import { QueryController } from './query.controller.js';
import { QueryRepository } from './query.repository.js';
import { QueryService } from './query.service.js';

@Module({
  imports: [AgreementModule, CatalogueModule, ConsentModule, ContactModule],
  controllers: [QueryController],
  providers: [QueryService, QueryRepository],
})
export class QueryModule {}
