import type { AdapterCategory, AdapterReferralType, CatalogueFieldSpec } from '@hub/adapter-kit';

const other = (name: string): CatalogueFieldSpec => ({ name, kind: 'other' });

/**
 * Pensionsmyndigheten's demo catalogue. Pension payments cross with consent; bostadstillägg and
 * äldreförsörjningsstöd are means-tested, so like FK's bostadsbidrag they need a legal basis (uppgiftsskyldighet).
 */
export const PM_CATEGORIES: AdapterCategory[] = [
  {
    code: 'pm.allman-pension',
    secrecyClass: 'consent',
    description: 'Utbetald allmän pension de senaste 12 månaderna: pensionsslag, belopp och period',
  },
  {
    code: 'pm.pagaende-arenden',
    secrecyClass: 'consent',
    description: 'Pågående ärenden: typ, status och när ansökan kom in',
  },
  {
    code: 'pm.bostadstillagg',
    secrecyClass: 'legal-basis',
    description: 'Beslut om bostadstillägg för pensionärer och belopp',
  },
  {
    code: 'pm.aldersforsorjningsstod',
    secrecyClass: 'legal-basis',
    description: 'Beslut om äldreförsörjningsstöd och belopp',
  },
];

export const PM_REFERRAL_TYPES: AdapterReferralType[] = [
  {
    code: 'pm.bostadstillagg-ansokan',
    description: 'Hjälp att ansöka om bostadstillägg för pensionärer',
    responseTimeHours: 120,
  },
  {
    code: 'pm.pensionsradgivning',
    description: 'Personen vill ha kontakt med Pensionsmyndigheten om sin pension',
    responseTimeHours: 72,
  },
];

/** The fields of each category's records, in the order the register answers them. */
export const PM_FIELDS: Readonly<Record<string, readonly CatalogueFieldSpec[]>> = {
  'pm.allman-pension': [other('benefit'), other('amount'), other('period'), other('paidOn')],
  'pm.pagaende-arenden': [other('type'), other('status'), other('received')],
  'pm.bostadstillagg': [
    other('decision'),
    other('amount'),
    other('decidedAt'),
    { name: 'dwellingAddress', kind: 'address' },
  ],
  'pm.aldersforsorjningsstod': [other('decision'), other('amount'), other('decidedAt')],
};
