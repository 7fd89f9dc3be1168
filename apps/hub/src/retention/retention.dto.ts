import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_RETENTION, RETENTION_BOUNDS, RETENTION_KINDS } from './retention-periods.js';

const b = RETENTION_BOUNDS;

/** A municipality's retention periods; a period left out keeps its value (the default where none was set). */
export class SetRetentionDto {
  @ApiPropertyOptional({
    ...b.contactMonths,
    example: 12,
    description: 'contacts naming a person anonymised after, months',
  })
  @IsOptional()
  @IsInt()
  @Min(b.contactMonths.min)
  @Max(b.contactMonths.max)
  contactMonths?: number;

  @ApiPropertyOptional({
    ...b.consentMonths,
    example: 24,
    description: 'consents deleted this long after they ended, months',
  })
  @IsOptional()
  @IsInt()
  @Min(b.consentMonths.min)
  @Max(b.consentMonths.max)
  consentMonths?: number;

  @ApiPropertyOptional({
    ...b.referralYears,
    example: 2,
    description: 'referrals deleted this long after they closed, years',
  })
  @IsOptional()
  @IsInt()
  @Min(b.referralYears.min)
  @Max(b.referralYears.max)
  referralYears?: number;

  @ApiPropertyOptional({
    ...b.errandYears,
    example: 2,
    description: 'errands and complaints deleted this long after they closed, years',
  })
  @IsOptional()
  @IsInt()
  @Min(b.errandYears.min)
  @Max(b.errandYears.max)
  errandYears?: number;

  @ApiPropertyOptional({
    ...b.queryOutcomeMonths,
    example: 36,
    description: 'query outcomes (statistics) deleted after, months',
  })
  @IsOptional()
  @IsInt()
  @Min(b.queryOutcomeMonths.min)
  @Max(b.queryOutcomeMonths.max)
  queryOutcomeMonths?: number;

  @ApiPropertyOptional({
    ...b.sessionDays,
    example: 30,
    description: 'staff sessions deleted this long after they expired, days',
  })
  @IsOptional()
  @IsInt()
  @Min(b.sessionDays.min)
  @Max(b.sessionDays.max)
  sessionDays?: number;

  @ApiPropertyOptional({
    ...b.auditYears,
    example: 5,
    description:
      'audit entries stay linked to a person this long after the end of their year, years; the subject keys are the ' +
      'whole hub’s, so the longest of every municipality’s applies',
  })
  @IsOptional()
  @IsInt()
  @Min(b.auditYears.min)
  @Max(b.auditYears.max)
  auditYears?: number;
}

export class RetentionPeriodsView {
  @ApiProperty({ example: DEFAULT_RETENTION.contactMonths }) contactMonths: number;
  @ApiProperty({ example: DEFAULT_RETENTION.consentMonths }) consentMonths: number;
  @ApiProperty({ example: DEFAULT_RETENTION.referralYears }) referralYears: number;
  @ApiProperty({ example: DEFAULT_RETENTION.errandYears }) errandYears: number;
  @ApiProperty({ example: DEFAULT_RETENTION.queryOutcomeMonths }) queryOutcomeMonths: number;
  @ApiProperty({ example: DEFAULT_RETENTION.sessionDays }) sessionDays: number;
  @ApiProperty({ example: DEFAULT_RETENTION.auditYears }) auditYears: number;
}

export class RetentionSettingsView extends RetentionPeriodsView {
  @ApiProperty({ example: '2120001967' })
  organisation: string;

  @ApiProperty({ type: RetentionPeriodsView, description: 'the hub’s defaults, which apply until the periods are set' })
  defaults: RetentionPeriodsView;

  @ApiProperty({ type: String, nullable: true, description: 'null: the defaults apply' })
  updatedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  updatedBy: string | null;
}

export class RunRetentionDto {
  @ApiPropertyOptional({
    description:
      'run as if it were this time (ISO 8601); only where the hub runs with RETENTION_CLOCK_OVERRIDE=true (tests, demos)',
    example: '2031-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}

export class RetentionKindCountView {
  @ApiProperty({ description: 'rows deleted, or for contacts anonymised' })
  rows: number;

  @ApiProperty({ description: 'rows taken with them: consent signings, complaints' })
  related: number;
}

export class RetentionRunView {
  @ApiProperty({ description: 'false: another run held the lock, or today’s daily run was done' })
  ran: boolean;

  @ApiProperty({ type: String, nullable: true, enum: ['running-elsewhere', 'done-today'] })
  reason: 'running-elsewhere' | 'done-today' | null;

  @ApiProperty({ type: Number, nullable: true })
  runId: number | null;

  @ApiProperty()
  asOf: string;

  @ApiProperty({
    description: `per kind (${RETENTION_KINDS.join(', ')})`,
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/RetentionKindCountView' },
  })
  counts: Record<(typeof RETENTION_KINDS)[number], RetentionKindCountView>;

  @ApiProperty({ type: [String], description: 'periods (years) of subject keys destroyed by this run' })
  shredded: string[];

  @ApiProperty({ type: [String], description: 'periods due whose records are not all gone yet' })
  postponed: string[];

  @ApiProperty({ type: [String], description: 'kinds that failed (the others ran)' })
  failed: string[];
}

export class RetentionRunSummaryView {
  @ApiProperty() id: number;
  @ApiProperty({ type: String, nullable: true, description: 'the day of a daily run; null for a manual one' })
  day: string | null;
  @ApiProperty() asOf: string;
  @ApiProperty() startedAt: string;
  @ApiProperty({ type: String, nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) counts: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}
