import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { FollowUpQuery, FollowUpSummary } from './follow-up.dto.js';
import { FollowUpService } from './follow-up.service.js';

@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('follow-up')
export class FollowUpController {
  constructor(private readonly followUp: FollowUpService) {}

  @Get('summary')
  @Roles('manager', 'auditor')
  @ApiOperation({
    summary: 'Follow-up (uppföljning): queries and referrals per day, purpose, agency and outcome',
    description:
      "Of the caller's organisation, or of the caller's unit when the token names one, for whole Swedish calendar " +
      'days (Europe/Stockholm). Queries: agency results per day × purpose × agency × status, totals, denial reasons ' +
      'and answer times (p50/p95). Referrals sent in the period: per day × purpose × agency × status now, turnaround ' +
      'from sent to the first accept or decline and to closed (median and p90 in hours), and the referrals overdue ' +
      'now. Aggregates only: no citizen is named, not even by key.',
  })
  @ApiOkResponse({ type: FollowUpSummary, description: 'the numbers, shaped for charts: arrays of flat rows' })
  @ApiBadRequestResponse({ description: 'invalid-period: a malformed day, from after to, or more than 366 days' })
  @ApiUnauthorizedResponse({ description: 'no or an invalid token' })
  @ApiForbiddenResponse({ description: 'role-not-allowed: needs manager or auditor' })
  summary(@Query() query: FollowUpQuery, @CurrentUser() user: StaffUser): Promise<FollowUpSummary> {
    return this.followUp.summary(query, user);
  }
}
