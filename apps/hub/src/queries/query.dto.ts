import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
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
  AGENCY_CODE_PATTERN,
  CATEGORY_CODE_PATTERN,
  PURPOSES,
  QUERY_STATUSES,
  REASON_CODES,
  type Purpose,
  type QueryStatus,
  type ReasonCode,
} from '@hub/contracts';

export class MultiAgencyQueryDto {
  @ApiProperty({
    description: 'personnummer or samordningsnummer, with or without century and separator',
    example: '19121212-1212',
  })
  @IsString()
  @MaxLength(20)
  subject: string;

  @ApiProperty({ enum: PURPOSES })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiProperty({ example: ['fk', 'af', 'skv'], description: 'agency codes to ask' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(AGENCY_CODE_PATTERN, { each: true })
  agencies: string[];

  @ApiPropertyOptional({
    description: 'category codes to ask for; without them, every category the agreement allows for the purpose',
    example: ['fk.utbetalningar', 'af.inskrivning', 'skv.folkbokforing'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(CATEGORY_CODE_PATTERN, { each: true })
  categories?: string[];

  @ApiPropertyOptional({ description: "the citizen's consent the query relies on; without it the best valid one" })
  @IsOptional()
  @IsUUID()
  consentId?: string;

  @ApiPropertyOptional({
    description: 'written justification; required when the subject has protected identity',
    maxLength: 2000,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  justification?: string;

  @ApiPropertyOptional({ description: 'the deadline for the whole query, in ms', default: 3000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(10_000)
  deadlineMs?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'the contact of the caller’s unit the query is made during' })
  @IsOptional()
  @IsUUID()
  contactId?: string;
}

export class ReleasedCategoryView {
  @ApiProperty()
  category: string;

  @ApiProperty({
    description: '`records`: a list of objects with the fields the catalogue names',
    type: 'object',
    properties: { records: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    additionalProperties: true,
  })
  data: Record<string, unknown>;
}

export class DeniedCategoryView {
  @ApiProperty()
  category: string;

  @ApiProperty({ enum: REASON_CODES })
  reason: ReasonCode;
}

export class DecisionAgreementView {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
}

export class AgencyResultView {
  @ApiProperty()
  agency: string;

  @ApiProperty({ enum: QUERY_STATUSES })
  status: QueryStatus;

  @ApiPropertyOptional({ enum: REASON_CODES })
  reason?: ReasonCode;

  @ApiPropertyOptional({ type: DecisionAgreementView, description: 'the agreement version the decision used' })
  agreement?: DecisionAgreementView;

  @ApiPropertyOptional({ description: 'whether the agency has the subject in its registers' })
  found?: boolean;

  @ApiProperty({ type: [ReleasedCategoryView] })
  released: ReleasedCategoryView[];

  @ApiProperty({ type: [DeniedCategoryView] })
  denied: DeniedCategoryView[];

  @ApiPropertyOptional()
  latencyMs?: number;
}

export class MultiAgencyQueryView {
  @ApiProperty({ description: 'the correlation id of the query in the audit log' })
  queryId: string;

  @ApiProperty({ example: '191212-****' })
  subject: string;

  @ApiProperty({ enum: PURPOSES })
  purpose: Purpose;

  @ApiProperty()
  protectedIdentity: boolean;

  @ApiPropertyOptional()
  handlingInstruction?: string;

  @ApiProperty({ type: [AgencyResultView] })
  results: AgencyResultView[];

  @ApiPropertyOptional({ format: 'uuid', description: 'the contact the query was made during' })
  contactId?: string;
}
