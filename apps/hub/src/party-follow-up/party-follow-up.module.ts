import { Module } from '@nestjs/common';
import { PartyFollowUpController } from './party-follow-up.controller.js';
import { PartyFollowUpRepository } from './party-follow-up.repository.js';
import { PartyFollowUpService } from './party-follow-up.service.js';

@Module({
  controllers: [PartyFollowUpController],
  providers: [PartyFollowUpService, PartyFollowUpRepository],
  exports: [PartyFollowUpService],
})
export class PartyFollowUpModule {}
