import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { FollowUpQuery } from '../follow-up/follow-up.dto.js';
import { KioskPairingView, NkiView, OfferSurveyDto } from './survey.dto.js';
import { SurveyService } from './survey.service.js';

@ApiTags('surveys')
@ApiBearerAuth()
@Controller()
export class SurveyController {
  constructor(private readonly surveys: SurveyService) {}

  @Post('surveys/kiosk-pairings')
  @Roles('guide', 'caseworker', 'manager')
  @ApiOperation({
    summary: 'A one-time code (10 minutes) that pairs a tablet at /enkat as the kiosk of the caller’s unit',
    description: 'The tablet trades it for a key of its own at POST /api/public/survey-kiosks/pair. Audited.',
  })
  @ApiCreatedResponse({ type: KioskPairingView })
  @ApiForbiddenResponse({ description: 'no-unit, role-not-allowed' })
  pairing(@CurrentUser() user: StaffUser): Promise<KioskPairingView> {
    return this.surveys.createPairing(user);
  }

  @Post('surveys/kiosk-offers')
  @HttpCode(204)
  @Roles('guide', 'caseworker')
  @ApiOperation({
    summary: 'Show the survey of a contact the caller’s unit logged on the unit’s kiosk (the next 10 minutes)',
  })
  @ApiNoContentResponse({ description: 'the kiosk shows the survey' })
  @ApiNotFoundResponse({ description: 'not-found: no such token, or another unit’s' })
  @ApiConflictResponse({ description: 'survey-answered, survey-expired, no-kiosk' })
  offer(@Body() body: OfferSurveyDto, @CurrentUser() user: StaffUser): Promise<void> {
    return this.surveys.offer(body.token, user);
  }

  @Get('follow-up/nki')
  @Roles('manager', 'auditor')
  @ApiOperation({
    summary: 'Nöjd-Kund-Index (0–100) of the survey answers, with the number of answers and a 95 % interval',
    description:
      "Of the caller's organisation, or unit when the token names one, for the contacts' Swedish calendar days " +
      'in the period, in all and per channel. A group of fewer than 5 answers shows its count only.',
  })
  @ApiOkResponse({ type: NkiView })
  @ApiBadRequestResponse({ description: 'invalid-period' })
  nki(@Query() query: FollowUpQuery, @CurrentUser() user: StaffUser): Promise<NkiView> {
    return this.surveys.nki(query, user);
  }
}
