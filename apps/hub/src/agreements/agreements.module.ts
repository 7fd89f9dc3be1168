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
import { AgreementsController } from './agreements.controller.js';
import { AgreementsService } from './agreements.service.js';

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
  controllers: [AgreementsController],
  providers: [AgreementsService, AgreementExpiry],
  exports: [AgreementsService],
})
export class AgreementsModule {}
