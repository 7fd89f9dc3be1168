import { CONSENT_METHODS, type ReasonCode } from '@hub/contracts';
import { oneYearAfter } from './calendar.js';
import type { CompiledAgreement, CompiledCategory, CompiledTerms } from './indexes.js';
import type { Consent, StaffMember } from './types.js';

/**
 * SPEC section 3 as named rules, in the order decide applies them. The first rule that does not hold decides the
 * reason; reports and tests name rules by `name`.
 */

export const MIN_JUSTIFICATION_LENGTH = 10;

/** A written justification: at least MIN_JUSTIFICATION_LENGTH characters that are not white space at either end. */
export function isJustified(justification: string | undefined): boolean {
  return typeof justification === 'string' && justification.trim().length >= MIN_JUSTIFICATION_LENGTH;
}

function hasAllowedRole(roles: readonly string[], allowed: readonly string[]): boolean {
  for (let i = 0; i < roles.length; i++) if (allowed.includes(roles[i])) return true;
  return false;
}

interface Rule<N extends string, I> {
  readonly name: N;
  readonly reason: ReasonCode;
  readonly description: string;
  readonly holds: (input: I) => boolean;
}

function rule<N extends string, I>(
  name: N,
  reason: ReasonCode,
  description: string,
  holds: (input: I) => boolean,
): Rule<N, I> {
  return Object.freeze({ name, reason, description, holds });
}

export interface AgencyRuleInput {
  /** the agreement version being tried; undefined when none exists for the parties */
  readonly agreement: CompiledAgreement | undefined;
  /** its terms for the request's purpose */
  readonly terms: CompiledTerms | undefined;
  readonly staff: StaffMember;
  /** the Swedish calendar day of `now`, YYYYMMDD */
  readonly today: number;
  readonly protectedIdentity: boolean;
  readonly justification: string | undefined;
}

export const AGENCY_RULES = [
  rule(
    'agreement-exists',
    'no-agreement',
    "an agreement exists between the staff member's municipality and unit and the agency",
    (c: AgencyRuleInput) => c.agreement !== undefined,
  ),
  rule('agreement-active', 'agreement-inactive', 'the agreement version has status active', (c: AgencyRuleInput) => {
    return c.agreement?.status === 'active';
  }),
  rule(
    'agreement-approved-by-both-parties',
    'agreement-inactive',
    'both parties have approved the agreement version',
    (c: AgencyRuleInput) => c.agreement?.approvedByBothParties === true,
  ),
  rule(
    'agreement-in-force',
    'agreement-inactive',
    'validFrom <= today <= validTo (Swedish calendar days); past validTo it has expired whatever its stored status',
    (c: AgencyRuleInput) => c.agreement !== undefined && c.agreement.from <= c.today && c.today <= c.agreement.to,
  ),
  rule(
    'purpose-covered',
    'purpose-not-covered',
    'the agreement has terms for the purpose',
    (c: AgencyRuleInput) => c.terms !== undefined,
  ),
  rule(
    'role-allowed',
    'role-not-allowed',
    'the staff member has a role the agreement allows for the purpose',
    (c: AgencyRuleInput) => c.terms !== undefined && hasAllowedRole(c.staff.roles, c.terms.roles),
  ),
  rule(
    'justification-given',
    'justification-missing',
    'a query about a subject with protected identity carries a written justification',
    (c: AgencyRuleInput) => !c.protectedIdentity || isJustified(c.justification),
  ),
] as const;

export type AgencyRuleName = (typeof AGENCY_RULES)[number]['name'];

/** The first this many agency rules decide whether an agreement version is in force at all. */
export const AGREEMENT_IN_FORCE_RULES = 4;

export interface CategoryRuleInput {
  readonly code: string;
  /** the category in the agency's catalogue */
  readonly entry: CompiledCategory | undefined;
  readonly terms: CompiledTerms;
  /** a usable consent covers the purpose, the agency and this category */
  readonly consentCovers: boolean;
  readonly protectedIdentity: boolean;
}

export const CATEGORY_RULES = [
  rule(
    'category-in-catalogue',
    'category-unknown',
    "the category is in the agency's catalogue",
    (c: CategoryRuleInput) => c.entry !== undefined,
  ),
  rule(
    'category-not-never',
    'category-never',
    'a category of class never is never released',
    (c: CategoryRuleInput) => c.entry !== undefined && c.entry.secrecyClass !== 'never',
  ),
  rule(
    'category-in-agreement',
    'category-not-covered',
    "the category is in the agreement's allowed categories for the purpose",
    (c: CategoryRuleInput) => c.terms.categories.has(c.code),
  ),
  rule(
    'legal-basis-class-needs-legal-basis',
    'legal-basis-missing',
    'a legal-basis category needs a legal basis in the agreement for the purpose; consent alone is not enough',
    (c: CategoryRuleInput) => c.entry?.secrecyClass !== 'legal-basis' || c.terms.legalBasis !== undefined,
  ),
  rule(
    'consent-class-needs-consent-or-legal-basis',
    'consent-missing',
    "a consent category needs the citizen's valid consent, or a legal basis in the agreement for the purpose",
    (c: CategoryRuleInput) =>
      c.entry?.secrecyClass !== 'consent' ||
      c.consentCovers ||
      (c.terms.legalBasis !== undefined && !c.terms.consentRequired),
  ),
  rule(
    'agreement-requires-consent',
    'consent-missing',
    "where the agreement requires consent for the purpose, every category needs the citizen's valid consent",
    (c: CategoryRuleInput) => !c.terms.consentRequired || c.consentCovers,
  ),
  rule(
    'protected-identity-fields-withheld',
    'protected-identity',
    'for a subject with protected identity a category is released only with a field that is not address or location',
    (c: CategoryRuleInput) => !c.protectedIdentity || c.entry?.releasableUnderProtection === true,
  ),
] as const;

