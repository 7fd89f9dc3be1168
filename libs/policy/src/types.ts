import type {
  AgreementStatus,
  ConsentMethod,
  FieldKind,
  Purpose,
  ReasonCode,
  SecrecyClass,
  StaffRole,
} from '@hub/contracts';
import type { AgreementIndex, CatalogueIndex } from './indexes.js';
import type { AgencyRuleName, CategoryRuleName, ConsentRuleName, ReferralRuleName } from './rules.js';

/** A calendar day `YYYY-MM-DD`; validity ends are inclusive and read in Swedish time (Europe/Stockholm). */
export type CalendarDay = string;

export interface LegalBasisRef {
  /** e.g. "SFS 2001:453 11 kap. 11 §" */
  readonly reference: string;
  readonly text?: string;
}

/** What an agreement allows for one purpose. */
export interface PurposeTerms {
  readonly categories: readonly string[];
  readonly referralTypes: readonly string[];
  readonly roles: readonly StaffRole[];
  /** true: every category released for this purpose needs the citizen's consent, whatever its class (README) */
  readonly consentRequired: boolean;
  /** the uppgiftsskyldighet cited for this purpose; absent or null when none applies */
  readonly legalBasis?: LegalBasisRef | null;
}

export interface MunicipalityParty {
  readonly organisation: string;
  readonly unit: string;
}

export interface AgencyParty {
  readonly organisation: string;
  /** the agency code of its catalogue, e.g. `fk` */
  readonly agency: string;
}

export interface AgreementParties {
  readonly municipality: MunicipalityParty;
  readonly agency: AgencyParty;
}

export interface Approval {
  /** organisationsnummer of the approving party; proposing counts as the proposer's approval */
  readonly organisation: string;
  readonly approvedBy?: string;
  readonly approvedAt?: Date;
}

/** The terms an agreement registers; what validateAgreement checks. */
export interface AgreementTerms {
  readonly parties: AgreementParties;
  readonly validFrom: CalendarDay;
  /** last day of validity, inclusive */
  readonly validTo: CalendarDay;
  /** keyed by purpose code; other keys are refused at registration and ignored by decide */
  readonly purposes: Readonly<Record<string, PurposeTerms | undefined>>;
}

export interface AgreementVersion extends AgreementTerms {
  readonly id: string;
  readonly version: number;
  readonly status: AgreementStatus;
  readonly approvals: readonly Approval[];
}

export interface Consent {
  readonly id: string;
  /** in the same form as the request's subject */
  readonly subject: string;
  /** the municipality and unit the citizen gave the consent to */
  readonly organisation: string;
  readonly unit: string;
  readonly purposes: readonly Purpose[];
  readonly agencies: readonly string[];
  readonly categories: readonly string[];
  readonly method: ConsentMethod;
  readonly recordedBy: string;
  readonly validFrom: CalendarDay;
  /** last day of validity, inclusive; at most one year after validFrom */
  readonly validUntil: CalendarDay;
  readonly revokedAt?: Date | null;
}

export interface CatalogueFieldEntry {
  readonly name: string;
  readonly kind: FieldKind;
}

export interface CatalogueCategoryEntry {
  readonly code: string;
  readonly secrecyClass: SecrecyClass;
  readonly fields: readonly CatalogueFieldEntry[];
}

/** Structurally a subset of CatalogueAnnouncedV1, which can be passed as is. */
export interface AgencyCatalogue {
  readonly agency: string;
  readonly organisation?: string;
  readonly categories: readonly CatalogueCategoryEntry[];
  readonly referralTypes?: readonly { readonly code: string }[];
}

export interface StaffMember {
  readonly organisation: string;
  readonly unit: string;
  readonly roles: readonly StaffRole[];
}

/** Per agency the category codes asked for; `all` (or no entry) means every category the agreement allows. */
export type RequestedCategories = 'all' | Readonly<Record<string, readonly string[] | 'all' | undefined>>;

export interface PolicyRequest {
  readonly subject: string;
  readonly purpose: Purpose;
  readonly agencies: readonly string[];
  readonly categories: RequestedCategories;
  /** the consent the staff member relies on; without it the best valid consent of the subject is used */
  readonly consentId?: string;
  readonly justification?: string;
}

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

export interface AgreementRef {
  readonly id: string;
  readonly version: number;
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

export interface ReferralRequest {
  readonly subject: string;
  readonly purpose: Purpose;
  readonly agency: string;
  readonly referralType: string;
  /** the consent the referral relies on; without it the best valid consent of the subject is used */
  readonly consentId?: string;
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
