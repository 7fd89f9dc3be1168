import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { FollowUpFigures } from './figures.dto.js';
import { FollowUpQuery, FollowUpSummary } from './follow-up.dto.js';
import { FollowUpService } from './follow-up.service.js';
import { SetTargetsDto, TargetsView } from './target.dto.js';
import { TargetService } from './target.service.js';

@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('follow-up')
export class FollowUpController {
  constructor(
    private readonly followUp: FollowUpService,
    private readonly targets: TargetService,
  ) {}

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

  @Get('figures')
  @Roles('manager', 'auditor')
  @ApiOperation({
    summary: 'Follow-up figures: contacts, resolved at first contact, errands, peaks, times, against targets',
    description:
      "Of the caller's organisation, or of the caller's unit when the token names one, for whole Swedish calendar " +
      'days (Europe/Stockholm). Contacts per channel, topic (the municipality’s names), ROSA level and outcome; the ' +
      'share resolved at first contact; a weekday × hour heat map; waiting and handling times where recorded; the ' +
      'topics most often not resolved at first contact that have no knowledge-base article; errands per department ' +
      'with turnaround (median, p90 hours), overdue and answered in time; referrals and queries per agency and ' +
      'purpose; each targeted figure against its target, with the change from the previous period of the same ' +
      'length. Small numbers: a count of 1 to 4 is null (suppressed), and so is a share, median or percentile of ' +
      'fewer than 5.',
  })
  @ApiOkResponse({ type: FollowUpFigures })
  @ApiBadRequestResponse({ description: 'invalid-period: a malformed day, from after to, or more than 366 days' })
  @ApiUnauthorizedResponse({ description: 'no or an invalid token' })
  @ApiForbiddenResponse({ description: 'role-not-allowed: needs manager or auditor' })
  figures(@Query() query: FollowUpQuery, @CurrentUser() user: StaffUser): Promise<FollowUpFigures> {
    return this.followUp.figures(query, user);
  }

  @Get('targets')
  @Roles('admin', 'manager', 'auditor')
  @ApiOperation({ summary: "The targets of the caller's municipality: the whole municipality's and each unit's" })
  @ApiOkResponse({ type: [TargetsView] })
  @ApiUnauthorizedResponse({ description: 'no or an invalid token' })
  @ApiForbiddenResponse({ description: 'role-not-allowed: needs admin, manager or auditor' })
  listTargets(@CurrentUser() user: StaffUser): Promise<TargetsView[]> {
    return this.targets.list(user);
  }

  @Put('targets')
  @Roles('admin')
  @ApiOperation({
    summary: 'Set the targets of a unit of the caller’s municipality, or of the whole municipality (audited)',
    description: 'Replaces every target of that scope: a target left out or null is removed.',
  })
  @ApiOkResponse({ type: TargetsView })
  @ApiBadRequestResponse({ description: 'invalid-request: a target outside 0–100 or with more than one decimal' })
  @ApiNotFoundResponse({ description: 'not-found: no such unit (centre) of the municipality' })
  @ApiForbiddenResponse({ description: 'role-not-allowed: needs admin' })
  setTargets(@Body() body: SetTargetsDto, @CurrentUser() user: StaffUser): Promise<TargetsView> {
    return this.targets.set(body, user);
  }
}
