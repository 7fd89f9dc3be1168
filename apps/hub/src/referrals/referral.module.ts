import { Module } from '@nestjs/common';
import { AgreementModule } from '../agreements/agreement.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { ConsentModule } from '../consents/consent.module.js';
import { ContactModule } from '../contacts/contact.module.js';
import { ReferralEventsController } from './referral-events.controller.js';
import { ReferralPolicy } from './referral-policy.js';
import { ReferralController } from './referral.controller.js';
import { ReferralRepository } from './referral.repository.js';
import { ReferralService } from './referral.service.js';

@Module({
  imports: [AgreementModule, CatalogueModule, ConsentModule, ContactModule],
  controllers: [ReferralController, ReferralEventsController],
  providers: [ReferralService, ReferralRepository, ReferralPolicy],
  exports: [ReferralService, ReferralRepository, ReferralPolicy],
})
export class ReferralModule {}
