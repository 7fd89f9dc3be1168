import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { OrganisationModule } from '../organisations/organisation.module.js';
import { ConsentSigningController } from './consent-signing.controller.js';
import { ConsentSigningRepository } from './consent-signing.repository.js';
import { ConsentSigningService } from './consent-signing.service.js';
import { ConsentController } from './consent.controller.js';
import { ConsentRepository } from './consent.repository.js';
import { ConsentService } from './consent.service.js';
import { EidClient } from './eid-client.js';

@Module({
  imports: [CatalogueModule, OrganisationModule],
  controllers: [ConsentController, ConsentSigningController],
  providers: [ConsentService, ConsentRepository, ConsentSigningService, ConsentSigningRepository, EidClient],
  exports: [ConsentService],
})
export class ConsentModule {}
