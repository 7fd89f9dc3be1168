import { Module } from '@nestjs/common';
import { SurveyModule } from '../surveys/survey.module.js';
import { ContactRollup } from './contact-rollup.js';
import { FiguresRepository } from './figures.repository.js';
import { FollowUpController } from './follow-up.controller.js';
import { FollowUpRepository } from './follow-up.repository.js';
import { FollowUpService } from './follow-up.service.js';
import { TargetRepository } from './target.repository.js';
import { TargetService } from './target.service.js';

@Module({
  imports: [SurveyModule],
  controllers: [FollowUpController],
  providers: [ContactRollup, FollowUpService, FollowUpRepository, FiguresRepository, TargetService, TargetRepository],
  exports: [FollowUpService],
})
export class FollowUpModule {}
