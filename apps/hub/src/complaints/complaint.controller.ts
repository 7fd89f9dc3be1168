import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { FollowUpQuery } from '../follow-up/follow-up.dto.js';
import { apiException } from '../http/http-errors.js';
import { AnswerComplaintDto, ComplaintCountsView, ComplaintView, RegisterComplaintDto } from './complaint.dto.js';
import { ComplaintService } from './complaint.service.js';

const idPipe = () =>
  new ParseUUIDPipe({ exceptionFactory: () => apiException('invalid-request', 'the id is not a UUID') });

@ApiTags('complaints')
@ApiBearerAuth()
@Controller()
export class ComplaintController {
  constructor(private readonly complaints: ComplaintService) {}

  @Post('complaints')
  @Roles('guide', 'caseworker')
  @ApiOperation({
    summary: 'Register a complaint or suggestion (klagomål, synpunkt) and route it to the responsible party',
    description:
      'A department gets it as an errand with its topic’s response time; the centre holds its own and those ' +
      'about an agency. Contact details only when the citizen wants an answer. Audited.',
  })
  @ApiCreatedResponse({ type: ComplaintView })
  @ApiBadRequestResponse({ description: 'invalid-request, personnummer-in-text, unknown-topic, unknown-party' })
  @ApiNotFoundResponse({ description: "not-found: no such department in the caller's municipality" })
  register(@Body() body: RegisterComplaintDto, @CurrentUser() user: StaffUser): Promise<ComplaintView> {
    return this.complaints.register(body, user);
  }

  @Get('complaints')
  @Roles('guide', 'caseworker', 'manager')
  @ApiOperation({ summary: "The caller's unit's complaints and suggestions, open ones first" })
  @ApiOkResponse({ type: [ComplaintView] })
  list(@CurrentUser() user: StaffUser): Promise<ComplaintView[]> {
    return this.complaints.list(user);
  }

  @Get('complaints/:id')
  @Roles('guide', 'caseworker', 'manager')
  @ApiOperation({ summary: "A complaint of the caller's unit, with its answer when there is one" })
  @ApiOkResponse({ type: ComplaintView })
  @ApiNotFoundResponse({ description: 'not-found' })
  show(@Param('id', idPipe()) id: string, @CurrentUser() user: StaffUser): Promise<ComplaintView> {
    return this.complaints.show(id, user);
  }

  @Post('complaints/:id/answer')
  @HttpCode(200)
  @Roles('guide', 'caseworker', 'manager')
  @ApiOperation({ summary: 'Record the answer to a complaint the centre holds (its own, or about an agency)' })
  @ApiOkResponse({ type: ComplaintView })
  @ApiNotFoundResponse({ description: 'not-found' })
  @ApiConflictResponse({ description: 'invalid-transition: answered already, or a department answers it' })
  answer(
    @Param('id', idPipe()) id: string,
    @Body() body: AnswerComplaintDto,
    @CurrentUser() user: StaffUser,
  ): Promise<ComplaintView> {
    return this.complaints.answer(id, body.answer, user);
  }

  @Get('follow-up/complaints')
  @Roles('manager', 'auditor')
  @ApiOperation({
    summary: 'Complaints and suggestions registered in the period, by topic and by responsible party',
    description: "Of the caller's organisation, or unit when the token names one; counts only, no text.",
  })
  @ApiOkResponse({ type: ComplaintCountsView })
  @ApiBadRequestResponse({ description: 'invalid-period' })
  counts(@Query() query: FollowUpQuery, @CurrentUser() user: StaffUser): Promise<ComplaintCountsView> {
    return this.complaints.counts(query, user);
  }
}
