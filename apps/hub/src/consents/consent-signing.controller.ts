import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { apiException } from '../http/http-errors.js';
import { ConsentSigningView, StartConsentSigningDto } from './consent.dto.js';
import { ConsentSigningService } from './consent-signing.service.js';

const FRONT_OFFICE = ['guide', 'caseworker'] as const;

function signingIdPipe(): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => apiException('invalid-request', 'the signing id is not a UUID'),
  });
}

@ApiTags('consents')
@ApiBearerAuth()
@Controller('consent-signings')
export class ConsentSigningController {
  constructor(private readonly signings: ConsentSigningService) {}

  @Post()
  @Roles(...FRONT_OFFICE)
  @ApiOperation({
    summary: 'Start a signing of a consent by the citizen with e-legitimation, at the desk',
    description:
      'The hub writes the consent’s text in plain Swedish and starts a signing order at the e-legitimation ' +
      'provider for the subject. Show `qrData` as a QR code and ask again every second: the code changes, and once ' +
      'the citizen signed the consent is stored (method e-legitimation). The same errors as POST /api/consents, ' +
      'and 503 eid-unavailable.',
  })
  @ApiCreatedResponse({ type: ConsentSigningView })
  @ApiBadRequestResponse({ description: 'with an error code naming the problem' })
  @ApiServiceUnavailableResponse({ description: 'eid-unavailable' })
  start(@Body() body: StartConsentSigningDto, @CurrentUser() user: StaffUser): Promise<ConsentSigningView> {
    return this.signings.start(body, user);
  }

  @Get(':id')
  @Roles(...FRONT_OFFICE)
  @ApiOperation({
    summary: 'Where a signing of the caller’s unit is; stores the consent when the citizen has signed',
    description:
      'The signature is verified against the provider’s published keys, and the signer must be the subject; ' +
      'otherwise the signing fails and nothing is stored.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ConsentSigningView })
  @ApiNotFoundResponse({ description: 'not-found: no such signing of the caller’s unit' })
  status(@Param('id', signingIdPipe()) id: string, @CurrentUser() user: StaffUser): Promise<ConsentSigningView> {
    return this.signings.status(id, user);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...FRONT_OFFICE)
  @ApiOperation({ summary: 'Cancel a pending signing of the caller’s unit' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ConsentSigningView })
  @ApiNotFoundResponse({ description: 'not-found' })
  @ApiConflictResponse({ description: 'signing-finished' })
  cancel(@Param('id', signingIdPipe()) id: string, @CurrentUser() user: StaffUser): Promise<ConsentSigningView> {
    return this.signings.cancel(id, user);
  }
}
