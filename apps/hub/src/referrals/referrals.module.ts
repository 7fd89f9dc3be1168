import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { ConsentModule } from '../consents/consent.module.js';
import { ReferralEventsController } from './referral-events.controller.js';
import { ReferralService } from './referral.service.js';
import { ReferralsController } from './referrals.controller.js';

@Module({
  imports: [AgreementsModule, CatalogueModule, ConsentModule],
  controllers: [ReferralsController, ReferralEventsController],
  providers: [ReferralService],
  exports: [ReferralService],
})
export class ReferralsModule {}
