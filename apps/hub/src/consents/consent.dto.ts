import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
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

/** A consent to be signed by the citizen with e-legitimation: everything but the method, which is that. */
export class StartConsentSigningDto extends OmitType(RecordConsentDto, ['method'] as const) {}

export class ListConsentsQuery {
  @ApiProperty(PERSONNUMMER)
  @IsString()
  @MaxLength(20)
  subject: string;
}

export class ConsentSignatureView {
  @ApiProperty({ description: 'SHA-256 of the signed text, hex' })
  textSha256: string;

  @ApiProperty({
    description: 'level of assurance of the e-legitimation',
    example: 'http://id.elegnamnden.se/loa/1.0/loa3',
  })
  loa: string;

  @ApiProperty({ format: 'uuid', description: 'the signing at the desk it came from' })
  signingId: string;
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

  @ApiPropertyOptional({
    type: () => ConsentSignatureView,
    description: 'for method e-legitimation: what the citizen signed',
  })
  signature?: ConsentSignatureView;
}

export const SIGNING_STATUSES = ['pending', 'complete', 'failed', 'cancelled', 'expired'] as const;
export type ConsentSigningStatus = (typeof SIGNING_STATUSES)[number];
export const SIGNING_FAILURES = ['refused', 'other-signer', 'invalid-signature'] as const;
export type SigningFailure = (typeof SIGNING_FAILURES)[number];

export class ConsentSigningView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    enum: SIGNING_STATUSES,
    description:
      'pending until the citizen signed (complete, the consent stored), refused (failed), or the guide cancelled or ' +
      'the time ran out',
  })
  status: ConsentSigningStatus;

  @ApiPropertyOptional({
    description:
      'while pending: what the QR code shows this second; it changes every second (ask again), and the citizen’s ' +
      'e-ID app opens it',
  })
  qrData?: string;

  @ApiPropertyOptional({ description: 'while pending: whether the citizen has opened it in the app' })
  openedInApp?: boolean;

  @ApiProperty({ description: 'the text the citizen is asked to sign, in plain Swedish' })
  text: string;

  @ApiProperty({ description: 'SHA-256 of the text as UTF-8, hex' })
  textSha256: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'once complete: the consent stored' })
  consentId?: string;

  @ApiPropertyOptional({
    enum: SIGNING_FAILURES,
    description:
      'once failed: refused by the citizen, signed by someone other than the subject, or a signature that does not ' +
      'verify against the provider’s keys (nothing is stored then)',
  })
  failure?: SigningFailure;
}
