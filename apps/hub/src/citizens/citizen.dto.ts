import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import {
  CONSENT_METHODS,
  PURPOSES,
  REFERRAL_STATUSES,
  type ConsentMethod,
  type Purpose,
  type ReferralStatus,
} from '@hub/contracts';
import { CONSENT_STATUSES, type ConsentStatus } from '../consents/consent.dto.js';
import {
  ERRAND_EVENTS,
  ERRAND_STATUSES,
  type ErrandEventKind,
  type ErrandStatus,
} from '../errands/errand-lifecycle.js';

export class CitizenMeView {
  @ApiProperty({ description: 'the personnummer, masked', example: '19121212-****' })
  subject: string;

  @ApiPropertyOptional({ description: 'the name the e-legitimation gave', example: 'Tolvan Tolvansson' })
  name?: string;

  @ApiProperty({ description: 'level of assurance of the login', example: 'http://id.elegnamnden.se/loa/1.0/loa3' })
  loa: string;

  @ApiProperty({ format: 'date-time', description: 'when the login ends' })
  sessionExpiresAt: string;
}

export class CitizenLogoutView {
  @ApiPropertyOptional({ format: 'uri', description: 'where the browser ends its login at the provider too' })
  endSessionUrl?: string;
}

/** A code and what the citizen reads for it. */
export class NamedCode {
  @ApiProperty({ example: 'fk' })
  code: string;

  @ApiProperty({ example: 'Försäkringskassan' })
  name: string;
}

export class CitizenConsentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'the municipality it was given to', example: 'Örebro kommun' })
  organisationName: string;

  @ApiProperty({ example: 'Servicecenter' })
  unitName: string;

  @ApiProperty({ enum: PURPOSES, isArray: true })
  purposes: Purpose[];

  @ApiProperty({ description: 'the purposes in Swedish', example: ['Vägledning'] })
  purposeNames: string[];

  @ApiProperty({ type: [NamedCode] })
  agencies: NamedCode[];

  @ApiProperty({ type: [NamedCode], description: 'the data the agencies may give, by their own descriptions' })
  categories: NamedCode[];

  @ApiProperty({ enum: CONSENT_METHODS })
  method: ConsentMethod;

  @ApiProperty({ example: 'muntligt per telefon' })
  methodText: string;

  @ApiProperty({ format: 'date' })
  validFrom: string;

  @ApiProperty({ format: 'date', description: 'last day, inclusive' })
  validUntil: string;

  @ApiProperty({ enum: CONSENT_STATUSES })
  status: ConsentStatus;

  @ApiProperty({ example: 'Gäller' })
  statusText: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({ format: 'date-time' })
  revokedAt?: string;

  @ApiPropertyOptional({ description: 'true when the citizen revoked it here themselves' })
  revokedByYou?: boolean;

  @ApiPropertyOptional({
    description:
      'for a consent given by phone (`telefon`): what the citizen is asked to check, that they gave it, and that ' +
      'they can revoke it here',
  })
  confirmation?: string;

  @ApiProperty({ description: 'the consent in a sentence of plain Swedish' })
  text: string;
}

export class CitizenReferralEventView {
  @ApiProperty({ enum: REFERRAL_STATUSES })
  status: ReferralStatus;

  @ApiProperty()
  statusText: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ description: 'the organisation that made the change', example: 'Arbetsförmedlingen' })
  by: string;

  @ApiPropertyOptional()
  note?: string;
}

export class CitizenReferralView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: NamedCode })
  agency: NamedCode;

  @ApiProperty({ type: NamedCode, description: 'what the referral asks for' })
  referralType: NamedCode;

  @ApiProperty({ enum: PURPOSES })
  purpose: Purpose;

  @ApiProperty()
  purposeName: string;

  @ApiProperty({ example: 'Örebro kommun' })
  organisationName: string;

  @ApiProperty({ example: 'Servicecenter' })
  unitName: string;

  @ApiProperty({ description: 'what the municipality wrote to the agency' })
  message: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  respondBy: string;

  @ApiProperty({ enum: REFERRAL_STATUSES })
  status: ReferralStatus;

  @ApiProperty()
  statusText: string;

  @ApiProperty({ type: [CitizenReferralEventView] })
  timeline: CitizenReferralEventView[];
}

