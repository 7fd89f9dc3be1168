import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  AGENCY_CODE_PATTERN,
  CATEGORY_CODE_PATTERN,
  CONSENT_METHODS,
  PURPOSES,
  type ConsentMethod,
  type Purpose,
} from '@hub/contracts';

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export const CONSENT_STATUSES = ['active', 'pending', 'expired', 'revoked'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

const PERSONNUMMER = {
  description:
    'personnummer or samordningsnummer: YYYYMMDD-NNNC, YYMMDD-NNNC (+ for 100 or older), or without separator',
  example: '19121212-1212',
};

export class RecordConsentDto {
  @ApiProperty(PERSONNUMMER)
  @IsString()
  @MaxLength(20)
  subject: string;

  @ApiProperty({ enum: PURPOSES, isArray: true, example: ['vagledning'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(PURPOSES, { each: true })
  purposes: Purpose[];

  @ApiProperty({ description: 'agency codes of the announced catalogues', example: ['fk', 'af'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(AGENCY_CODE_PATTERN, { each: true })
  agencies: string[];

  @ApiProperty({
    description: 'category codes of the named agencies’ catalogues; `never` categories are refused',
    example: ['fk.utbetalningar', 'fk.pagaende-arenden', 'af.inskrivning'],
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(CATEGORY_CODE_PATTERN, { each: true })
  categories: string[];

  @ApiProperty({ enum: CONSENT_METHODS, example: 'in-person-written' })
  @IsIn(CONSENT_METHODS)
  method: ConsentMethod;

  @ApiPropertyOptional({
    description: 'first day of validity (Swedish calendar day); today when left out, never in the past',
    format: 'date',
    example: '2025-03-05',
  })
  @IsOptional()
  @IsString()
  @Matches(DAY_PATTERN, { message: 'validFrom must be a day YYYY-MM-DD' })
  validFrom?: string;

  @ApiProperty({
    description: 'last day of validity, inclusive; at most one year after validFrom',
    example: '2026-03-04',
  })
  @IsString()
  @Matches(DAY_PATTERN, { message: 'validUntil must be a day YYYY-MM-DD' })
  validUntil: string;
}

export class ListConsentsQuery {
  @ApiProperty(PERSONNUMMER)
  @IsString()
  @MaxLength(20)
  subject: string;
}

export class ConsentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiPropertyOptional({
    description: 'the subject, masked; given when the request named the subject',
    example: '19121212-****',
  })
  subject?: string;

  @ApiProperty({
    description: 'organisationsnummer of the municipality the consent was given to',
    example: '2120001967',
  })
  organisation: string;

  @ApiProperty({ example: 'Servicecenter' })
  unit: string;

  @ApiProperty({ enum: PURPOSES, isArray: true })
  purposes: Purpose[];

  @ApiProperty({ example: ['fk'] })
  agencies: string[];

  @ApiProperty({ example: ['fk.utbetalningar'] })
  categories: string[];

  @ApiProperty({ enum: CONSENT_METHODS })
  method: ConsentMethod;

  @ApiProperty({ description: 'the staff member who recorded it' })
  recordedBy: string;

  @ApiProperty({ format: 'date', example: '2025-03-05' })
  validFrom: string;

  @ApiProperty({ description: 'last day of validity, inclusive', format: 'date', example: '2026-03-04' })
  validUntil: string;

  @ApiProperty({
    enum: CONSENT_STATUSES,
    description: 'today, in Swedish time: pending before validFrom, expired after validUntil',
  })
  status: ConsentStatus;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({ format: 'date-time' })
  revokedAt?: string;

  @ApiPropertyOptional({ description: 'the staff member who recorded the revocation' })
  revokedBy?: string;
}
