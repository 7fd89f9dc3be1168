import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CONTACT_CHANNELS, CONTACT_PREFERENCES, type ContactChannel, type ContactPreference } from '@hub/contracts';
import { CitizenContactDto, ErrandCitizenView } from '../errands/errand.dto.js';
import { TOPIC_CODE_PATTERN } from '../errands/topic-rules.js';
import { PeriodView, ScopeView } from '../follow-up/follow-up.dto.js';

export const COMPLAINT_KINDS = ['klagomal', 'synpunkt'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];

/** Who answers for what the complaint is about: a department of the municipality, an agency, or the centre itself. */
export const PARTY_KINDS = ['department', 'agency', 'centre'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

export const COMPLAINT_STATUSES = ['open', 'answered'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export class ResponsiblePartyDto {
  @ApiProperty({ enum: PARTY_KINDS })
  @IsIn(PARTY_KINDS)
  kind: PartyKind;

  @ApiPropertyOptional({ description: "kind department: a department unit of the caller's municipality" })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ description: 'kind agency: its organisationsnummer', example: '2021005521' })
  @IsOptional()
  @Matches(/^[0-9]{10}$/)
  agency?: string;
}

export class RegisterComplaintDto {
  @ApiProperty({ enum: COMPLAINT_KINDS })
  @IsIn(COMPLAINT_KINDS)
  kind: ComplaintKind;

  @ApiProperty({ enum: CONTACT_CHANNELS, description: 'how it came in' })
  @IsIn(CONTACT_CHANNELS)
  channel: ContactChannel;

  @ApiProperty({ description: "a topic type of the municipality's taxonomy", example: 'gata-park.snorojning' })
  @Matches(TOPIC_CODE_PATTERN)
  topic: string;

  @ApiProperty({ maxLength: 4000, description: 'what the citizen said; never a personnummer' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  text: string;

  @ApiProperty({ type: ResponsiblePartyDto })
  @ValidateNested()
  @Type(() => ResponsiblePartyDto)
  party: ResponsiblePartyDto;

  @ApiProperty({ description: 'the citizen wants an answer; only then are contact details taken' })
  @IsBoolean()
  wantsAnswer: boolean;

  @ApiPropertyOptional({ type: CitizenContactDto, description: 'only when the citizen wants an answer' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CitizenContactDto)
  citizen?: CitizenContactDto;

  @ApiPropertyOptional({ enum: CONTACT_PREFERENCES, description: 'required when the citizen wants an answer' })
  @IsOptional()
  @IsIn(CONTACT_PREFERENCES)
  preferredChannel?: ContactPreference;
}

export class AnswerComplaintDto {
  @ApiProperty({ maxLength: 4000, description: 'the answer given, or to be given, to the citizen' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  answer: string;
}

export class ResponsiblePartyView {
  @ApiProperty({ enum: PARTY_KINDS }) kind: PartyKind;
  @ApiProperty({ description: 'the department’s or the centre’s unit name, or the agency’s organisationsnummer' })
  id: string;
  @ApiProperty() name: string;
}

export class ComplaintView {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'the unit that registered it' }) unit: string;
  @ApiProperty({ enum: COMPLAINT_KINDS }) kind: ComplaintKind;
  @ApiProperty({ enum: CONTACT_CHANNELS }) channel: string;
  @ApiProperty() topic: string;
  @ApiProperty() topicName: string;
  @ApiProperty() text: string;
  @ApiProperty({ type: ResponsiblePartyView }) party: ResponsiblePartyView;
  @ApiProperty() wantsAnswer: boolean;
  @ApiProperty({ type: ErrandCitizenView }) citizen: ErrandCitizenView;
  @ApiPropertyOptional({ enum: CONTACT_PREFERENCES }) preferredChannel?: string;
  @ApiPropertyOptional({ description: 'the errand the department answers it in' }) errandId?: string;
  @ApiProperty() respondBy: string;
  @ApiProperty({ description: 'not answered by respondBy' }) overdue: boolean;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) status: ComplaintStatus;
  @ApiPropertyOptional() answer?: string;
  @ApiPropertyOptional() answeredBy?: string;
  @ApiPropertyOptional() answeredAt?: string;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
}

export class ComplaintTopicCount {
  @ApiProperty() topic: string;
  @ApiProperty() topicName: string;
  @ApiProperty({ enum: COMPLAINT_KINDS }) kind: ComplaintKind;
  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4 (small numbers)' }) count: number | null;
}

export class ComplaintPartyCount {
  @ApiProperty({ enum: PARTY_KINDS }) partyKind: PartyKind;
  @ApiProperty() party: string;
  @ApiProperty() partyName: string;
  @ApiProperty({ enum: COMPLAINT_KINDS }) kind: ComplaintKind;
  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4 (small numbers)' }) count: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4' }) answered: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'open past their response time now; null when 1 to 4' })
  overdue: number | null;
}

export class ComplaintCountsView {
  @ApiProperty({ type: PeriodView }) period: PeriodView;
  @ApiProperty({ type: ScopeView }) scope: ScopeView;
  @ApiProperty({ example: 5, description: 'counts from 1 to this minus one are suppressed (null)' })
  smallNumberThreshold: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null when 1 to 4' }) total: number | null;
  @ApiProperty({ type: [ComplaintTopicCount] }) byTopic: ComplaintTopicCount[];
  @ApiProperty({ type: [ComplaintPartyCount] }) byParty: ComplaintPartyCount[];
  @ApiProperty({
    type: [String],
    example: ['byParty.1.count'],
    description:
      'the counts (null) hidden although 5 or more, because the total minus the counts shown would give back a ' +
      'suppressed one (secondary suppression); by path, e.g. "byTopic.2.count", or "total"',
  })
  secondarySuppressed: string[];
}
