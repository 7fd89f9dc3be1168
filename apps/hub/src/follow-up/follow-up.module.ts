import { Module } from '@nestjs/common';
import { FollowUpController } from './follow-up.controller.js';
import { FollowUpRepository } from './follow-up.repository.js';
import { FollowUpService } from './follow-up.service.js';

@Module({
  controllers: [FollowUpController],
  providers: [FollowUpService, FollowUpRepository],
})
export class FollowUpModule {}
