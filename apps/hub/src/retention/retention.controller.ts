import { Body, Controller, Get, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { HubOperatorGuard } from '../organisations/hub-operator.guard.js';
import {
  RetentionKindCountView,
  RetentionRunSummaryView,
  RetentionRunView,
  RetentionSettingsView,
  RunRetentionDto,
  SetRetentionDto,
} from './retention.dto.js';
import { RetentionService } from './retention.service.js';

@ApiTags('retention')
@ApiBearerAuth()
@ApiExtraModels(RetentionKindCountView)
@Controller('retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'The municipality’s retention periods (gallringsfrister), the defaults where none are set' })
  @ApiOkResponse({ type: RetentionSettingsView })
  settings(@CurrentUser() user: StaffUser): Promise<RetentionSettingsView> {
    return this.retention.settings(user);
  }

  @Put()
  @Roles('admin')
  @ApiOperation({
    summary: 'Set the municipality’s retention periods; those left out keep their value. The change is audited.',
  })
  @ApiOkResponse({ type: RetentionSettingsView })
  set(@Body() body: SetRetentionDto, @CurrentUser() user: StaffUser): Promise<RetentionSettingsView> {
    return this.retention.set(body, user);
  }
}

/** The hub-wide job: an operator of the hub runs it now, or reads its last runs. */
@ApiTags('retention')
@ApiBearerAuth()
@Controller('retention')
@Roles('operator')
@UseGuards(HubOperatorGuard)
@ApiForbiddenResponse({ description: 'role-not-allowed or not-hub-operator: only an operator of the hub' })
export class RetentionJobController {
  constructor(private readonly retention: RetentionService) {}

  @Post('run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run the retention job now (it also runs daily by itself); one run at a time across every instance',
    description:
      '`ran: false` with `reason: running-elsewhere` when another run holds the lock. `asOf` moves the clock and is ' +
      'refused (400) unless the hub runs with RETENTION_CLOCK_OVERRIDE=true, as tests and demos do.',
  })
  @ApiOkResponse({ type: RetentionRunView })
  run(@Body() body: RunRetentionDto): Promise<RetentionRunView> {
    return this.retention.runFromApi(body.asOf);
  }

  @Get('runs')
  @ApiOperation({ summary: 'The job’s last 20 runs, newest first, with their counts' })
  @ApiOkResponse({ type: [RetentionRunSummaryView] })
  async runs(): Promise<RetentionRunSummaryView[]> {
    return (await this.retention.recentRuns()).map((r) => ({
      id: r.id,
      day: r.day,
      asOf: r.asOf.toISOString(),
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      counts: r.counts,
      error: r.error,
    }));
  }
}
