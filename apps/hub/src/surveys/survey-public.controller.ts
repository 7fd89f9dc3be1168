import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiExtension,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { apiException } from '../http/http-errors.js';
import {
  KioskOfferView,
  KioskView,
  NkiAnswerDto,
  PairKioskDto,
  SurveyView,
  SURVEY_TOKEN_PATTERN,
} from './survey.dto.js';
import { SurveyService } from './survey.service.js';

const KIOSK_KEY = 'x-kiosk-key';

const tokenOf = (token: string) => {
  if (!SURVEY_TOKEN_PATTERN.test(token)) throw apiException('not-found', 'no such survey');
  return token;
};

/**
 * The citizen's side of the survey: no login. A survey link carries its one-time token; a kiosk (the unit's tablet)
 * proves itself with the key it got for a pairing code. Nothing of the caller is stored.
 */
@ApiTags('surveys (public)')
@Controller('public')
export class SurveyPublicController {
  constructor(private readonly surveys: SurveyService) {}

  @Get('surveys/:token')
  @Public()
  @ApiExtension('x-public', true)
  @ApiOperation({ summary: 'The survey questions for a one-time token, while it may be answered (public)' })
  @ApiOkResponse({ type: SurveyView })
  @ApiNotFoundResponse({ description: 'not-found' })
  @ApiConflictResponse({ description: 'survey-answered, survey-expired' })
  survey(@Param('token') token: string): Promise<SurveyView> {
    return this.surveys.survey(tokenOf(token));
  }

  @Post('surveys/:token/answer')
  @Public()
  @ApiExtension('x-public', true)
  @HttpCode(204)
  @ApiOperation({ summary: 'Answer the survey, once per token (public)' })
  @ApiNoContentResponse({ description: 'thank you' })
  @ApiNotFoundResponse({ description: 'not-found' })
  @ApiConflictResponse({ description: 'survey-answered: a second answer is refused; survey-expired' })
  answer(@Param('token') token: string, @Body() body: NkiAnswerDto): Promise<void> {
    return this.surveys.answer(tokenOf(token), body);
  }

  @Post('survey-kiosks/pair')
  @Public()
  @ApiExtension('x-public', true)
  @HttpCode(200)
  @ApiOperation({ summary: 'A tablet trades a one-time pairing code for its kiosk key (public)' })
  @ApiOkResponse({ type: KioskView })
  @ApiUnauthorizedResponse({ description: 'kiosk-not-paired: no such code, used or expired' })
  pair(@Body() body: PairKioskDto): Promise<KioskView> {
    return this.surveys.pair(body.code);
  }

  @Get('survey-kiosks/offer')
  @Public()
  @ApiExtension('x-public', true)
  @ApiHeader({ name: KIOSK_KEY, required: true })
  @ApiOperation({ summary: 'Whether a guide of the kiosk’s unit has offered a survey to answer now (public)' })
  @ApiOkResponse({ type: KioskOfferView })
  @ApiUnauthorizedResponse({ description: 'kiosk-not-paired' })
  offer(@Headers(KIOSK_KEY) key: string | undefined): Promise<KioskOfferView> {
    return this.surveys.kioskOffer(key);
  }

  @Post('survey-kiosks/answer')
  @Public()
  @ApiExtension('x-public', true)
  @HttpCode(204)
  @ApiHeader({ name: KIOSK_KEY, required: true })
  @ApiOperation({ summary: 'Answer the survey offered on the kiosk (public)' })
  @ApiNoContentResponse({ description: 'thank you' })
  @ApiUnauthorizedResponse({ description: 'kiosk-not-paired' })
  @ApiNotFoundResponse({ description: 'not-found: no survey is waiting' })
  kioskAnswer(@Headers(KIOSK_KEY) key: string | undefined, @Body() body: NkiAnswerDto): Promise<void> {
    return this.surveys.kioskAnswer(key, body);
  }
}
