import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  AGENCY_CODE_PATTERN,
  CATEGORY_CODE_PATTERN,
  PERSONAL_IDENTITY_NUMBER_PATTERN,
  QUERY_REPLY_STATUSES,
  REASON_CODES,
  type QueryReplyStatus,
  type ReasonCode,
} from '../codes.js';
import { Describe, IsRecord, Optional } from '../decorators.js';
import { ConsentSnapshot, LegalBasis, StaffRequester } from './common.js';

export const MAX_CATEGORIES_PER_QUERY = 50;

@Describe('A query to one agency about one subject for the purpose in the envelope.')
export class QueryRequestV1 {
  @Describe('personnummer or samordningsnummer, normalised to 12 digits without separator')
  @Matches(PERSONAL_IDENTITY_NUMBER_PATTERN)
  subject: string;

  @Describe("category codes from the agency's catalogue")
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_CATEGORIES_PER_QUERY)
  @ArrayUnique()
  @Matches(CATEGORY_CODE_PATTERN, { each: true })
  categories: string[];

  @ValidateNested()
  @Type(() => StaffRequester)
  @IsDefined()
  requester: StaffRequester;

  @Describe("the citizen's consent (samtycke) the query relies on")
  @Optional()
  @IsUUID()
  consentId?: string;

  @Describe(
    'the consent named by consentId, as recorded; required with consentId. The adapter uses it only when its `id` ' +
      "equals `consentId`, and then only if: the consent is of the query's `subject`, was given to the requester's " +
      'organisation and unit, by a known method, has not been revoked (consent.revoked.v1) at or before now, today ' +
      'is within validFrom..validUntil (Swedish days) and that span is at most a year, and its purposes include the ' +
      "envelope's purpose and its agencies this agency; each `consent`-class category must be in its categories",
  )
  @Optional()
  @ValidateNested()
  @Type(() => ConsentSnapshot)
  consent?: ConsentSnapshot;

  @Optional()
  @ValidateNested()
  @Type(() => LegalBasis)
  legalBasis?: LegalBasis;

  @Describe("the staff member's written justification; required by the hub when the subject has protected identity")
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  justification?: string;

  @Describe('set by the hub when it already knows the subject has protected identity (skyddade personuppgifter)')
  @Optional()
  @IsBoolean()
  protectedIdentityKnown?: boolean;
}

export class ReleasedCategory {
  @Matches(CATEGORY_CODE_PATTERN)
  category: string;

  @Describe("the category's content: `records`, a list of objects with the fields the agency's catalogue names")
  @IsRecord(100)
  data: Record<string, unknown>;
}

export class DeniedCategory {
  @Matches(CATEGORY_CODE_PATTERN)
  category: string;

  @IsIn(REASON_CODES)
  reason: ReasonCode;
}

@Describe("An agency's answer to query.request.v1, sent to the request's reply_to with its correlation id.")
export class QueryReplyV1 {
  @Matches(AGENCY_CODE_PATTERN)
  agency: string;

  @Describe(
    '`denied` when no category is released (every category denied, or the agreement, purpose or role fails): `reason` ' +
      'is then the first failing rule and `released` is empty; `ok` when at least one category is released, the ' +
      'others listed in `denied`. The responder never answers `timeout` or `not-included`: the hub decides those',
  )
  @IsIn(QUERY_REPLY_STATUSES)
  status: QueryReplyStatus;

  @Describe('with `denied`: why, the reason of the first rule that failed')
  @Optional()
  @IsIn(REASON_CODES)
  reason?: ReasonCode;

  @Describe('whether the agency has the subject in its registers')
  @IsBoolean()
  found: boolean;

  @Describe('the subject has sekretessmarkering, skyddad folkbokföring or fingerade personuppgifter')
  @IsBoolean()
  protectedIdentity: boolean;

  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  handlingInstruction?: string;

  @IsArray()
  @ArrayMaxSize(MAX_CATEGORIES_PER_QUERY)
  @ValidateNested({ each: true })
  @Type(() => ReleasedCategory)
  released: ReleasedCategory[];

  @IsArray()
  @ArrayMaxSize(MAX_CATEGORIES_PER_QUERY)
  @ValidateNested({ each: true })
  @Type(() => DeniedCategory)
  denied: DeniedCategory[];
}
