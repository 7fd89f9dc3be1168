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
import { FollowUpQuery } from '../follow-up/follow-up.dto.js';
import { PartyFollowUp } from './party-follow-up.dto.js';
import { PartyFollowUpService } from './party-follow-up.service.js';

@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('follow-up')
export class PartyFollowUpController {
  constructor(private readonly followUp: PartyFollowUpService) {}

  @Get('party')
  @Roles('manager')
  @ApiOperation({
    summary: "Every party sees its part: the traffic of the caller's party per municipality, unit and agency",
    description:
      "An agency's manager: the queries and referrals under the agency's agreements with every municipality, and " +
      "nothing outside them. A municipality's manager: the municipality's own, of the unit the token names. Queries " +
      'per purpose and category, denials and their reasons; referrals per type with response times against the ' +
      'agreement\'s, overdue referrals now. Counts from 1 to 4 are suppressed (null, "färre än 5"); no citizen, ' +
      'subject key or referral id.',
  })
  @ApiOkResponse({ type: PartyFollowUp })
  @ApiBadRequestResponse({ description: 'invalid-period' })
  @ApiUnauthorizedResponse({ description: 'no or an invalid token' })
  @ApiForbiddenResponse({ description: 'role-not-allowed: needs manager' })
  party(@Query() query: FollowUpQuery, @CurrentUser() user: StaffUser): Promise<PartyFollowUp> {
    return this.followUp.forCaller(query, user);
  }
}
