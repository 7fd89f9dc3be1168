import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  AGENCY_CODE_PATTERN,
  AGREEMENT_CHANGES,
  AGREEMENT_STATUSES,
  CATEGORY_CODE_PATTERN,
  PURPOSES,
  REFERRAL_TYPE_PATTERN,
  STAFF_ROLES,
  type AgreementChange,
  type AgreementStatus,
  type Purpose,
  type StaffRole,
} from '../codes.js';
import { Describe, IsDate, IsDateTime, Optional } from '../decorators.js';
import { ORGANISATION_NUMBER_PATTERN } from '../envelope.js';
import { LegalBasis } from './common.js';

export class AgreementParty {
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  unit?: string;
}

@Describe('What the agreement allows for one purpose.')
export class AgreementPurposeTerms {
  @IsIn(PURPOSES)
  purpose: Purpose;

  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(CATEGORY_CODE_PATTERN, { each: true })
  categories: string[];

  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(REFERRAL_TYPE_PATTERN, { each: true })
  referralTypes: string[];

  @IsArray()
  @ArrayMaxSize(STAFF_ROLES.length)
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  roles: StaffRole[];

  @Describe("whether every category released for the purpose needs the citizen's consent, whatever its class")
  @IsBoolean()
  consentRequired: boolean;

  @Describe('the uppgiftsskyldighet the agreement cites for the purpose, when one applies')
  @Optional()
  @ValidateNested()
  @Type(() => LegalBasis)
  legalBasis?: LegalBasis;
}

export class AgreementApproval {
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  approvedBy?: string;

  @Optional()
  @IsDateTime()
  approvedAt?: string;
}

@Describe('A samtjänst agreement changed. Every version stays readable; receivers re-check the version they rely on.')
export class AgreementChangedV1 {
  @IsUUID()
  agreementId: string;

  @IsInt()
  @Min(1)
  version: number;

  @Describe('the status of this version after the change')
  @IsIn(AGREEMENT_STATUSES)
  status: AgreementStatus;

  @IsIn(AGREEMENT_CHANGES)
  change: AgreementChange;

  @Describe('first day of validity, a Swedish calendar day (Europe/Stockholm), inclusive')
  @IsDate()
  validFrom: string;

  @Describe('last day of validity, a Swedish calendar day (Europe/Stockholm), inclusive')
  @IsDate()
  validTo: string;

  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => AgreementParty)
  parties: AgreementParty[];

  @Describe("the agency party's code in the catalogues and routing keys, e.g. fk")
  @Matches(AGENCY_CODE_PATTERN)
  agency: string;

  @Describe('who approved this version; nothing is enforced before both parties have')
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => AgreementApproval)
  approvals: AgreementApproval[];

  @Describe('the terms of this version per purpose, so that a receiver can re-check a request with the policy')
  @IsArray()
  @ArrayMaxSize(PURPOSES.length)
  @ValidateNested({ each: true })
  @Type(() => AgreementPurposeTerms)
  purposes: AgreementPurposeTerms[];
}
