import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import {
  AGENCY_CODE_PATTERN,
  CATEGORY_CODE_PATTERN,
  CONSENT_METHODS,
  PURPOSES,
  STAFF_ROLES,
  type ConsentMethod,
  type Purpose,
  type StaffRole,
} from '../codes.js';
import { Describe, IsDate, Optional } from '../decorators.js';
import { ORGANISATION_NUMBER_PATTERN } from '../envelope.js';

export class Requester {
  @Describe('organisationsnummer of the requesting organisation, 10 digits')
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @Describe('the unit within the organisation, e.g. "Servicecenter"')
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  unit: string;

  @Describe('opaque identifier of the staff member; resolvable only by the hub and the audit log')
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  staffId: string;
}

@Describe('The law (uppgiftsskyldighet) that obliges the agency to answer, as cited in the agreement.')
export class LegalBasis {
  @Describe('e.g. "SFS 2001:453 11 kap. 11 §"')
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference: string;

  @Optional()
  @IsString()
  @MaxLength(2000)
  text?: string;
}

@Describe(
  "The citizen's consent as the hub holds it, so that the agency can re-check it; revocations arrive as consent.revoked.v1.",
)
export class ConsentSnapshot {
  @IsUUID()
  id: string;

  @Describe('the municipality the consent was given to')
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @IsString()
  @MinLength(1)
  @MaxLength(120)
  unit: string;

  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(PURPOSES.length)
  @ArrayUnique()
  @IsIn(PURPOSES, { each: true })
  purposes: Purpose[];

  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(AGENCY_CODE_PATTERN, { each: true })
  agencies: string[];

  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(CATEGORY_CODE_PATTERN, { each: true })
  categories: string[];

  @IsIn(CONSENT_METHODS)
  method: ConsentMethod;

  @IsString()
  @MinLength(1)
  @MaxLength(128)
  recordedBy: string;

  @Describe('first day of validity, a Swedish calendar day (Europe/Stockholm), inclusive')
  @IsDate()
  validFrom: string;

  @Describe(
    'last day of validity, a Swedish calendar day (Europe/Stockholm), inclusive; at most a year after validFrom',
  )
  @IsDate()
  validUntil: string;
}

/** The staff member behind a query or referral, with the roles the agreement is checked against. */
export class StaffRequester extends Requester {
  @Describe("the staff member's roles, checked against the roles the agreement allows for the purpose")
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(STAFF_ROLES.length)
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  roles: StaffRole[];
}
