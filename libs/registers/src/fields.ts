import type { AgencyCode, FieldKind } from '@hub/contracts';
import type { PersonAgencyData } from './agency-data.js';
import type { ProtectedIdentity } from './population.js';

export interface RegisterField {
  name: string;
  /** address and location fields are withheld for a person with protected identity */
  kind: FieldKind;
}

const other = <Name extends string>(name: Name) => ({ name, kind: 'other' }) as const;

/**
 * The fields of every record, per category code: what each register answers and what the adapters announce in
 * their catalogues. A lookup returns exactly these fields, in this order.
 */
export const REGISTER_FIELDS = {
  'fk.utbetalningar': [other('benefit'), other('amount'), other('period'), other('paidOn')],
  'fk.pagaende-arenden': [other('type'), other('status'), other('received')],
  'fk.bostadsbidrag': [
    other('decision'),
    other('amount'),
    other('decidedAt'),
    { name: 'dwellingAddress', kind: 'address' },
  ],
  'fk.medicinskt-underlag': [other('certificate'), other('issuedAt')],
  'af.inskrivning': [other('status'), other('since'), other('category')],
  'af.program': [other('name'), other('from'), other('to')],
  'af.handlaggare': [{ name: 'office', kind: 'location' }, other('phone')],
  'skv.folkbokforing': [
    { name: 'address', kind: 'address' },
    { name: 'municipality', kind: 'location' },
    { name: 'municipalityCode', kind: 'location' },
    other('civilStatus'),
  ],
  'skv.inkomst': [other('year'), other('income')],
  'skv.f-skatt': [other('registered'), other('since')],
} as const satisfies Record<string, readonly RegisterField[]>;

export type RegisterCategoryCode = keyof typeof REGISTER_FIELDS;

/** The agencies that have a synthetic register. */
export type RegisterAgency = Extract<AgencyCode, 'fk' | 'af' | 'skv'>;
export const REGISTER_AGENCIES: readonly RegisterAgency[] = ['fk', 'af', 'skv'];

export const REGISTER_CATEGORIES: Readonly<Record<RegisterAgency, readonly RegisterCategoryCode[]>> = {
  fk: ['fk.utbetalningar', 'fk.pagaende-arenden', 'fk.bostadsbidrag', 'fk.medicinskt-underlag'],
  af: ['af.inskrivning', 'af.program', 'af.handlaggare'],
  skv: ['skv.folkbokforing', 'skv.inkomst', 'skv.f-skatt'],
};

export type RegisterValue = string | number | boolean | null;

export interface RegisterRecord {
  subject: string;
  protectedIdentity: ProtectedIdentity | null;
  /** keyed by category code; every value is a list of records, empty when the person has none */
  categories: Record<string, Array<Record<string, RegisterValue>>>;
}

type Source = readonly object[];

function sourceOf(data: PersonAgencyData, code: RegisterCategoryCode): Source {
  switch (code) {
    case 'fk.utbetalningar':
      return data.fk.payments;
    case 'fk.pagaende-arenden':
      return data.fk.openCases;
    case 'fk.bostadsbidrag':
      return data.fk.housingAllowance;
    case 'fk.medicinskt-underlag':
      return data.fk.medicalCertificates;
    case 'af.inskrivning':
      return data.af.registration;
    case 'af.program':
      return data.af.programmes;
    case 'af.handlaggare':
      return data.af.officer;
    case 'skv.folkbokforing':
      return data.skv.folkbokforing;
    case 'skv.inkomst':
      return data.skv.income;
    case 'skv.f-skatt':
      return data.skv.fTax;
  }
}

/** What one agency's register holds about a person: what `lookup` answers for them. */
export function registerRecord(data: PersonAgencyData, agency: RegisterAgency): RegisterRecord {
  const categories: RegisterRecord['categories'] = {};
  for (const code of REGISTER_CATEGORIES[agency]) {
    const fields = REGISTER_FIELDS[code];
    categories[code] = sourceOf(data, code).map((item) => {
      const values = item as Record<string, RegisterValue>;
      return Object.fromEntries(fields.map((f) => [f.name, values[f.name] ?? null]));
    });
  }
  return { subject: data.person.subject, protectedIdentity: data.person.protectedIdentity, categories };
}
