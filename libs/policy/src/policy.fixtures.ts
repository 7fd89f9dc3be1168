// Inputs shared by the policy's tests: the mock agencies' catalogues of SPEC section 3 and agreements around them.
import { ORGANISATIONS, type Purpose } from '@hub/contracts';
import type { DecisionInput } from './decisions.js';
import type { AgencyCatalogue, AgreementVersion, Consent, PolicyRequest, PurposeTerms, StaffMember } from './types.js';

export const UNIT = 'Servicecenter';
export const SUBJECT = '191212121212';
export const NOW = new Date('2025-06-10T09:00:00Z');
export const LEGAL_BASIS = { reference: 'SFS 2010:110 110 kap. 31 §', text: 'Uppgiftsskyldighet till socialnämnden' };
export const JUSTIFICATION = 'Utredning av rätt till ekonomiskt bistånd, beslut ska fattas denna vecka';

export const CATALOGUES: AgencyCatalogue[] = [
  {
    agency: 'fk',
    organisation: ORGANISATIONS.fk,
    categories: [
      {
        code: 'fk.utbetalningar',
        secrecyClass: 'consent',
        fields: [
          { name: 'benefit', kind: 'other' },
          { name: 'amount', kind: 'other' },
          { name: 'period', kind: 'other' },
        ],
      },
      {
        code: 'fk.pagaende-arenden',
        secrecyClass: 'consent',
        fields: [
          { name: 'type', kind: 'other' },
          { name: 'status', kind: 'other' },
          { name: 'received', kind: 'other' },
        ],
      },
      {
        code: 'fk.bostadsbidrag',
        secrecyClass: 'legal-basis',
        fields: [
          { name: 'decision', kind: 'other' },
          { name: 'amount', kind: 'other' },
          { name: 'dwellingAddress', kind: 'address' },
        ],
      },
      { code: 'fk.medicinskt-underlag', secrecyClass: 'never', fields: [{ name: 'certificate', kind: 'other' }] },
    ],
    referralTypes: [{ code: 'fk.bostadsbidrag-ansokan' }],
  },
  {
    agency: 'af',
    organisation: ORGANISATIONS.af,
    categories: [
      {
        code: 'af.inskrivning',
        secrecyClass: 'consent',
        fields: [
          { name: 'status', kind: 'other' },
          { name: 'since', kind: 'other' },
          { name: 'category', kind: 'other' },
        ],
      },
      {
        code: 'af.program',
        secrecyClass: 'consent',
        fields: [
          { name: 'name', kind: 'other' },
          { name: 'from', kind: 'other' },
          { name: 'to', kind: 'other' },
        ],
      },
      {
        code: 'af.handlaggare',
        secrecyClass: 'public',
        fields: [
          { name: 'office', kind: 'other' },
          { name: 'phone', kind: 'other' },
        ],
      },
    ],
    referralTypes: [{ code: 'af.inskrivning-arbetssokande' }],
  },
  {
    agency: 'skv',
    organisation: ORGANISATIONS.skv,
    categories: [
      {
        code: 'skv.folkbokforing',
        secrecyClass: 'consent',
        fields: [
          { name: 'address', kind: 'address' },
          { name: 'postalCode', kind: 'address' },
          { name: 'municipality', kind: 'location' },
          { name: 'civilStatus', kind: 'other' },
        ],
      },
      { code: 'skv.inkomst', secrecyClass: 'legal-basis', fields: [{ name: 'taxedIncome', kind: 'other' }] },
      { code: 'skv.f-skatt', secrecyClass: 'public', fields: [{ name: 'registered', kind: 'other' }] },
    ],
    referralTypes: [{ code: 'skv.adressandring' }],
  },
];

export const AGENCY_ORGANISATION: Record<string, string> = {
  fk: ORGANISATIONS.fk,
  af: ORGANISATIONS.af,
  skv: ORGANISATIONS.skv,
};

