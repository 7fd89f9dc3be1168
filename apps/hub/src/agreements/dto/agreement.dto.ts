import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  AGREEMENT_STATUSES,
  PURPOSES,
  STAFF_ROLES,
  type AgreementStatus,
  type Purpose,
  type StaffRole,
} from '@hub/contracts';

export class LegalBasisDto {
  @ApiProperty({ example: 'SFS 2001:453 11 kap. 11 §' })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  reference: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  text?: string;
}

export class PurposeTermsDto {
  @ApiProperty({ example: ['fk.utbetalningar', 'fk.pagaende-arenden'] })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(80, { each: true })
  categories: string[];

  @ApiProperty({ example: ['fk.bostadsbidrag-ansokan'] })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(80, { each: true })
  referralTypes: string[];

  @ApiProperty({ enum: STAFF_ROLES, isArray: true, example: ['guide'] })
  @IsArray()
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  roles: StaffRole[];

  @ApiProperty()
  @IsBoolean()
  consentRequired: boolean;

  @ApiPropertyOptional({ type: LegalBasisDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LegalBasisDto)
  legalBasis?: LegalBasisDto;
}

export class MunicipalityPartyDto {
  @ApiProperty({ example: '2120001967' })
  @Matches(/^[0-9]{10}$/)
  organisation: string;

  @ApiProperty({ example: 'Servicecenter' })
  @IsString()
  @MaxLength(120)
  unit: string;
}

export class AgencyPartyDto {
  @ApiProperty({ example: '2021005521' })
  @Matches(/^[0-9]{10}$/)
  organisation: string;
}

/** The terms of a version: what an amendment changes. */
@ApiExtraModels(PurposeTermsDto)
export class AgreementTermsDto {
  @ApiProperty({ example: 'Samtjänst Servicecenter – Försäkringskassan' })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  title: string;

  @ApiProperty({ example: '2026-01-01' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'validFrom must be a date YYYY-MM-DD' })
  validFrom: string;

  @ApiProperty({ example: '2027-12-31' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'validTo must be a date YYYY-MM-DD' })
  validTo: string;

  @ApiProperty({
    description: `per purpose code (${PURPOSES.join(', ')}) what the agreement allows`,
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(PurposeTermsDto) },
  })
  @IsObject()
  purposes: Record<string, PurposeTermsDto>;
}

export class CreateAgreementDto extends AgreementTermsDto {
  @ApiProperty({ type: MunicipalityPartyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MunicipalityPartyDto)
  municipality: MunicipalityPartyDto;

  @ApiProperty({ type: AgencyPartyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AgencyPartyDto)
  agency: AgencyPartyDto;
}

export class ChangeNoteDto {
  @ApiPropertyOptional({ description: 'why, for the history' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class AgreementAgencyView {
  @ApiProperty({ example: '2021005521' }) organisation: string;
  @ApiProperty({ example: 'fk' }) agency: string;
}

export class ApprovalView {
  @ApiProperty() organisation: string;
  @ApiPropertyOptional() approvedBy?: string;
  @ApiPropertyOptional() approvedAt?: string;
}

@ApiExtraModels(PurposeTermsDto)
export class AgreementVersionView {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty() title: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES, description: 'as of today: past validTo reads expired' })
  status: AgreementStatus;
  @ApiProperty({ type: MunicipalityPartyDto }) municipality: MunicipalityPartyDto;
  @ApiProperty({ type: AgreementAgencyView }) agency: AgreementAgencyView;
  @ApiProperty() validFrom: string;
  @ApiProperty() validTo: string;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(PurposeTermsDto) } })
  purposes: Partial<Record<Purpose, PurposeTermsDto>>;
  @ApiProperty({ type: [ApprovalView] }) approvals: ApprovalView[];
  @ApiPropertyOptional() supersededAt?: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: string;
}

export class AgreementEventView {
  @ApiProperty() version: number;
  @ApiProperty() change: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status: AgreementStatus;
  @ApiProperty() actor: string;
  @ApiPropertyOptional() organisation?: string;
  @ApiPropertyOptional() note?: string;
  @ApiProperty() at: string;
}

export class AgreementView extends AgreementVersionView {
  @ApiProperty({ description: 'the newest version; `version` above is the one shown' }) latestVersion: number;
  @ApiPropertyOptional({ type: [AgreementVersionView], description: 'with a single agreement, not in the list' })
  versions?: AgreementVersionView[];
  @ApiPropertyOptional({ type: [AgreementEventView], description: 'with a single agreement, not in the list' })
  history?: AgreementEventView[];
}
