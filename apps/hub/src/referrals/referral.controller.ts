import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { CancelReferralDto, CreateReferralDto, ListReferralsQuery, ReferralView } from './referral.dto.js';
import { ReferralService } from './referral.service.js';

const FRONT_OFFICE = ['guide', 'caseworker'] as const;

const idPipe = () =>
  new ParseUUIDPipe({
    exceptionFactory: () => new BadRequestException({ error: 'invalid-request', message: 'the id is not a UUID' }),
  });

@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class ReferralController {
  constructor(private readonly referrals: ReferralService) {}

  @Post()
  @Roles(...FRONT_OFFICE)
  @ApiOperation({
    summary: 'Send a referral (remiss) to one agency',
    description:
      'Checked with the policy (agreement, purpose, role, referral type, consent or legal basis), then stored and ' +
      'published in one transaction. 403 with the reason code when the policy refuses it.',
  })
  @ApiCreatedResponse({ type: ReferralView })
  @ApiBadRequestResponse({ description: 'invalid-personnummer, invalid-request' })
  @ApiForbiddenResponse({ description: 'a reason code: no-agreement, consent-missing, referral-type-not-covered, …' })
  create(@Body() body: CreateReferralDto, @CurrentUser() user: StaffUser): Promise<ReferralView> {
    return this.referrals.create(body, user);
  }

  @Get()
  @Roles(...FRONT_OFFICE)
  @ApiOperation({ summary: "The unit's referrals, newest first, filtered by status, agency, subject or overdue" })
  @ApiOkResponse({ type: [ReferralView] })
  list(@Query() query: ListReferralsQuery, @CurrentUser() user: StaffUser): Promise<ReferralView[]> {
    return this.referrals.list(query, user);
  }

  @Get(':id')
  @Roles(...FRONT_OFFICE)
  @ApiOperation({ summary: 'A referral with its timeline of status events' })
  @ApiOkResponse({ type: ReferralView })
  @ApiNotFoundResponse({ description: 'not-found: no such referral from the caller’s unit' })
  show(@Param('id', idPipe()) id: string, @CurrentUser() user: StaffUser): Promise<ReferralView> {
    return this.referrals.show(id, user);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...FRONT_OFFICE)
  @ApiOperation({ summary: 'Withdraw a referral the agency has not finished; the agency is told' })
  @ApiOkResponse({ type: ReferralView })
  @ApiConflictResponse({ description: 'referral-finished' })
  cancel(
    @Param('id', idPipe()) id: string,
    @Body() body: CancelReferralDto,
    @CurrentUser() user: StaffUser,
  ): Promise<ReferralView> {
    return this.referrals.cancel(id, user, body.note);
  }
}
