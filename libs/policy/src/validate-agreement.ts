import { PURPOSES, STAFF_ROLES } from '@hub/contracts';
import { dayKey } from './calendar.js';
import { indexCatalogues, type CatalogueIndex } from './indexes.js';
import type { AgencyCatalogue, AgreementTerms } from './types.js';

export const AGREEMENT_PROBLEM_CODES = [
  'purpose-missing',
  'purpose-unknown',
  'category-unknown',
  'category-never',
  'referral-type-unknown',
  'role-unknown',
  'role-missing',
  'validity-date-invalid',
  'validity-reversed',
  'agency-unknown',
  'parties-same',
  'party-mismatch',
  'legal-basis-empty',
  'legal-basis-missing',
] as const;
export type AgreementProblemCode = (typeof AGREEMENT_PROBLEM_CODES)[number];

export interface AgreementProblem {
  readonly code: AgreementProblemCode;
  /** where in the agreement, e.g. `purposes.vagledning.categories[2]` */
  readonly path: string;
  readonly message: string;
  /** the registry refuses an agreement with any error; a warning is shown and the agreement may still be saved */
  readonly severity: 'error' | 'warning';
}

function problem(code: AgreementProblemCode, path: string, message: string): AgreementProblem {
  return { code, path, message, severity: code === 'legal-basis-missing' ? 'warning' : 'error' };
}

/**
 * Checks an agreement's terms at registration against the code lists and the agencies' catalogues. Pure: the
 * registry loads the catalogues and turns the problems into a 400 answer. An empty list means acceptable.
 */
export function validateAgreement(
  agreement: AgreementTerms,
  catalogues: CatalogueIndex | readonly AgencyCatalogue[],
): AgreementProblem[] {
  const problems: AgreementProblem[] = [];
  const { municipality, agency } = agreement.parties;

  const from = dayKey(agreement.validFrom);
  const to = dayKey(agreement.validTo);
  if (Number.isNaN(from)) {
    problems.push(problem('validity-date-invalid', 'validFrom', `validFrom ${agreement.validFrom} is not a date`));
  }
  if (Number.isNaN(to)) {
    problems.push(problem('validity-date-invalid', 'validTo', `validTo ${agreement.validTo} is not a date`));
  }
  if (to < from) {
    problems.push(
      problem(
        'validity-reversed',
        'validTo',
        `validTo ${agreement.validTo} is before validFrom ${agreement.validFrom}`,
      ),
    );
  }

  if (municipality.organisation === agency.organisation) {
    problems.push(problem('parties-same', 'parties', 'the municipality and the agency are the same organisation'));
  }
  const catalogue = indexCatalogues(catalogues).agency(agency.agency);
  if (!catalogue) {
    problems.push(problem('agency-unknown', 'parties.agency.agency', `no catalogue announced by ${agency.agency}`));
  } else if (catalogue.organisation !== undefined && catalogue.organisation !== agency.organisation) {
    problems.push(
      problem(
        'party-mismatch',
        'parties.agency.organisation',
        `${agency.agency} announced its catalogue as ${catalogue.organisation}, not ${agency.organisation}`,
      ),
    );
  }

  const purposes = Object.keys(agreement.purposes).filter((p) => agreement.purposes[p] !== undefined);
  if (purposes.length === 0) problems.push(problem('purpose-missing', 'purposes', 'the agreement covers no purpose'));
  for (const purpose of purposes) {
    const at = `purposes.${purpose}`;
    if (!(PURPOSES as readonly string[]).includes(purpose)) {
      problems.push(problem('purpose-unknown', at, `${purpose} is not a purpose code (${PURPOSES.join(', ')})`));
      continue;
    }
    const terms = agreement.purposes[purpose]!;
    const hasLegalBasis = terms.legalBasis != null;
    if (terms.legalBasis != null && terms.legalBasis.reference.trim() === '') {
      problems.push(problem('legal-basis-empty', `${at}.legalBasis.reference`, 'a legal basis needs a reference'));
    }
    if (terms.roles.length === 0) problems.push(problem('role-missing', `${at}.roles`, 'no staff role is allowed'));
    terms.roles.forEach((role, i) => {
      if (!(STAFF_ROLES as readonly string[]).includes(role)) {
        problems.push(problem('role-unknown', `${at}.roles[${i}]`, `${role} is not a staff role`));
      }
    });
    if (!catalogue) continue;
    terms.categories.forEach((code, i) => {
      const path = `${at}.categories[${i}]`;
      const entry = catalogue.categories.get(code);
      if (!entry) {
        problems.push(problem('category-unknown', path, `${code} is not in the catalogue of ${agency.agency}`));
      } else if (entry.secrecyClass === 'never') {
        problems.push(problem('category-never', path, `${code} is of secrecy class never and cannot be agreed`));
      } else if (entry.secrecyClass === 'legal-basis' && !hasLegalBasis) {
        problems.push(
          problem('legal-basis-missing', path, `${code} needs a legal basis for ${purpose} and will never be released`),
        );
      }
    });
    const referralTypes = catalogue.referralTypes;
    if (referralTypes) {
      terms.referralTypes.forEach((code, i) => {
        if (!referralTypes.has(code)) {
          problems.push(
            problem(
              'referral-type-unknown',
              `${at}.referralTypes[${i}]`,
              `${code} is not a referral type of ${agency.agency}`,
            ),
          );
        }
      });
    }
  }
  return problems;
}
