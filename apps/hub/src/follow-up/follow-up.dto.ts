import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { PURPOSES, QUERY_STATUSES, REFERRAL_STATUSES } from '@hub/contracts';

export class FollowUpQuery {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-01',
    description: 'first Swedish calendar day counted; default 29 days before `to`',
  })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-30',
    description: 'last Swedish calendar day counted, included; default today. At most 366 days from `from`.',
  })
  @IsOptional()
  @IsString()
  to?: string;
}

export class PeriodView {
  @ApiProperty({ format: 'date' })
  from: string;

  @ApiProperty({ format: 'date' })
  to: string;

  @ApiProperty({ description: 'calendar days in the period, both ends included' })
  days: number;

  @ApiProperty({ example: 'Europe/Stockholm', description: 'the time zone whose calendar days are counted' })
  timeZone: string;
}

export class ScopeView {
  @ApiProperty({ example: '2120001967' })
  organisation: string;

  @ApiProperty({ type: String, nullable: true, description: "the caller's unit; null: the whole organisation" })
  unit: string | null;
}

export class QueryTotals {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'multi-agency queries; null when 1 to 4 (suppressed, small numbers)',
  })
  queries: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'agency results: one per agency a query named; null when 1 to 4 (suppressed, small numbers)',
  })
  agencyResults: number | null;
}

export class QueryDailyTotal extends QueryTotals {
  @ApiProperty({ format: 'date' })
  day: string;
}

export class QueryDayCount {
  @ApiProperty({ format: 'date' })
  day: string;

  @ApiProperty({ enum: PURPOSES })
  purpose: string;

  @ApiProperty({ example: 'fk' })
  agency: string;

  @ApiProperty({ enum: QUERY_STATUSES })
  status: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'agency results; null when 1 to 4 (suppressed, small numbers)',
  })
  count: number | null;
}

export class QueryPurposeCount {
  @ApiProperty({ enum: PURPOSES })
  purpose: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4 (suppressed, small numbers)' })
  queries: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'agency results; null when 1 to 4 (suppressed, small numbers)',
  })
  count: number | null;
}

export class AgencyCount {
  @ApiProperty({ example: 'fk' })
  agency: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4 (suppressed, small numbers)' })
  count: number | null;
}

export class PurposeCount {
  @ApiProperty({ enum: PURPOSES })
  purpose: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4 (suppressed, small numbers)' })
  count: number | null;
}

export class QueryStatusCount {
  @ApiProperty({ enum: QUERY_STATUSES })
  status: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'agency results; null when 1 to 4 (suppressed, small numbers)',
  })
  count: number | null;
}

export class DenialReasonCount {
  @ApiProperty({ example: 'fk' })
  agency: string;

  @ApiProperty({ example: 'consent-missing', description: 'the reason code of a denied agency result' })
  reason: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4 (suppressed, small numbers)' })
  count: number | null;
}

export class AgencyLatency {
  @ApiProperty({ example: 'fk' })
  agency: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'agency results with a measured answer time (the agency was asked); null when 1 to 4 (suppressed, small numbers)',
  })
  samples: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'median answer time, ms' })
  p50Ms: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '95th percentile answer time, ms' })
  p95Ms: number | null;
}

export class QueriesFollowUp {
  @ApiProperty({ type: QueryTotals })
  total: QueryTotals;

  @ApiProperty({ type: [QueryDailyTotal], description: 'every day of the period, zeros included' })
  daily: QueryDailyTotal[];

  @ApiProperty({ type: [QueryDayCount], description: 'agency results per day × purpose × agency × status' })
  perDay: QueryDayCount[];

  @ApiProperty({ type: [QueryPurposeCount] })
  byPurpose: QueryPurposeCount[];

  @ApiProperty({ type: [AgencyCount], description: 'agency results' })
  byAgency: AgencyCount[];

  @ApiProperty({ type: [QueryStatusCount] })
  byStatus: QueryStatusCount[];

  @ApiProperty({ type: [DenialReasonCount], description: 'denied agency results per agency and reason' })
  denialReasons: DenialReasonCount[];

  @ApiProperty({ type: [AgencyLatency] })
  latency: AgencyLatency[];
}

