import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES, PURPOSES } from '@hub/contracts';
import { PeriodView, ScopeView } from './follow-up.dto.js';

const count = {
  type: Number,
  nullable: true,
  description: 'null when 1 to 4 (suppressed: fewer than 5 could single out a person)',
} as const;
const suppressed = {
  description: 'true: the count is not shown: it is 1 to 4, or (secondary) it would give such a count away',
} as const;
const secondary = {
  type: Boolean,
  description:
    'present and true when the count is 5 or more and hidden only because a total shown beside it, minus the ' +
    'counts shown, would otherwise give back a suppressed count (secondary suppression, as official statistics do)',
} as const;

export class CountFigure {
  @ApiProperty(count)
  count: number | null;

  @ApiProperty(suppressed)
  suppressed: boolean;

  @ApiPropertyOptional(secondary)
  secondary?: true;
}

export class ShareFigure {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'the part; null when 1 to 4 or when the share is suppressed',
  })
  part: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'what the share is of; null when 1 to 4' })
  base: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'per cent, one decimal; null when no base or suppressed' })
  percent: number | null;

  @ApiProperty({
    description:
      'true: the share is not shown: its base is 1 to 4 (part and base null), its part is 1 to 4 (the per cent, ' +
      'which times the base gives it back, is null too), or either is hidden by secondary suppression',
  })
  suppressed: boolean;

  @ApiPropertyOptional(secondary)
  secondary?: true;
}

export class ChannelCount extends CountFigure {
  @ApiProperty({ enum: CONTACT_CHANNELS })
  channel: string;
}

export class OutcomeCount extends CountFigure {
  @ApiProperty({ enum: CONTACT_OUTCOMES })
  outcome: string;
}

export class RosaCount extends CountFigure {
  @ApiProperty({ minimum: 1, maximum: 8 })
  rosa: number;
}

export class TopicCount extends CountFigure {
  @ApiProperty({ example: 'gata-park' })
  category: string;

  @ApiProperty({ example: 'Gator och parker', description: 'the municipality’s own name of the category' })
  categoryName: string;

  @ApiProperty({ example: 'gata-park.snorojning' })
  topic: string;

  @ApiProperty({ example: 'Snöröjning och halkbekämpning', description: 'the municipality’s own name of the type' })
  topicName: string;
}

export class TopicGap extends TopicCount {
  @ApiProperty({ description: 'false: the municipality’s knowledge base has no article of the topic' })
  hasArticle: boolean;
}

export class HeatCell extends CountFigure {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'ISO weekday, Monday 1, in Swedish time' })
  weekday: number;

  @ApiProperty({ minimum: 0, maximum: 23, description: 'hour of the day, Swedish time' })
  hour: number;
}

export class DurationFigure {
  @ApiProperty({ type: CountFigure, description: 'contacts that recorded the time' })
  samples: CountFigure;

  @ApiProperty({ type: Number, nullable: true, description: 'median seconds; null from fewer than 5 samples' })
  medianSeconds: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '90th percentile, seconds; null from fewer than 5' })
  p90Seconds: number | null;
}

export class ContactFigures {
  @ApiProperty({ type: CountFigure })
  total: CountFigure;

  @ApiProperty({ type: ShareFigure, description: 'resolved at first contact (outcome besvarad) of all contacts' })
  resolvedAtFirstContact: ShareFigure;

  @ApiProperty({ type: [ChannelCount] })
  byChannel: ChannelCount[];

  @ApiProperty({ type: [TopicCount], description: 'per topic type, the most first' })
  byTopic: TopicCount[];

  @ApiProperty({ type: [RosaCount] })
  byRosa: RosaCount[];

  @ApiProperty({ type: [OutcomeCount] })
  byOutcome: OutcomeCount[];

  @ApiProperty({ type: [HeatCell], description: 'every weekday × hour (7 × 24), zeros included: the peaks' })
  heatMap: HeatCell[];

  @ApiProperty({ type: DurationFigure, description: 'waiting time, of the contacts that recorded one' })
  waiting: DurationFigure;

  @ApiProperty({ type: DurationFigure, description: 'handling time, of the contacts that recorded one' })
  handling: DurationFigure;

