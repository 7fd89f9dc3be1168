import { Module } from '@nestjs/common';
import { AgreementModule } from '../agreements/agreement.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { OrganisationController } from './organisation.controller.js';
import { OrganisationRepository } from './organisation.repository.js';
import { OrganisationService } from './organisation.service.js';
import { UnitController } from './unit.controller.js';
import { UnitRepository } from './unit.repository.js';
import { UnitService } from './unit.service.js';

/** Onboarding: organisations registered by the hub's operators, units by each municipality's admin. */
@Module({
  imports: [AgreementModule, CatalogueModule],
  controllers: [OrganisationController, UnitController],
  providers: [OrganisationRepository, UnitRepository, OrganisationService, UnitService],
  exports: [OrganisationRepository, UnitRepository],
})
export class OrganisationModule {}
