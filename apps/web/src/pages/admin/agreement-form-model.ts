import { PURPOSES, type Purpose, type StaffRole } from '@contracts/codes';
import type { ApiError } from '../../api/api-fetch.js';
import type { AgreementVersion, PurposeTerms } from './agreement-types.js';

/** The agreement form's state, its checks and the API body it becomes: plain functions, unit-tested. */
export interface PurposeForm {
  included: boolean;
  categories: string[];
  referralTypes: string[];
  roles: StaffRole[];
  consentRequired: boolean;
  legalBasis: string;
}

export interface AgreementForm {
  title: string;
  agency: string;
  municipality: string;
  unit: string;
  validFrom: string;
  validTo: string;
  purposes: Record<Purpose, PurposeForm>;
}

export type Errors = Partial<Record<string, string>>;

const EMPTY_PURPOSE: PurposeForm = {
  included: false,
  categories: [],
  referralTypes: [],
  roles: [],
  consentRequired: true,
  legalBasis: '',
};

export function emptyForm(organisation: string, unit: string | undefined, agency: string): AgreementForm {
  return {
    title: '',
    agency,
    municipality: unit ? organisation : '',
    unit: unit ?? '',
    validFrom: '',
    validTo: '',
    purposes: Object.fromEntries(PURPOSES.map((p) => [p, EMPTY_PURPOSE])) as Record<Purpose, PurposeForm>,
  };
}

export function formOf(version: AgreementVersion): AgreementForm {
  const purposes = Object.fromEntries(
    PURPOSES.map((p) => {
      const terms = version.purposes[p];
      return [
        p,
        terms
          ? {
              included: true,
              categories: terms.categories,
              referralTypes: terms.referralTypes,
              roles: terms.roles,
              consentRequired: terms.consentRequired,
              legalBasis: terms.legalBasis?.reference ?? '',
            }
          : EMPTY_PURPOSE,
      ];
    }),
  ) as Record<Purpose, PurposeForm>;
  return {
    title: version.title,
    agency: version.agency.organisation,
    municipality: version.municipality.organisation,
    unit: version.municipality.unit,
    validFrom: version.validFrom,
    validTo: version.validTo,
    purposes,
  };
}

export function termsOf(form: AgreementForm) {
  const purposes: Record<string, PurposeTerms> = {};
  for (const purpose of PURPOSES) {
    const p = form.purposes[purpose];
    if (!p.included) continue;
    purposes[purpose] = {
      categories: p.categories,
      referralTypes: p.referralTypes,
      roles: p.roles,
      consentRequired: p.consentRequired,
      ...(p.legalBasis.trim() && { legalBasis: { reference: p.legalBasis.trim() } }),
    };
  }
  return { title: form.title.trim(), validFrom: form.validFrom, validTo: form.validTo, purposes };
}

export function check(form: AgreementForm, amending: boolean): Errors {
  const errors: Errors = {};
  if (form.title.trim().length < 3) errors.title = 'Skriv ett namn på avtalet, minst tre tecken.';
  if (!amending && !form.agency) errors.agency = 'Välj myndighet.';
  if (!amending && !/^\d{10}$/.test(form.municipality))
    errors.municipality = 'Skriv kommunens organisationsnummer med tio siffror.';
  if (!amending && !form.unit.trim()) errors.unit = 'Skriv enhetens namn.';
  if (!form.validFrom) errors.validFrom = 'Välj första dagen avtalet gäller.';
  if (!form.validTo) errors.validTo = 'Välj sista dagen avtalet gäller.';
  else if (form.validFrom && form.validTo < form.validFrom)
    errors.validTo = 'Sista dagen kan inte vara före första dagen.';
  const included = PURPOSES.filter((p) => form.purposes[p].included);
  if (included.length === 0) errors.purposes = 'Välj minst ett ändamål som avtalet omfattar.';
  for (const purpose of included) {
    const p = form.purposes[purpose];
    if (p.roles.length === 0) errors[`${purpose}.roles`] = 'Välj minst en roll som får använda avtalet.';
    if (p.categories.length === 0 && p.referralTypes.length === 0)
      errors[`${purpose}.categories`] = 'Välj minst en uppgift eller en remisstyp.';
  }
  return errors;
}

/** The hub's problem codes for an agreement it refuses (libs/policy validate-agreement), in Swedish. */
const PROBLEM_TEXT: Record<string, string> = {
  'purpose-missing': 'Avtalet omfattar inget ändamål.',
  'category-unknown': 'En vald uppgift finns inte längre i myndighetens katalog. Välj om uppgifterna.',
  'category-never': 'En vald uppgift lämnas aldrig ut och kan inte ingå i avtal.',
  'referral-type-unknown': 'En vald remisstyp finns inte i myndighetens katalog.',
  'role-missing': 'Varje ändamål behöver minst en roll.',
  'validity-reversed': 'Sista giltighetsdagen är före den första.',
  'validity-date-invalid': 'Ett datum är inte giltigt.',
  'agency-unknown': 'Myndigheten har inte anmält någon katalog ännu. Försök igen senare.',
  'parties-same': 'Kommunen och myndigheten kan inte vara samma organisation.',
  'legal-basis-empty': 'Skriv en hänvisning till lagstödet.',
};

export function problemsOf(error: ApiError): string[] {
  if (!Array.isArray(error.details)) return [];
  return (error.details as Array<{ code?: string } | string>)
    .map((d) => (typeof d === 'object' && d.code && PROBLEM_TEXT[d.code] ? PROBLEM_TEXT[d.code] : ''))
    .filter(Boolean);
}
