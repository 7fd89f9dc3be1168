import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { AgreementExpiry } from './agreement-expiry.js';
import {
  AgreementEntity,
  AgreementEventEntity,
  AgreementVersionEntity,
  OrganisationEntity,
  UnitEntity,
} from './agreement.entities.js';
import { AgreementController } from './agreement.controller.js';
import { AgreementService } from './agreement.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      OrganisationEntity,
      UnitEntity,
      AgreementEntity,
      AgreementVersionEntity,
      AgreementEventEntity,
    ]),
    CatalogueModule,
  ],
  controllers: [AgreementController],
  providers: [AgreementService, AgreementExpiry],
  exports: [AgreementService],
})
export class AgreementModule {}