export class CitizenErrandEventView {
  @ApiProperty({ enum: ERRAND_EVENTS })
  event: ErrandEventKind;

  @ApiProperty()
  eventText: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ description: 'the department it was with', example: 'Miljöförvaltningen' })
  departmentName: string;

  @ApiPropertyOptional()
  note?: string;
}

export class CitizenErrandView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: NamedCode })
  topic: NamedCode;

  @ApiProperty()
  organisationName: string;

  @ApiProperty()
  unitName: string;

  @ApiProperty()
  departmentName: string;

  @ApiProperty()
  message: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  respondBy: string;

  @ApiProperty({ enum: ERRAND_STATUSES })
  status: ErrandStatus;

  @ApiProperty()
  statusText: string;

  @ApiPropertyOptional({ description: 'the department’s answer, once given' })
  answer?: string;

  @ApiProperty({ type: [CitizenErrandEventView] })
  timeline: CitizenErrandEventView[];
}

export class CitizenSummaryView {
  @ApiProperty({ type: CitizenMeView })
  me: CitizenMeView;

  @ApiProperty({ type: [CitizenConsentView], description: 'newest first' })
  consents: CitizenConsentView[];

  @ApiProperty({ type: [CitizenReferralView], description: 'newest first' })
  referrals: CitizenReferralView[];

  @ApiProperty({ type: [CitizenErrandView], description: 'newest first' })
  errands: CitizenErrandView[];
}

export class DeniedCategoryView {
  @ApiProperty({ example: 'fk.pagaende-arenden' })
  code: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'consent-missing' })
  reason: string;

  @ApiProperty({ example: 'det fanns inget samtycke från dig som täckte det' })
  reasonText: string;
}

export class AccessLogEntryView {
  @ApiProperty({ description: 'the entry’s position in the audit log; `before` of the next page', example: '1042' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ description: 'what kind of access: query, referral, consent, errand, contact, access-report' })
  kind: string;

  @ApiPropertyOptional({ description: 'who accessed: the organisation’s name', example: 'Örebro kommun' })
  organisationName?: string;

  @ApiPropertyOptional({ description: 'and its unit', example: 'Servicecenter' })
  unitName?: string;

  @ApiPropertyOptional({ enum: PURPOSES })
  purpose?: Purpose;

  @ApiPropertyOptional({ example: 'Vägledning' })
  purposeName?: string;

  @ApiProperty({ type: [NamedCode], description: 'the agencies asked or sent to' })
  agencies: NamedCode[];

  @ApiProperty({ type: [NamedCode], description: 'the data released' })
  released: NamedCode[];

  @ApiProperty({ type: [DeniedCategoryView], description: 'the data not released, and why' })
  denied: DeniedCategoryView[];

  @ApiProperty({ example: 'ok' })
  outcome: string;

  @ApiProperty({ example: 'Uppgifter lämnades ut' })
  outcomeText: string;

  @ApiProperty({ description: 'the entry was made while the person had protected identity' })
  protectedIdentity: boolean;

  @ApiProperty({ description: 'what happened, in plain Swedish' })
  text: string;
}

export class AccessLogPageView {
  @ApiProperty({ type: [AccessLogEntryView], description: 'newest first' })
  entries: AccessLogEntryView[];

  @ApiPropertyOptional({ description: 'when there are older entries: `before` of the next page' })
  nextBefore?: string;
}

export class AccessLogQuery {
  @ApiPropertyOptional({ description: 'entries older than this one (`id` of an entry, `nextBefore` of a page)' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,17}$/, { message: 'before must be the id of an entry' })
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class CitizenExportView {
  @ApiProperty({ format: 'date-time' })
  generatedAt: string;

  @ApiProperty({ example: '19121212-****' })
  subject: string;

  @ApiPropertyOptional()
  name?: string;

  @ApiProperty({ type: [CitizenConsentView] })
  consents: CitizenConsentView[];

  @ApiProperty({ type: [CitizenReferralView] })
  referrals: CitizenReferralView[];

  @ApiProperty({ type: [CitizenErrandView] })
  errands: CitizenErrandView[];

  @ApiProperty({ type: [AccessLogEntryView], description: 'every entry, newest first' })
  accessLog: AccessLogEntryView[];
}
