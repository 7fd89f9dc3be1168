import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
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
import { CONTACT_PREFERENCES, type ContactPreference } from '../codes.js';
import { Describe, IsDateTime, Optional } from '../decorators.js';
import { ORGANISATION_NUMBER_PATTERN } from '../envelope.js';
import { DEPARTMENT_SLUG_PATTERN } from '../sender-rules.js';
import { ReferralActor } from './referral.js';

/** What an errand's department reports, as the built-in inbox moves it: `sent → taken → answered → closed`. */
export const ERRAND_REPORTED_STATUSES = ['taken', 'answered', 'closed'] as const;
export type ErrandReportedStatus = (typeof ERRAND_REPORTED_STATUSES)[number];

/**
 * What an `errand.status.v1` tells: a department's system reports the statuses above; the hub tells the department's
 * system of the same ones when its staff move the errand in the hub's inbox, of a hand-over to another department
 * (`handed-over`) and of the front office withdrawing the errand (`withdrawn`).
 */
export const ERRAND_STATUS_EVENTS = [...ERRAND_REPORTED_STATUSES, 'handed-over', 'withdrawn'] as const;
export type ErrandStatusEvent = (typeof ERRAND_STATUS_EVENTS)[number];

const TOPIC_PATTERN = /^[a-z][a-z0-9-]{1,31}\.[a-z0-9][a-z0-9-]{1,63}$/;

@Describe("The citizen's contact details an errand carries: for a secrecy-sensitive topic only those allowed.")
export class ErrandCitizen {
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @Optional()
  @Matches(/^\+?[0-9][0-9 -]{4,38}$/)
  phone?: string;

  @Optional()
  @Matches(/^[^\s@]+@[^\s@]+\.[^\s@]+$/)
  @MaxLength(200)
  email?: string;
}

@Describe('Who forwarded an errand: a member of staff of a front-office unit of the municipality.')
export class ErrandForwarder {
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  unit: string;

  @Describe("the staff member's id in the municipality's identity provider")
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  staffId: string;
}

@Describe(
  "An errand (ärende) a front office forwards to a department of its own municipality, for the department's own " +
    'case system; sent again to the new department on a hand-over. Consumed idempotently by the envelope id.',
)
export class ErrandForwardedV1 {
  @IsUUID()
  errandId: string;

  @Describe('organisationsnummer of the municipality')
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @Describe("the department's short name, as in the routing key and its system's broker user")
  @Matches(DEPARTMENT_SLUG_PATTERN)
  @MaxLength(40)
  department: string;

  @Describe("the department unit's name")
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  departmentName: string;

  @Describe("a topic type of the municipality's taxonomy, e.g. gata-park.gatubelysning")
  @Matches(TOPIC_PATTERN)
  topic: string;

  @Describe('socialtjänst and its like: only what the citizen allowed is carried')
  @IsBoolean()
  secrecySensitive: boolean;

  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  message: string;

  @ValidateNested()
  @Type(() => ErrandCitizen)
  @IsDefined()
  citizen: ErrandCitizen;

  @IsIn(CONTACT_PREFERENCES)
  preferredChannel: ContactPreference;

  @Describe('the personnummer masked (the hub keeps no more of it), when the errand needs one')
  @Optional()
  @Matches(/^[0-9]{8}-\*{4}$/)
  subject?: string;

  @ValidateNested()
  @Type(() => ErrandForwarder)
  @IsDefined()
  forwardedBy: ErrandForwarder;

  @IsDateTime()
  forwardedAt: string;

  @Describe('the response time the municipality set for the topic, from when the errand was first forwarded')
  @IsDateTime()
  respondBy: string;

  @Describe('on a hand-over: the department unit that handed it on')
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  handedOverFrom?: string;
}

@Describe(
  "A change in an errand's lifecycle (taken → answered → closed, or withdrawn), as a referral's status: a " +
    "department's system moves its errand as the built-in inbox does, and the answer is what the guide reads; the " +
    "hub tells the department's system of each change made in the hub (its inbox, a hand-over, a withdrawal by the " +
    'front office), on the routing key the errand came by.',
)
export class ErrandStatusV1 {
  @IsUUID()
  errandId: string;

  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @Matches(DEPARTMENT_SLUG_PATTERN)
  @MaxLength(40)
  department: string;

  @Describe(
    'from a department: taken, answered or closed; from the hub also handed-over (to another department, named in ' +
      'handedOverTo) and withdrawn (by the front office, the reason in note)',
  )
  @IsIn(ERRAND_STATUS_EVENTS)
  status: ErrandStatusEvent;

  @IsDateTime()
  at: string;

  @ValidateNested()
  @Type(() => ReferralActor)
  @IsDefined()
  actor: ReferralActor;

  @Describe('the answer to the citizen: required to answer, and to close an errand not answered before')
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  answer?: string;

  @Describe("why: the front office's reason for a withdrawal, or the note of a hand-over")
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note?: string;

  @Describe('on a hand-over: the department unit the errand went to')
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  handedOverTo?: string;
}