const VAGLEDNING: Record<string, PurposeTerms> = {
  fk: {
    categories: ['fk.utbetalningar', 'fk.pagaende-arenden', 'fk.bostadsbidrag'],
    referralTypes: ['fk.bostadsbidrag-ansokan'],
    roles: ['guide', 'caseworker'],
    consentRequired: false,
    legalBasis: null,
  },
  af: {
    categories: ['af.inskrivning', 'af.program'],
    referralTypes: ['af.inskrivning-arbetssokande'],
    roles: ['guide'],
    consentRequired: false,
  },
  skv: {
    categories: ['skv.folkbokforing', 'skv.f-skatt', 'skv.inkomst'],
    referralTypes: ['skv.adressandring'],
    roles: ['guide'],
    consentRequired: false,
  },
};

const EKONOMISKT_BISTAND: Record<string, PurposeTerms> = {
  fk: {
    categories: ['fk.utbetalningar', 'fk.pagaende-arenden', 'fk.bostadsbidrag'],
    referralTypes: [],
    roles: ['caseworker'],
    consentRequired: false,
    legalBasis: LEGAL_BASIS,
  },
  af: {
    categories: ['af.inskrivning', 'af.handlaggare'],
    referralTypes: [],
    roles: ['caseworker'],
    consentRequired: false,
    legalBasis: { reference: 'SFS 2001:453 11 kap. 11 §' },
  },
  skv: {
    categories: ['skv.folkbokforing', 'skv.inkomst'],
    referralTypes: [],
    roles: ['caseworker'],
    consentRequired: false,
    legalBasis: { reference: 'SFS 2001:650 6 kap. 5 §' },
  },
};

const IDS: Record<string, string> = {
  fk: 'da905105-7c95-4dc4-bf65-9d5dc8a81fcc',
  af: '1d03307c-6ab5-4bae-b186-3557373ca8ff',
  skv: '5b0c7a52-1f42-4a8e-9a07-4d8c1d6ae2f1',
};

export function agreement(agency: string, overrides: Partial<AgreementVersion> = {}): AgreementVersion {
  return {
    id: IDS[agency],
    version: 1,
    status: 'active',
    parties: {
      municipality: { organisation: ORGANISATIONS.orebro, unit: UNIT },
      agency: { organisation: AGENCY_ORGANISATION[agency], agency },
    },
    approvals: [{ organisation: ORGANISATIONS.orebro }, { organisation: AGENCY_ORGANISATION[agency] }],
    validFrom: '2025-01-01',
    validTo: '2026-12-31',
    purposes: { vagledning: VAGLEDNING[agency], 'ekonomiskt-bistand': EKONOMISKT_BISTAND[agency] },
    ...overrides,
  };
}

export function withPurpose(a: AgreementVersion, purpose: Purpose, terms: Partial<PurposeTerms>): AgreementVersion {
  return { ...a, purposes: { ...a.purposes, [purpose]: { ...a.purposes[purpose]!, ...terms } } };
}

export const AGREEMENTS: AgreementVersion[] = [agreement('fk'), agreement('af'), agreement('skv')];

export function consent(overrides: Partial<Consent> = {}): Consent {
  return {
    id: 'e3e9b77e-b941-4200-8be9-305e792c9027',
    subject: SUBJECT,
    organisation: ORGANISATIONS.orebro,
    unit: UNIT,
    purposes: ['vagledning'],
    agencies: ['fk', 'af', 'skv'],
    categories: ['fk.utbetalningar', 'fk.pagaende-arenden', 'af.inskrivning', 'af.program', 'skv.folkbokforing'],
    method: 'in-person-written',
    recordedBy: 'orebro-sc-0042',
    validFrom: '2025-03-01',
    validUntil: '2026-02-28',
    ...overrides,
  };
}

export const GUIDE: StaffMember = { organisation: ORGANISATIONS.orebro, unit: UNIT, roles: ['guide'] };
export const CASEWORKER: StaffMember = { organisation: ORGANISATIONS.orebro, unit: UNIT, roles: ['caseworker'] };

export function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return { subject: SUBJECT, purpose: 'vagledning', agencies: ['fk', 'af', 'skv'], categories: 'all', ...overrides };
}

export function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    agreements: AGREEMENTS,
    consents: [consent()],
    catalogues: CATALOGUES,
    staff: GUIDE,
    protectedIdentity: false,
    request: request(),
    now: NOW,
    ...overrides,
  };
}
