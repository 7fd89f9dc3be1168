import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { ConsentView, ListConsentsQuery, RecordConsentDto } from './consent.dto.js';
import { ConsentService } from './consent.service.js';
import { apiException } from '../http/http-errors.js';

const FRONT_OFFICE = ['guide', 'caseworker'] as const;

/** A consent id that is not a UUID is a malformed request, in the API's error format. */
function consentIdPipe(): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => apiException('invalid-request', 'the consent id is not a UUID'),
  });
}

@ApiTags('consents')
@ApiBearerAuth()
@Controller('consents')
export class ConsentController {
  constructor(private readonly consents: ConsentService) {}

  @Post()
  @Roles(...FRONT_OFFICE)
  @ApiOperation({
    summary: "Record a citizen's consent (samtycke) to the caller's unit",
    description:
      'The organisation and unit come from the token. Categories must be in the named agencies’ catalogues and not ' +
      'of class `never`; validity is at most 12 months. Errors: invalid-personnummer, unknown-agency, ' +
      'unknown-category, category-agency-not-named, category-never, agency-without-category, invalid-date, ' +
      'valid-from-in-past, invalid-validity, consent-too-long; consent-method-retired for e-signature (retired: it ' +
      'proved nothing) and consent-method-needs-signing for e-legitimation (POST /api/consent-signings). A consent ' +
      'given by phone (`telefon`) is valid for at most the days the municipality set (`phoneConsentDays` of the ' +
      'organisation, 30 unless set): a later validUntil is refused with telefon-consent-too-long, which names the ' +
      'latest day. The citizen sees it in "Mina uppgifter".',
  })
  @ApiCreatedResponse({ type: ConsentView })
  @ApiBadRequestResponse({ description: 'with an error code naming the problem' })
  record(@Body() body: RecordConsentDto, @CurrentUser() user: StaffUser): Promise<ConsentView> {
    return this.consents.record(body, user);
  }

  @Get()
  @Roles(...FRONT_OFFICE)
  @ApiOperation({ summary: "A subject's consents given to the caller's organisation and unit, newest first" })
  @ApiOkResponse({ type: [ConsentView] })
  @ApiBadRequestResponse({ description: 'invalid-personnummer' })
  list(@Query() query: ListConsentsQuery, @CurrentUser() user: StaffUser): Promise<ConsentView[]> {
    return this.consents.list(query.subject, user);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles(...FRONT_OFFICE)
  @ApiOperation({
    summary: 'Revoke a consent given to the caller’s unit, at once',
    description:
      'Answers once the broker has confirmed consent.revoked.v1 to the adapters; 503 broker-unavailable means ' +
      'nothing was revoked.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ConsentView })
  @ApiNotFoundResponse({ description: 'not-found: no such consent given to the caller’s unit' })
  @ApiConflictResponse({ description: 'already-revoked' })
  revoke(@Param('id', consentIdPipe()) id: string, @CurrentUser() user: StaffUser): Promise<ConsentView> {
    return this.consents.revoke(id, user);
  }
}