export type CategoryRuleName = (typeof CATEGORY_RULES)[number]['name'];

export interface ConsentRuleInput {
  readonly consent: Consent | undefined;
  readonly subject: string;
  readonly staff: StaffMember;
  readonly purpose: string;
  readonly agency: string;
  readonly today: number;
  readonly nowMs: number;
  /** validFrom and validUntil of the consent, YYYYMMDD */
  readonly from: number;
  readonly until: number;
}

/** What makes a consent usable for a purpose and an agency; which categories it covers is checked per category. */
export const CONSENT_RULES = [
  rule(
    'consent-exists',
    'consent-missing',
    'the subject has a consent (the one the request names, when it names one)',
    (c: ConsentRuleInput) => c.consent !== undefined,
  ),
  rule(
    'consent-of-subject',
    'consent-missing',
    'the consent was given by the subject of the request',
    (c: ConsentRuleInput) => c.consent?.subject === c.subject,
  ),
  rule(
    'consent-given-to-unit',
    'consent-missing',
    "the consent was given to the staff member's municipality and unit",
    (c: ConsentRuleInput) => c.consent?.organisation === c.staff.organisation && c.consent.unit === c.staff.unit,
  ),
  rule(
    'consent-method-known',
    'consent-missing',
    'the consent was given in one of the known ways',
    (c: ConsentRuleInput) => c.consent !== undefined && CONSENT_METHODS.includes(c.consent.method),
  ),
  rule(
    'consent-not-revoked',
    'consent-missing',
    'the consent was not revoked at or before now',
    (c: ConsentRuleInput) => {
      const revokedAt = c.consent?.revokedAt;
      // anything but a valid later Date counts as revoked
      return (
        revokedAt === undefined || revokedAt === null || (revokedAt instanceof Date && revokedAt.getTime() > c.nowMs)
      );
    },
  ),
  rule(
    'consent-in-validity',
    'consent-missing',
    'validFrom <= today <= validUntil (Swedish calendar days)',
    (c: ConsentRuleInput) => c.from <= c.today && c.today <= c.until,
  ),
  rule(
    'consent-at-most-12-months',
    'consent-missing',
    'a consent is valid for at most 12 months',
    (c: ConsentRuleInput) => c.until <= oneYearAfter(c.from),
  ),
  rule(
    'consent-covers-purpose',
    'consent-missing',
    "the consent covers the request's purpose",
    (c: ConsentRuleInput) => c.consent !== undefined && (c.consent.purposes as readonly string[]).includes(c.purpose),
  ),
  rule(
    'consent-covers-agency',
    'consent-missing',
    'the consent covers the agency',
    (c: ConsentRuleInput) => c.consent !== undefined && c.consent.agencies.includes(c.agency),
  ),
] as const;

/** `consent-covers-category` is checked per category, against the consent chosen for the agency. */
export type ConsentRuleName = (typeof CONSENT_RULES)[number]['name'] | 'consent-covers-category';

export interface ReferralRuleInput {
  readonly referralType: string;
  /** the referral types of the agency's catalogue; undefined when the agency announced none */
  readonly catalogueTypes: ReadonlySet<string> | undefined;
  readonly terms: CompiledTerms;
  /** a usable consent covers the purpose and the agency */
  readonly consentUsable: boolean;
}

/** What a referral needs beyond the agency rules (which apply as to a query, but for the justification). */
export const REFERRAL_RULES = [
  rule(
    'referral-type-in-catalogue',
    'referral-type-unknown',
    "the referral type is in the agency's catalogue",
    (c: ReferralRuleInput) => c.catalogueTypes?.has(c.referralType) === true,
  ),
  rule(
    'referral-type-in-agreement',
    'referral-type-not-covered',
    "the referral type is in the agreement's allowed referral types for the purpose",
    (c: ReferralRuleInput) => c.terms.referralTypes.has(c.referralType),
  ),
  rule(
    'referral-needs-consent-or-legal-basis',
    'consent-missing',
    "a referral needs the citizen's valid consent covering the purpose and the agency, or a legal basis in the " +
      'agreement for the purpose where the agreement does not require consent',
    (c: ReferralRuleInput) => c.consentUsable || (c.terms.legalBasis !== undefined && !c.terms.consentRequired),
  ),
] as const;

export type ReferralRuleName = (typeof REFERRAL_RULES)[number]['name'];

export interface RuleDescription {
  readonly name: string;
  readonly scope: 'agency' | 'category' | 'consent' | 'referral';
  readonly reason: ReasonCode;
  readonly description: string;
}

/** Every rule, for documentation and reports. */
export const POLICY_RULES: readonly RuleDescription[] = Object.freeze([
  ...AGENCY_RULES.map(({ name, reason, description }) => ({ name, scope: 'agency' as const, reason, description })),
  ...CATEGORY_RULES.map(({ name, reason, description }) => ({ name, scope: 'category' as const, reason, description })),
  ...CONSENT_RULES.map(({ name, reason, description }) => ({ name, scope: 'consent' as const, reason, description })),
  ...REFERRAL_RULES.map(({ name, reason, description }) => ({ name, scope: 'referral' as const, reason, description })),
  {
    name: 'consent-covers-category',
    scope: 'consent',
    reason: 'consent-missing',
    description: 'the consent chosen for the agency covers the category',
  },
]);
