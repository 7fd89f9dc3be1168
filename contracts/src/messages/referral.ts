import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import {
  AGENCY_CODE_PATTERN,
  CONTACT_PREFERENCES,
  PERSONAL_IDENTITY_NUMBER_PATTERN,
  REFERRAL_STATUSES,
  REFERRAL_TYPE_PATTERN,
  type ContactPreference,
  type ReferralStatus,
} from '../codes.js';
import { Describe, IsDateTime, Optional, RequiredUnless } from '../decorators.js';
import { ORGANISATION_NUMBER_PATTERN, SERVICE_NAME_PATTERN } from '../envelope.js';
import { ConsentSnapshot, LegalBasis, StaffRequester } from './common.js';

@Describe('A referral (remiss) from the front office to one agency. Consumed idempotently by referralId.')
export class ReferralCreatedV1 {
  @IsUUID()
  referralId: string;

  @Matches(AGENCY_CODE_PATTERN)
  agency: string;

  @Describe("a referral type from the agency's catalogue, e.g. af.inskrivning-arbetssokande")
  @Matches(REFERRAL_TYPE_PATTERN)
  referralType: string;

  @Describe('personnummer or samordningsnummer, normalised to 12 digits without separator')
  @Matches(PERSONAL_IDENTITY_NUMBER_PATTERN)
  subject: string;

  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  message: string;

  @IsIn(CONTACT_PREFERENCES)
  contactPreference: ContactPreference;

  @Describe("the citizen's consent (samtycke) the referral relies on")
  @Optional()
  @IsUUID()
  consentId?: string;

  @Describe('the consent named by consentId, as recorded, so that the agency can re-check it')
  @Optional()
  @ValidateNested()
  @Type(() => ConsentSnapshot)
  consent?: ConsentSnapshot;

  @Optional()
  @ValidateNested()
  @Type(() => LegalBasis)
  legalBasis?: LegalBasis;

  @ValidateNested()
  @Type(() => StaffRequester)
  @IsDefined()
  requester: StaffRequester;

  @Describe('the agreed response time of the referral type, from when it was sent')
  @IsDateTime()
  respondBy: string;
}

@Describe("Who changed a referral's status: a named officer, a service, or both.")
export class ReferralActor {
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @Describe("the officer's name as the agency chooses to show it")
  @RequiredUnless('service')
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @RequiredUnless('name')
  @Matches(SERVICE_NAME_PATTERN)
  service?: string;
}

@Describe(
  "A change in a referral's lifecycle: sent → received → accepted | declined → in-progress → closed, or cancelled.",
)
export class ReferralStatusV1 {
  @IsUUID()
  referralId: string;

  @Matches(AGENCY_CODE_PATTERN)
  agency: string;

  @IsIn(REFERRAL_STATUSES)
  status: ReferralStatus;

  @IsDateTime()
  at: string;

  @ValidateNested()
  @Type(() => ReferralActor)
  @IsDefined()
  actor: ReferralActor;

  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note?: string;
}
