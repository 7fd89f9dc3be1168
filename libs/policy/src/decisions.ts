import type { Purpose, ReasonCode } from '@hub/contracts';
import type { AgreementIndex, CatalogueIndex } from './indexes.js';
import type { AgencyRuleName, CategoryRuleName, ConsentRuleName, ReferralRuleName } from './rules.js';
import type {
  AgencyCatalogue,
  AgreementRef,
  AgreementVersion,
  Consent,
  LegalBasisRef,
  PolicyRequest,
  ReferralRequest,
  StaffMember,
} from './types.js';

export interface DecisionInput {
  /** every agreement version in play; old versions may be included, decide picks the one in force */
  readonly agreements: AgreementIndex | readonly AgreementVersion[];
  readonly consents: readonly Consent[];
  readonly catalogues: CatalogueIndex | readonly AgencyCatalogue[];
  readonly staff: StaffMember;
  readonly protectedIdentity: boolean;
  readonly request: PolicyRequest;
  /** the decision instant; the policy never reads the clock */
  readonly now: Date;
}

export type PolicyRuleName = AgencyRuleName | CategoryRuleName;

/** What a released category relied on beyond the agreement itself. */
export type ReleaseBasis = 'agreement' | 'consent' | 'legal-basis' | 'consent-and-legal-basis';

export interface CategoryDecision {
  readonly category: string;
  readonly status: 'release' | 'deny';
  /** set when denied */
  readonly reason: ReasonCode | undefined;
  /** the rule that denied it, or `released` */
  readonly rule: PolicyRuleName | 'released';
  /** set when released */
  readonly basis: ReleaseBasis | undefined;
  /** names of address and location fields the answer must leave out (protected identity) */
  readonly withheldFields: readonly string[];
}

export interface AgencyDecision {
  readonly agency: string;
  /** `release` when at least one category is released */
  readonly status: 'release' | 'deny';
  /** set when denied: the agency-level reason, or the first denied category's when every category was denied */
  readonly reason: ReasonCode | undefined;
  readonly rule: PolicyRuleName | undefined;
  /** the version the decision was based on, also when it denied on it (e.g. suspended); undefined when none matched */
  readonly agreement: AgreementRef | undefined;
  /** the consent relied on by at least one released category */
  readonly consentId: string | undefined;
  /** the agreement's legal basis, when at least one released category relied on it */
  readonly legalBasis: LegalBasisRef | undefined;
  /** why no consent could be used, when a category was denied for want of one */
  readonly consentProblem: ConsentRuleName | undefined;
  readonly protectedIdentity: boolean;
  readonly handlingInstruction: string | undefined;
  readonly categories: readonly CategoryDecision[];
}

export interface Decision {
  readonly purpose: Purpose;
  readonly protectedIdentity: boolean;
  readonly handlingInstruction: string | undefined;
  readonly agencies: readonly AgencyDecision[];
}

export interface ReferralDecisionInput {
  readonly agreements: AgreementIndex | readonly AgreementVersion[];
  readonly consents: readonly Consent[];
  readonly catalogues: CatalogueIndex | readonly AgencyCatalogue[];
  readonly staff: StaffMember;
  readonly request: ReferralRequest;
  readonly now: Date;
}

/** Whether a referral may be sent to (hub) or taken in by (adapter) the agency. */
export interface ReferralDecision {
  readonly agency: string;
  readonly referralType: string;
  readonly status: 'allow' | 'deny';
  readonly reason: ReasonCode | undefined;
  readonly rule: AgencyRuleName | ReferralRuleName | undefined;
  readonly agreement: AgreementRef | undefined;
  /** the consent the referral relies on, when one is usable */
  readonly consentId: string | undefined;
  /** the agreement's legal basis, when the referral relies on it */
  readonly legalBasis: LegalBasisRef | undefined;
  readonly consentProblem: ConsentRuleName | undefined;
}
