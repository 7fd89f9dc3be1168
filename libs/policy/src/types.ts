import type { AgreementStatus, ConsentMethod, FieldKind, Purpose, SecrecyClass, StaffRole } from '@hub/contracts';

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

export interface AgreementRef {
  readonly id: string;
  readonly version: number;
}

export interface ReferralRequest {
  readonly subject: string;
  readonly purpose: Purpose;
  readonly agency: string;
  readonly referralType: string;
  /** the consent the referral relies on; without it the best valid consent of the subject is used */
  readonly consentId?: string;
}