  @ApiProperty({
    type: [TopicGap],
    description:
      'the topics most often not resolved at first contact that have no knowledge-base article (what to write ' +
      'next), at most 10; count: contacts of the topic not resolved at first contact',
  })
  unresolvedWithoutArticle: TopicGap[];
}

export class DepartmentFigure {
  @ApiProperty({ example: 'Tekniska förvaltningen', description: 'the department the errand is with now' })
  department: string;

  @ApiProperty({ type: CountFigure })
  forwarded: CountFigure;

  @ApiProperty({ type: CountFigure })
  answered: CountFigure;

  @ApiProperty({ type: Number, nullable: true, description: 'median hours from sent to answered; null from < 5' })
  medianHours: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '90th percentile hours from sent to answered' })
  p90Hours: number | null;

  @ApiProperty({ type: CountFigure, description: 'open and past their response time now' })
  overdue: CountFigure;

  @ApiProperty({ type: ShareFigure, description: 'answered within the response time, of those answered or due' })
  answeredInTime: ShareFigure;
}

export class ErrandFigures {
  @ApiProperty({ type: DepartmentFigure, description: 'every department together' })
  total: DepartmentFigure;

  @ApiProperty({ type: [DepartmentFigure] })
  byDepartment: DepartmentFigure[];
}

export class AgencyPurposeFigure extends CountFigure {
  @ApiProperty({ example: 'fk' })
  agency: string;

  @ApiProperty({ enum: PURPOSES })
  purpose: string;
}

export class ReferralFigures {
  @ApiProperty({ type: [AgencyPurposeFigure], description: 'referrals sent in the period' })
  byAgencyAndPurpose: AgencyPurposeFigure[];

  @ApiProperty({
    type: ShareFigure,
    description: 'accepted or declined within the agreement’s response time, of those answered or due',
  })
  answeredInTime: ShareFigure;
}

export class QueryFigures {
  @ApiProperty({ type: [AgencyPurposeFigure], description: 'agency results of the queries asked in the period' })
  byAgencyAndPurpose: AgencyPurposeFigure[];
}

export const TARGET_MEASURES = ['first-contact-resolved', 'nki', 'errands-in-time', 'referrals-in-time'] as const;
export type TargetMeasure = (typeof TARGET_MEASURES)[number];
export const TARGET_STATUSES = ['met', 'missed', 'no-target', 'no-figure'] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export class TargetFigure {
  @ApiProperty({ enum: TARGET_MEASURES })
  measure: TargetMeasure;

  @ApiProperty({ type: Number, nullable: true, description: 'the figure must be at least this; null: no target set' })
  target: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['unit', 'municipality'],
    description: 'whose target applies: the unit’s own, else the municipality’s',
  })
  targetOf: 'unit' | 'municipality' | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'the figure (per cent, or NKI 0–100); null when suppressed (a share of 1 to 4, an NKI of fewer than 5 answers)',
  })
  value: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'the same figure in the previous period' })
  previous: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'value − previous, one decimal' })
  change: number | null;

  @ApiProperty({
    enum: TARGET_STATUSES,
    description: 'met / missed the target; no-target: none set; no-figure: no value (suppressed, or not measured)',
  })
  status: TargetStatus;
}

export class FollowUpFigures {
  @ApiProperty({ type: PeriodView })
  period: PeriodView;

  @ApiProperty({ type: PeriodView, description: 'the period of the same length just before, for the trend' })
  previousPeriod: PeriodView;

  @ApiProperty({ type: ScopeView })
  scope: ScopeView;

  @ApiProperty({ format: 'date-time' })
  generatedAt: string;

  @ApiProperty({ example: 5, description: 'counts under this (and shares or percentiles of fewer) are suppressed' })
  smallNumberThreshold: number;

  @ApiProperty({ type: ContactFigures })
  contacts: ContactFigures;

  @ApiProperty({ type: ErrandFigures })
  errands: ErrandFigures;

  @ApiProperty({ type: ReferralFigures })
  referrals: ReferralFigures;

  @ApiProperty({ type: QueryFigures })
  queries: QueryFigures;

  @ApiProperty({ type: [TargetFigure] })
  targets: TargetFigure[];
}
