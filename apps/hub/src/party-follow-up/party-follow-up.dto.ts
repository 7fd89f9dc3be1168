import { ApiProperty } from '@nestjs/swagger';
import { ORGANISATION_KINDS, PURPOSES } from '@hub/contracts';
import { PeriodView } from '../follow-up/follow-up.dto.js';

const SUPPRESSED = 'null: fewer than the small-number threshold (1–4), suppressed ("färre än 5")';

export class PartyScopeView {
  @ApiProperty({ example: '2021005521' })
  organisation: string;

  @ApiProperty({ example: 'Försäkringskassan' })
  name: string;

  @ApiProperty({ enum: ORGANISATION_KINDS })
  kind: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "a municipality's unit when the caller's token names one; null: the whole party",
  })
  unit: string | null;
}

/** The parties of a row: the municipality and its unit on one side, the agency on the other. */
export class PartyRowKey {
  @ApiProperty({ example: '2120001967' })
  municipality: string;

  @ApiProperty({ example: 'Örebro kommun' })
  municipalityName: string;

  @ApiProperty({ example: 'Servicecenter' })
  unit: string;

  @ApiProperty({ example: 'fk' })
  agency: string;

  @ApiProperty({ example: 'Försäkringskassan' })
  agencyName: string;
}

export class PartyQueryPurposeRow extends PartyRowKey {
  @ApiProperty({ enum: PURPOSES })
  purpose: string;

  @ApiProperty({ type: Number, nullable: true, description: `agency results; ${SUPPRESSED}` })
  results: number | null;

  @ApiProperty({ type: Number, nullable: true, description: `answered (status ok); ${SUPPRESSED}` })
  answered: number | null;

  @ApiProperty({ type: Number, nullable: true, description: `denied; ${SUPPRESSED}` })
  denied: number | null;
}

export class PartyQueryCategoryRow extends PartyRowKey {
  @ApiProperty({ example: 'fk.utbetalningar' })
  category: string;

  @ApiProperty({ type: Number, nullable: true, description: `times released; ${SUPPRESSED}` })
  released: number | null;

  @ApiProperty({ type: Number, nullable: true, description: `times denied; ${SUPPRESSED}` })
  denied: number | null;
}

export class PartyDenialReasonRow extends PartyRowKey {
  @ApiProperty({ example: 'consent-missing' })
  reason: string;

  @ApiProperty({ type: Number, nullable: true, description: SUPPRESSED })
  count: number | null;
}

export class PartyQueries {
  @ApiProperty({ type: Number, nullable: true, description: `agency results in the period; ${SUPPRESSED}` })
  results: number | null;

  @ApiProperty({ type: [PartyQueryPurposeRow], description: 'per municipality, unit, agency and purpose' })
  byPurpose: PartyQueryPurposeRow[];

  @ApiProperty({ type: [PartyQueryCategoryRow], description: 'per municipality, unit, agency and category' })
  byCategory: PartyQueryCategoryRow[];

  @ApiProperty({ type: [PartyDenialReasonRow], description: 'denied agency results per reason' })
  denialReasons: PartyDenialReasonRow[];
}

export class PartyReferralTypeRow extends PartyRowKey {
  @ApiProperty({ example: 'af.inskrivning-arbetssokande' })
  referralType: string;

  @ApiProperty({ type: Number, nullable: true, description: `referrals sent in the period; ${SUPPRESSED}` })
  sent: number | null;

  @ApiProperty({ type: Number, nullable: true, description: `of them accepted or declined; ${SUPPRESSED}` })
  answered: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: `of them answered within the agreement's response time; ${SUPPRESSED}`,
  })
  answeredInTime: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'median hours from sent to the first accept or decline; null when fewer than 5 were answered',
  })
  answerMedianHours: number | null;

  @ApiProperty({ type: Number, nullable: true, description: "the agreement's response time for the type, hours" })
  agreedHours: number | null;
}

export class PartyOverdueRow extends PartyRowKey {
  @ApiProperty({ example: 'af.inskrivning-arbetssokande' })
  referralType: string;

  @ApiProperty({ type: Number, nullable: true, description: SUPPRESSED })
  count: number | null;
}

export class PartyOverdue {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: `referrals sent or received and past their response time, now, whenever sent; ${SUPPRESSED}`,
  })
  count: number | null;

  @ApiProperty({ type: [PartyOverdueRow] })
  byType: PartyOverdueRow[];
}

export class PartyReferrals {
  @ApiProperty({ type: Number, nullable: true, description: `referrals sent in the period; ${SUPPRESSED}` })
  sent: number | null;

  @ApiProperty({ type: [PartyReferralTypeRow], description: 'per municipality, unit, agency and referral type' })
  byType: PartyReferralTypeRow[];

  @ApiProperty({ type: PartyOverdue })
  overdue: PartyOverdue;
}

export class PartyComplaintTopicRow {
  @ApiProperty({ description: 'the municipality that registered them' }) municipality: string;
  @ApiProperty() municipalityName: string;
  @ApiProperty() topic: string;
  @ApiProperty() topicName: string;
  @ApiProperty({ enum: ['klagomal', 'synpunkt'] }) kind: string;
  @ApiProperty({ type: Number, nullable: true, description: SUPPRESSED }) count: number | null;
}

export class PartyComplaintPartyRow {
  @ApiProperty({ description: 'the municipality that registered them' }) municipality: string;
  @ApiProperty() municipalityName: string;
  @ApiProperty({ enum: ['department', 'agency', 'centre'] }) partyKind: string;
  @ApiProperty() party: string;
  @ApiProperty() partyName: string;
  @ApiProperty({ enum: ['klagomal', 'synpunkt'] }) kind: string;
  @ApiProperty({ type: Number, nullable: true, description: SUPPRESSED }) count: number | null;
  @ApiProperty({ type: Number, nullable: true, description: `of them answered; ${SUPPRESSED}` }) answered:
    number | null;
}

export class PartyComplaints {
  @ApiProperty({ type: Number, nullable: true, description: `registered in the period; ${SUPPRESSED}` })
  total: number | null;

  @ApiProperty({ type: [PartyComplaintTopicRow] })
  byTopic: PartyComplaintTopicRow[];

  @ApiProperty({ type: [PartyComplaintPartyRow], description: 'per responsible party (huvudman)' })
  byParty: PartyComplaintPartyRow[];
}

export class PartyFollowUp {
  @ApiProperty({ type: PeriodView })
  period: PeriodView;

  @ApiProperty({ type: PartyScopeView })
  scope: PartyScopeView;

  @ApiProperty({ format: 'date-time' })
  generatedAt: string;

  @ApiProperty({ example: 5, description: 'counts from 1 to this minus one are suppressed (null)' })
  smallNumberThreshold: number;

  @ApiProperty({ type: PartyQueries })
  queries: PartyQueries;

  @ApiProperty({ type: PartyReferrals })
  referrals: PartyReferrals;

  @ApiProperty({
    type: PartyComplaints,
    description: "complaints and suggestions: a municipality's registered ones, an agency's those routed to it",
  })
  complaints: PartyComplaints;

  @ApiProperty({
    type: [String],
    example: ['referrals.byType.2.sent'],
    description:
      'the counts (null) hidden although 5 or more, because a total shown beside them minus the counts shown would ' +
      'give back a suppressed one (secondary suppression); by path, e.g. "queries.byPurpose.3.results", or a ' +
      'total\'s, e.g. "complaints.total"',
  })
  secondarySuppressed: string[];
}
