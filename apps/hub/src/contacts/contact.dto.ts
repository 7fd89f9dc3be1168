import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import {
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  TOPIC_TYPE_CODE_PATTERN,
  type ContactChannel,
  type ContactOutcome,
} from '@hub/contracts';
import { SurveyTokenView } from '../surveys/survey.dto.js';

export const NOTE_MAX = 2000;
/** a week: an e-mail may wait that long for its answer */
export const WAITING_SECONDS_MAX = 604_800;
/** a day: longer is a recording error, not a contact */
export const HANDLING_SECONDS_MAX = 86_400;

export class LogContactDto {
  @ApiProperty({ enum: CONTACT_CHANNELS })
  @IsIn(CONTACT_CHANNELS)
  channel: ContactChannel;

  @ApiProperty({ description: 'a topic type code of the municipality’s taxonomy', example: 'gata-park.snorojning' })
  @Matches(TOPIC_TYPE_CODE_PATTERN)
  topic: string;

  @ApiProperty({ minimum: 1, maximum: 8, description: 'ROSA level of the work the contact needed' })
  @IsInt()
  @Min(1)
  @Max(8)
  rosa: number;

  @ApiProperty({ enum: CONTACT_OUTCOMES })
  @IsIn(CONTACT_OUTCOMES)
  outcome: ContactOutcome;

  @ApiPropertyOptional({ description: 'ISO 639-1 code of the language used', default: 'sv', example: 'ar' })
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'language must be an ISO 639-1 code such as sv, en or ar' })
  language?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  interpreter?: boolean;

  @ApiPropertyOptional({ maxLength: NOTE_MAX, description: 'free text without personal identity numbers' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(NOTE_MAX)
  note?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: WAITING_SECONDS_MAX,
    description: 'seconds the citizen waited before the contact began (queue system, phone switch), when known',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(WAITING_SECONDS_MAX)
  waitingSeconds?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: HANDLING_SECONDS_MAX,
    description: 'seconds the contact took, when known',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(HANDLING_SECONDS_MAX)
  handlingSeconds?: number;

  @ApiPropertyOptional({
    description: 'personnummer, only when the work needs one; stored as the keyed subject hash',
    example: '19121212-1212',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  subject?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the knowledge-base article of the caller’s municipality the guide answered with',
  })
  @IsOptional()
  @IsUUID()
  articleId?: string;
}

export class ListContactsQuery {
  @ApiPropertyOptional({ description: 'the day (Swedish time); today when left out', example: '2025-11-24' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  date?: string;
}

export class ContactView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  unit: string;
  @ApiProperty()
  createdAt: string;
  @ApiProperty()
  createdBy: string;
  @ApiProperty({ enum: CONTACT_CHANNELS })
  channel: ContactChannel;
  @ApiProperty({ example: 'gata-park.snorojning' })
  topic: string;
  @ApiProperty({ example: 'Snöröjning och halkbekämpning' })
  topicName: string;
  @ApiProperty({ example: 'gata-park' })
  category: string;
  @ApiProperty({ minimum: 1, maximum: 8 })
  rosa: number;
  @ApiProperty({ enum: CONTACT_OUTCOMES })
  outcome: ContactOutcome;
  @ApiProperty({ example: 'sv' })
  language: string;
  @ApiProperty()
  interpreter: boolean;
  @ApiPropertyOptional()
  note?: string;
  @ApiPropertyOptional({ description: 'seconds the citizen waited, when recorded' })
  waitingSeconds?: number;
  @ApiPropertyOptional({ description: 'seconds the contact took, when recorded' })
  handlingSeconds?: number;
  @ApiPropertyOptional({ example: '19121212-****', description: 'masked; set only when the work needed one' })
  subject?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'the knowledge-base article the guide answered with' })
  articleId?: string;
  @ApiPropertyOptional({ type: [String], description: 'ids of the queries made during the contact (GET by id)' })
  queries?: string[];
  @ApiPropertyOptional({ type: [String], description: 'ids of the referrals made during the contact (GET by id)' })
  referrals?: string[];

  @ApiPropertyOptional({
    type: SurveyTokenView,
    description: 'only in the answer that logs the contact: its one-time survey token, never shown again',
  })
  survey?: SurveyTokenView;
}
