import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Equals,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { AGENCY_CODE_PATTERN, ORGANISATION_KINDS, type OrganisationKind } from '@hub/contracts';

/** A name as people write it: something to read, no surrounding blanks, no line breaks. */
export const NAME_PATTERN = /^\S(?:[^\n\r\t]*\S)?$/;
const NAME_MAX = 120;

export class RegisterOrganisationDto {
  @ApiProperty({ description: 'organisationsnummer, NNNNNN-NNNN or ten digits; the check digit is verified' })
  @IsString()
  @MaxLength(20)
  number: string;

  @ApiProperty({ example: 'Karlskoga kommun' })
  @IsString()
  @MinLength(2)
  @MaxLength(NAME_MAX)
  @Matches(NAME_PATTERN, { message: 'name must not start or end with a blank or hold a line break' })
  name: string;

  @ApiProperty({ enum: ORGANISATION_KINDS })
  @IsIn(ORGANISATION_KINDS)
  kind: OrganisationKind;

  @ApiPropertyOptional({
    description: 'agencies only (and required for them): the code its adapter announces',
    example: 'pm',
  })
  @IsOptional()
  @IsString()
  @Matches(AGENCY_CODE_PATTERN)
  agencyCode?: string;

  @ApiPropertyOptional({
    description: 'agencies only: the broker user of its adapter, `adapter-<agencyCode>` (the default)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  brokerAccount?: string;
}

export class ChangeOrganisationDto {
  @ApiPropertyOptional({ description: 'the new name' })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(NAME_MAX)
  @Matches(NAME_PATTERN, { message: 'name must not start or end with a blank or hold a line break' })
  name?: string;

  @ApiPropertyOptional({ description: '`true` closes the organisation and its units for good', enum: [true] })
  @IsOptional()
  @Equals(true, { message: 'closed can only be true: a closed organisation is not reopened' })
  closed?: true;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'email',
    example: 'uppfoljning@orebro.se',
    description:
      "where the party's monthly follow-up report is mailed; null removes it. The hub's operators and the " +
      "organisation's own administrators (admin, agency-admin) may set it; they nothing else.",
  })
  @ValidateIf((_dto, value) => value !== null)
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'reportAddress must be an e-mail address' })
  reportAddress?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 365,
    example: 30,
    description:
      'municipalities: how many days a consent given by phone (`telefon`) is valid at most, counted from its first ' +
      "day; null returns to the hub's default (30). The organisation's own admin or an operator sets it.",
  })
  @ValidateIf((_dto, value) => value !== null)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  phoneConsentDays?: number | null;
}

export class ListOrganisationsQuery {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;
}

export class OrganisationView {
  @ApiProperty({ example: '2120001991' })
  number: string;
  @ApiProperty({ example: 'Karlskoga kommun' })
  name: string;
  @ApiProperty({ enum: ORGANISATION_KINDS })
  kind: OrganisationKind;
  @ApiPropertyOptional({ example: 'pm' })
  agencyCode?: string;
  @ApiPropertyOptional({ description: 'shown to operators', example: 'adapter-pm' })
  brokerAccount?: string;
  @ApiPropertyOptional({ description: 'shown to operators' })
  registeredAt?: string;
  @ApiPropertyOptional({ description: 'shown to operators' })
  registeredBy?: string;
  @ApiPropertyOptional()
  closedAt?: string;
  @ApiPropertyOptional({ description: 'shown to operators' })
  closedBy?: string;
  @ApiPropertyOptional({ description: "shown to operators and the organisation's own staff, when one is set" })
  reportAddress?: string;
  @ApiPropertyOptional({
    description:
      'municipalities, shown to operators and its own staff: how many days a consent given by phone is valid at most ' +
      '(the default when not set)',
    example: 30,
  })
  phoneConsentDays?: number;
}
