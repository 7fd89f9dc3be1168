import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { apiException } from '@hub/http';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AuditWitness } from '../audit-witness.js';
import { AgencyRoles, ScrapeTokenAccepted } from './caseworker-auth.guard.js';

export class CheckpointListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/**
 * The hub's audit checkpoints as this agency witnessed them: what an auditor verifies the hub's log against, taken
 * from the witness rather than from the hub. For the agency's auditors and administrators, or a monitoring job with
 * the scrape token.
 */
@ApiTags('audit checkpoints')
@ApiBearerAuth()
@Controller('audit-checkpoints')
export class AuditCheckpointsController {
  constructor(private readonly witness: AuditWitness) {}

  @Get('latest')
  @AgencyRoles('auditor', 'agency-admin')
  @ScrapeTokenAccepted()
  @ApiOperation({ summary: 'The checkpoint at the highest position held, with the hub’s signed message' })
  async latest() {
    const latest = await this.witness.latest();
    if (!latest) throw apiException('not-found', 'no audit checkpoint witnessed yet');
    return latest;
  }

  @Get()
  @AgencyRoles('auditor', 'agency-admin')
  @ScrapeTokenAccepted()
  @ApiOperation({ summary: 'The checkpoints held, newest received first, rollbacks and forks included' })
  list(@Query() query: CheckpointListQueryDto) {
    return this.witness.list(query.limit ?? 50);
  }
}
