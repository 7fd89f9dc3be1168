import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { AgreementExpiry } from './agreement-expiry.js';
import { AgreementController } from './agreement.controller.js';
import { AgreementRepository } from './agreement.repository.js';
import { AgreementService } from './agreement.service.js';

@Module({
  imports: [CatalogueModule],
  controllers: [AgreementController],
  providers: [AgreementService, AgreementRepository, AgreementExpiry],
  exports: [AgreementService],
})
export class AgreementModule {}
