import { ApiError } from '../../api/api-fetch.js';
import { termRows } from './agreement-diff.js';
import { check, emptyForm, formOf, problemsOf, termsOf, type AgreementForm } from './agreement-form-model.js';
import type { AgreementVersion } from './agreement-types.js';

function filled(): AgreementForm {
  const form = emptyForm('2120001967', 'Servicecenter', '');
  return {
    ...form,
    title: 'Samtjänst med FK',
    agency: '2021005521',
    validFrom: '2027-01-01',
    validTo: '2027-12-31',
    purposes: {
      ...form.purposes,
      vagledning: {
        included: true,
        categories: ['fk.utbetalningar'],
        referralTypes: [],
        roles: ['guide'],
        consentRequired: true,
        legalBasis: '',
      },
      'ekonomiskt-bistand': {
        included: false,
        categories: ['fk.bostadsbidrag'],
        referralTypes: [],
        roles: [],
        consentRequired: false,
        legalBasis: 'SFS 2001:453',
      },
    },
  };
}

describe('the agreement form', () => {
  it('accepts a complete form and sends only the purposes it includes', () => {
    expect(check(filled(), false)).toEqual({});
    expect(termsOf(filled())).toEqual({
      title: 'Samtjänst med FK',
      validFrom: '2027-01-01',
      validTo: '2027-12-31',
      purposes: {
        vagledning: { categories: ['fk.utbetalningar'], referralTypes: [], roles: ['guide'], consentRequired: true },
      },
    });
  });

  it('names each missing or wrong field in Swedish', () => {
    const form = filled();
    const errors = check(
      {
        ...form,
        title: 'x',
        validTo: '2026-12-31',
        purposes: { ...form.purposes, vagledning: { ...form.purposes.vagledning, roles: [], categories: [] } },
      },
      false,
    );
    expect(errors).toEqual({
      title: 'Skriv ett namn på avtalet, minst tre tecken.',
      validTo: 'Sista dagen kan inte vara före första dagen.',
      'vagledning.roles': 'Välj minst en roll som får använda avtalet.',
      'vagledning.categories': 'Välj minst en uppgift eller en remisstyp.',
    });
    expect(check(emptyForm('2120001967', 'Servicecenter', ''), false)).toMatchObject({
      agency: 'Välj myndighet.',
      purposes: 'Välj minst ett ändamål som avtalet omfattar.',
    });
  });

  it('adds a legal basis only when one is written', () => {
    const form = filled();
    form.purposes['ekonomiskt-bistand'] = {
      ...form.purposes['ekonomiskt-bistand'],
      included: true,
      roles: ['caseworker'],
    };
    expect(termsOf(form).purposes['ekonomiskt-bistand']).toEqual({
      categories: ['fk.bostadsbidrag'],
      referralTypes: [],
      roles: ['caseworker'],
      consentRequired: false,
      legalBasis: { reference: 'SFS 2001:453' },
    });
  });

  it('starts an amendment from the version in force, and gives back the same terms unchanged', () => {
    const version = {
      title: 'Avtal',
      validFrom: '2027-01-01',
      validTo: '2027-12-31',
      municipality: { organisation: '2120001967', unit: 'Servicecenter' },
      agency: { organisation: '2021005521', agency: 'fk' },
      purposes: {
        'ekonomiskt-bistand': {
          categories: ['fk.bostadsbidrag'],
          referralTypes: [],
          roles: ['caseworker' as const],
          consentRequired: false,
          legalBasis: { reference: 'SFS 2001:453' },
        },
      },
    } as unknown as AgreementVersion;
    const form = formOf(version);
    expect(form.purposes.vagledning.included).toBe(false);
    expect(check(form, true)).toEqual({});
    expect(termsOf(form)).toEqual({
      title: 'Avtal',
      validFrom: '2027-01-01',
      validTo: '2027-12-31',
      purposes: version.purposes,
    });
  });

  it('turns the hub’s problem codes into Swedish and skips the ones it has no words for', () => {
    const error = new ApiError(400, 'invalid-agreement', [{ code: 'category-never' }, { code: 'something-new' }]);
    expect(problemsOf(error)).toEqual(['En vald uppgift lämnas aldrig ut och kan inte ingå i avtal.']);
  });
});

describe('two versions side by side', () => {
  const v1: AgreementVersion = {
    id: 'a',
    version: 1,
    title: 'Avtal',
    status: 'active',
    municipality: { organisation: '2120001967', unit: 'Servicecenter' },
    agency: { organisation: '2021005521', agency: 'fk' },
    validFrom: '2027-01-01',
    validTo: '2027-12-31',
    purposes: {
      vagledning: { categories: ['fk.a', 'fk.b'], referralTypes: [], roles: ['guide'], consentRequired: true },
    },
    approvals: [],
    createdAt: '2026-11-23T10:00:00Z',
    createdBy: 'maria.admin',
  };

  it('marks exactly the rows that differ, and a purpose one version lacks', () => {
    const v2: AgreementVersion = {
      ...v1,
      version: 2,
      validTo: '2028-06-30',
      purposes: {
        vagledning: { ...v1.purposes.vagledning!, categories: ['fk.a'] },
        etablering: { categories: ['fk.a'], referralTypes: [], roles: ['guide'], consentRequired: true },
      },
    };
    const rows = termRows(v1, v2, (code) => code.toUpperCase());
    const differing = rows.filter((r) => r.values[0] !== r.values[1]).map((r) => r.label);
    expect(differing).toEqual([
      'Gäller till',
      'Vägledning: uppgifter',
      'Etablering: uppgifter',
      'Etablering: remisstyper',
      'Etablering: roller',
      'Etablering: samtycke',
      'Etablering: lagstöd',
    ]);
    expect(rows.find((r) => r.label === 'Vägledning: uppgifter')!.values).toEqual(['FK.A; FK.B', 'FK.A']);
    expect(rows.find((r) => r.label === 'Etablering: roller')!.values).toEqual(['Ingår inte', 'Kommunvägledare']);
    expect(rows.find((r) => r.label === 'Gäller till')!.values).toEqual(['31 december 2027', '30 juni 2028']);
  });
});