export class ReferralDailyTotal {
  @ApiProperty({ format: 'date' })
  day: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'referrals sent that day; null when 1 to 4 (suppressed, small numbers)',
  })
  count: number | null;
}

export class ReferralDayCount {
  @ApiProperty({ format: 'date', description: 'the day the referral was sent' })
  day: string;

  @ApiProperty({ enum: PURPOSES })
  purpose: string;

  @ApiProperty({ example: 'af' })
  agency: string;

  @ApiProperty({ enum: REFERRAL_STATUSES, description: 'the status now' })
  status: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4 (suppressed, small numbers)' })
  count: number | null;
}

export class ReferralStatusCount {
  @ApiProperty({ enum: REFERRAL_STATUSES })
  status: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4 (suppressed, small numbers)' })
  count: number | null;
}

export class AgencyTurnaround {
  @ApiProperty({ example: 'af' })
  agency: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'referrals the agency has accepted or declined; null when 1 to 4 (suppressed, small numbers)',
  })
  answered: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'median hours from sent to accepted or declined' })
  answerMedianHours: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '90th percentile hours from sent to accepted or declined' })
  answerP90Hours: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'referrals the agency has closed; null when 1 to 4 (suppressed, small numbers)',
  })
  closed: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'median hours from sent to closed' })
  closeMedianHours: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '90th percentile hours from sent to closed' })
  closeP90Hours: number | null;
}

export class OverdueReferral {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'af' })
  agency: string;

  @ApiProperty({ example: 'af.inskrivning-arbetssokande' })
  referralType: string;

  @ApiProperty({ enum: PURPOSES })
  purpose: string;

  @ApiProperty({ enum: ['sent', 'received'] })
  status: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  respondBy: string;

  @ApiProperty({ description: 'hours past respondBy' })
  hoursOverdue: number;
}

export class OverdueReferrals {
  @ApiProperty({ description: 'referrals sent or received and past their agreed response time, now' })
  count: number;

  @ApiProperty({ type: [OverdueReferral], description: 'the longest overdue first, at most 500' })
  referrals: OverdueReferral[];
}

export class ReferralsFollowUp {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'referrals sent in the period; null when 1 to 4 (suppressed, small numbers)',
  })
  total: number | null;

  @ApiProperty({ type: [ReferralDailyTotal], description: 'every day of the period, zeros included' })
  daily: ReferralDailyTotal[];

  @ApiProperty({ type: [ReferralDayCount], description: 'per day sent × purpose × agency × status now' })
  perDay: ReferralDayCount[];

  @ApiProperty({ type: [PurposeCount] })
  byPurpose: PurposeCount[];

  @ApiProperty({ type: [AgencyCount] })
  byAgency: AgencyCount[];

  @ApiProperty({ type: [ReferralStatusCount] })
  byStatus: ReferralStatusCount[];

  @ApiProperty({
    type: [AgencyTurnaround],
    description: "of the referrals sent in the period, from the agencies' status events",
  })
  turnaround: AgencyTurnaround[];

  @ApiProperty({ type: OverdueReferrals, description: 'whenever sent, as of now' })
  overdue: OverdueReferrals;
}

export class FollowUpSummary {
  @ApiProperty({ type: PeriodView })
  period: PeriodView;

  @ApiProperty({ type: ScopeView })
  scope: ScopeView;

  @ApiProperty({ format: 'date-time' })
  generatedAt: string;

  @ApiProperty({ type: QueriesFollowUp })
  queries: QueriesFollowUp;

  @ApiProperty({ type: ReferralsFollowUp })
  referrals: ReferralsFollowUp;

  @ApiProperty({
    example: 5,
    description:
      'counts from 1 to below this are null (suppressed), and so are medians and percentiles of fewer answers',
  })
  smallNumberThreshold: number;

  @ApiProperty({
    type: [String],
    example: ['queries.byAgency.0.count'],
    description:
      'the counts (null) hidden although 5 or more, because the total shown minus the counts shown beside them ' +
      'would give back a suppressed one (secondary suppression of the days, purposes, agencies and statuses); ' +
      'by path, e.g. "referrals.daily.3.count"',
  })
  secondarySuppressed: string[];
}
