import { Module } from '@nestjs/common';
import { SurveyCleanup } from './survey-cleanup.js';
import { SurveyPublicController } from './survey-public.controller.js';
import { SurveyController } from './survey.controller.js';
import { SurveyRepository } from './survey.repository.js';
import { SurveyService } from './survey.service.js';

/** Kundnöjdhet (issue 18): survey tokens for contacts, the kiosk and the link, and Nöjd-Kund-Index. */
@Module({
  controllers: [SurveyController, SurveyPublicController],
  providers: [SurveyRepository, SurveyService, SurveyCleanup],
  exports: [SurveyService],
})
export class SurveyModule {}
