// fast-check arbitraries for the policy's property tests, built from the contract's code lists. Small pools of
// organisations, units, ids and codes make matches (and so releases) frequent enough to test something.
import fc from 'fast-check';
import {
  AGENCIES,
  AGREEMENT_STATUSES,
  CONSENT_METHODS,
  FIELD_KINDS,
  ORGANISATIONS,
  PURPOSES,
  SECRECY_CLASSES,
  STAFF_ROLES,
  type Purpose,
  type StaffRole,
} from '@hub/contracts';
import type { DecisionInput } from './decisions.js';
import type {
  AgencyCatalogue,
  AgreementVersion,
  Approval,
  CatalogueCategoryEntry,
  Consent,
  LegalBasisRef,
  PurposeTerms,
  RequestedCategories,
} from './types.js';

const DAY_MS = 86_400_000;
export const BASE = Date.UTC(2025, 5, 15, 10);

const MUNICIPALITIES = [ORGANISATIONS.orebro, '2120000142'];
const UNITS = ['Servicecenter', 'Socialtjänsten'];
const AGENCY_CODES = [...AGENCIES, 'kfm'];
export const AGENCY_ORGANISATION: Record<string, string> = {
  fk: ORGANISATIONS.fk,
  af: ORGANISATIONS.af,
  skv: ORGANISATIONS.skv,
  kfm: '2021000001',
};
const SUBJECTS = ['191212121212', '198112289874'];
const CONSENT_IDS = ['c1', 'c2', 'c3'];
const FIELD_NAMES = ['address', 'postalCode', 'municipality', 'amount', 'status', 'phone'];
const JUSTIFICATIONS = [undefined, '', 'kort', '          x', 'Utredning av ekonomiskt bistånd enligt SoL 4 kap.'];

export const categoryCodes = (agency: string) => [1, 2, 3, 4].map((n) => `${agency}.kategori-${n}`);
const ALL_CODES = AGENCY_CODES.flatMap(categoryCodes);

const often = <T>(likely: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: likely, weight: 4 }, { arbitrary: other, weight: 1 });

/** a calendar day within `days` around BASE */
const day = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => new Date(BASE + n * DAY_MS).toISOString().slice(0, 10));

const categoryEntry = (code: string): fc.Arbitrary<CatalogueCategoryEntry> =>
  fc.record({
    code: fc.constant(code),
    secrecyClass: fc.constantFrom(...SECRECY_CLASSES),
    fields: fc.array(fc.record({ name: fc.constantFrom(...FIELD_NAMES), kind: fc.constantFrom(...FIELD_KINDS) }), {
      maxLength: 4,
    }),
  });

// mostly each code once, sometimes missing or announced twice
const catalogue = (agency: string): fc.Arbitrary<AgencyCatalogue> =>
  fc
    .tuple(
      ...categoryCodes(agency).map((code) =>
        often(
          categoryEntry(code).map((e) => [e]),
          fc.array(categoryEntry(code), { maxLength: 2 }),
        ),
      ),
    )
    .map((lists) => ({ agency, organisation: AGENCY_ORGANISATION[agency], categories: lists.flat() }));

export const catalogues: fc.Arbitrary<AgencyCatalogue[]> = often(
  fc.constant(AGENCY_CODES),
  fc.subarray(AGENCY_CODES, { minLength: 1 }),
).chain((agencies) => fc.tuple(...agencies.map(catalogue)));

const legalBasis: fc.Arbitrary<LegalBasisRef | null | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant({ reference: ' ' }),
  fc.record({ reference: fc.constant('SFS 2010:110 110 kap. 31 §'), text: fc.option(fc.string(), { nil: undefined }) }),
);

const terms = (agency: string): fc.Arbitrary<PurposeTerms> =>
  fc.record({
    // mostly the agency's own codes, sometimes another's
    categories: fc.subarray([...categoryCodes(agency), ...categoryCodes(agency), 'fk.kategori-1', 'af.kategori-2']),
    referralTypes: fc.constant([]),
    roles: often<StaffRole[]>(fc.constant(['guide', 'caseworker']), fc.subarray([...STAFF_ROLES])),
    consentRequired: often(fc.constant(false), fc.boolean()),
    legalBasis,
  });

