import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  AGENCY_CODE_PATTERN,
  CATEGORY_CODE_PATTERN,
  FIELD_KINDS,
  REFERRAL_TYPE_PATTERN,
  SECRECY_CLASSES,
  type FieldKind,
  type SecrecyClass,
} from '../codes.js';
import { Describe } from '../decorators.js';
import { ORGANISATION_NUMBER_PATTERN } from '../envelope.js';

export const FIELD_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/;

export class CatalogueField {
  @Matches(FIELD_NAME_PATTERN)
  name: string;

  @Describe('address and location fields never leave the hub for a subject with protected identity')
  @IsIn(FIELD_KINDS)
  kind: FieldKind;
}

export class CatalogueCategory {
  @Matches(CATEGORY_CODE_PATTERN)
  code: string;

  @IsIn(SECRECY_CLASSES)
  secrecyClass: SecrecyClass;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  description: string;

  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CatalogueField)
  fields: CatalogueField[];
}

export class CatalogueReferralType {
  @Matches(REFERRAL_TYPE_PATTERN)
  code: string;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  description: string;

  @Describe('the agreed response time; a referral not answered by then is flagged as overdue')
  @IsInt()
  @Min(1)
  @Max(8760)
  responseTimeHours: number;
}

@Describe('An agency announces its catalogue of data categories and referral types. The latest announcement wins.')
export class CatalogueAnnouncedV1 {
  @Matches(AGENCY_CODE_PATTERN)
  agency: string;

  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CatalogueCategory)
  categories: CatalogueCategory[];

  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CatalogueReferralType)
  referralTypes: CatalogueReferralType[];
}
