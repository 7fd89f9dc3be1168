import { ORGANISATIONS } from '@hub/contracts';
import { CatalogueIndex } from './indexes.js';
import { agreement, CATALOGUES, LEGAL_BASIS, withPurpose } from './policy.fixtures.js';
import type { AgreementTerms } from './types.js';
import { validateAgreement, type AgreementProblemCode } from './validate-agreement.js';

const fk = agreement('fk');

const rows: { code: AgreementProblemCode; case: string; terms: AgreementTerms; path: string }[] = [
  {
    code: 'category-never',
    case: 'a never category',
    terms: withPurpose(fk, 'vagledning', { categories: ['fk.utbetalningar', 'fk.medicinskt-underlag'] }),
    path: 'purposes.vagledning.categories[1]',
  },
  {
    code: 'category-unknown',
    case: 'a category in no catalogue',
    terms: withPurpose(fk, 'vagledning', { categories: ['fk.okand'] }),
    path: 'purposes.vagledning.categories[0]',
  },
  {
    code: 'category-unknown',
    case: "another agency's category",
    terms: withPurpose(fk, 'vagledning', { categories: ['af.program'] }),
    path: 'purposes.vagledning.categories[0]',
  },
  {
    code: 'purpose-unknown',
    case: 'free text as purpose',
    terms: { ...fk, purposes: { ...fk.purposes, 'hjälp med allt': fk.purposes.vagledning } },
    path: 'purposes.hjälp med allt',
  },
  { code: 'purpose-missing', case: 'no purpose', terms: { ...fk, purposes: {} }, path: 'purposes' },
  {
    code: 'validity-reversed',
    case: 'validTo before validFrom',
    terms: { ...fk, validFrom: '2025-06-01', validTo: '2025-05-31' },
    path: 'validTo',
  },
  {
    code: 'validity-date-invalid',
    case: 'not a date',
    terms: { ...fk, validFrom: '2025-02-30' },
    path: 'validFrom',
  },
  {
    code: 'role-unknown',
    case: 'an unknown role',
    terms: withPurpose(fk, 'vagledning', { roles: ['guide', 'boss' as 'guide'] }),
    path: 'purposes.vagledning.roles[1]',
  },
  {
    code: 'role-missing',
    case: 'no role',
    terms: withPurpose(fk, 'vagledning', { roles: [] }),
    path: 'purposes.vagledning.roles',
  },
  {
    code: 'referral-type-unknown',
    case: 'a referral type the agency does not have',
    terms: withPurpose(fk, 'vagledning', { referralTypes: ['fk.okand-remiss'] }),
    path: 'purposes.vagledning.referralTypes[0]',
  },
  {
    code: 'agency-unknown',
    case: 'an agency without catalogue',
    terms: { ...fk, parties: { ...fk.parties, agency: { organisation: '2021000001', agency: 'kfm' } } },
    path: 'parties.agency.agency',
  },
  {
    code: 'party-mismatch',
    case: "the agency code of one organisation with another's number",
    terms: { ...fk, parties: { ...fk.parties, agency: { organisation: ORGANISATIONS.af, agency: 'fk' } } },
    path: 'parties.agency.organisation',
  },
  {
    code: 'parties-same',
    case: 'the municipality agrees with itself',
    terms: { ...fk, parties: { ...fk.parties, municipality: { organisation: ORGANISATIONS.fk, unit: 'X' } } },
    path: 'parties',
  },
  {
    code: 'legal-basis-empty',
    case: 'a legal basis without reference',
    terms: withPurpose(fk, 'ekonomiskt-bistand', { legalBasis: { reference: '  ' } }),
    path: 'purposes.ekonomiskt-bistand.legalBasis.reference',
  },
  {
    code: 'legal-basis-missing',
    case: 'a legal-basis category without legal basis, as a warning',
    terms: withPurpose(fk, 'ekonomiskt-bistand', { legalBasis: null }),
    path: 'purposes.ekonomiskt-bistand.categories[2]',
  },
];

describe('validateAgreement', () => {
  it('accepts the agreements of the fixtures, warning of legal-basis categories agreed without legal basis', () => {
    expect(validateAgreement(agreement('af'), CATALOGUES)).toEqual([]);
    expect(validateAgreement(withPurpose(fk, 'vagledning', { legalBasis: LEGAL_BASIS }), CATALOGUES)).toEqual([]);
    expect(validateAgreement(agreement('skv'), CATALOGUES)).toEqual([
      {
        code: 'legal-basis-missing',
        path: 'purposes.vagledning.categories[2]',
        message: 'skv.inkomst needs a legal basis for vagledning and will never be released',
        severity: 'warning',
      },
    ]);
  });

  it.each(rows)('$code: $case', (row) => {
    const problems = validateAgreement(row.terms, new CatalogueIndex(CATALOGUES));
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: row.code,
        path: row.path,
        severity: row.code === 'legal-basis-missing' ? 'warning' : 'error',
      }),
    );
    for (const p of problems) expect(p.message).toEqual(expect.any(String));
  });
});