export const agreement: fc.Arbitrary<AgreementVersion> = fc
  .record({
    agency: fc.constantFrom(...AGENCY_CODES),
    municipality: often(fc.constant(MUNICIPALITIES[0]), fc.constantFrom(...MUNICIPALITIES)),
    unit: often(fc.constant(UNITS[0]), fc.constantFrom(...UNITS)),
  })
  .chain(({ agency, municipality, unit }) => {
    const parties = {
      municipality: { organisation: municipality, unit },
      agency: { organisation: AGENCY_ORGANISATION[agency], agency },
    };
    const approvals: fc.Arbitrary<Approval[]> = often(
      fc.constant([{ organisation: municipality }, { organisation: parties.agency.organisation }]),
      fc.subarray([
        { organisation: municipality },
        { organisation: parties.agency.organisation },
        { organisation: '1' },
      ]),
    );
    const purposes = often<Purpose[]>(fc.constant(['vagledning']), fc.subarray([...PURPOSES], { minLength: 1 }))
      .chain((ps) => fc.tuple(...ps.map((p) => terms(agency).map((t) => [p, t] as const))))
      .map((entries) => Object.fromEntries(entries));
    return fc.record({
      // an agreement id stands for its parties
      id: fc.constantFrom('a1', 'a2').map((n) => `${n}-${agency}-${municipality}-${unit}`),
      version: fc.integer({ min: 1, max: 3 }),
      status: often(fc.constant('active' as const), fc.constantFrom(...AGREEMENT_STATUSES)),
      parties: fc.constant(parties),
      approvals,
      validFrom: often(day(-60, -1), day(-3, 3)),
      validTo: often(day(1, 120), day(-3, 3)),
      purposes,
    });
  });

export const consent: fc.Arbitrary<Consent> = fc.record({
  id: fc.constantFrom(...CONSENT_IDS),
  subject: often(fc.constant(SUBJECTS[0]), fc.constantFrom(...SUBJECTS)),
  organisation: often(fc.constant(MUNICIPALITIES[0]), fc.constantFrom(...MUNICIPALITIES)),
  unit: often(fc.constant(UNITS[0]), fc.constantFrom(...UNITS)),
  purposes: fc.subarray([...PURPOSES], { minLength: 1 }),
  agencies: often(fc.constant(AGENCY_CODES), fc.subarray(AGENCY_CODES)),
  categories: often(fc.constant(ALL_CODES), fc.subarray(ALL_CODES)),
  method: fc.constantFrom(...CONSENT_METHODS),
  recordedBy: fc.constant('orebro-sc-0042'),
  validFrom: often(day(-300, -1), day(-3, 3)),
  validUntil: often(day(1, 60), day(-3, 400)),
  revokedAt: fc.option(
    fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }).map((n) => new Date(BASE + n)),
    { nil: undefined, freq: 4 },
  ),
});

const requestedCategories: fc.Arbitrary<RequestedCategories> = often<RequestedCategories>(
  fc.constant('all'),
  fc
    .subarray(AGENCY_CODES)
    .chain((agencies) =>
      fc.tuple(
        ...agencies.map((a) =>
          fc
            .oneof(fc.constant('all' as const), fc.subarray([...categoryCodes(a), 'af.kategori-1']))
            .map((c) => [a, c] as const),
        ),
      ),
    )
    .map((entries) => Object.fromEntries(entries)),
);

export const decisionInput: fc.Arbitrary<DecisionInput> = fc.record({
  agreements: fc.uniqueArray(agreement, { minLength: 2, maxLength: 10, selector: (a) => `${a.id}/${a.version}` }),
  consents: fc.uniqueArray(consent, { maxLength: 3, selector: (c) => c.id }),
  catalogues,
  staff: fc.record({
    organisation: often(fc.constant(MUNICIPALITIES[0]), fc.constantFrom(...MUNICIPALITIES)),
    unit: often(fc.constant(UNITS[0]), fc.constantFrom(...UNITS)),
    roles: often<StaffRole[]>(fc.constant(['guide']), fc.subarray([...STAFF_ROLES], { minLength: 1 })),
  }),
  protectedIdentity: fc.boolean(),
  request: fc.record(
    {
      subject: often(fc.constant(SUBJECTS[0]), fc.constantFrom(...SUBJECTS)),
      purpose: often(fc.constant('vagledning' as const), fc.constantFrom(...PURPOSES)),
      agencies: fc.subarray(AGENCY_CODES, { minLength: 1 }),
      categories: requestedCategories,
      consentId: fc.constantFrom(...CONSENT_IDS),
      justification: often(fc.constant(JUSTIFICATIONS[4]), fc.constantFrom(...JUSTIFICATIONS)),
    },
    { requiredKeys: ['subject', 'purpose', 'agencies', 'categories'] },
  ),
  now: fc.integer({ min: -4 * DAY_MS, max: 4 * DAY_MS }).map((n) => new Date(BASE + n)),
});
