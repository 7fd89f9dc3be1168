// The decision tables' cases: named ones for every reason an adapter can give, and a seeded sample drawn from the
// policy's arbitraries for breadth. `npm run decision-tables` writes them with their expected answers.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  ORGANISATIONS,
  type AgreementChangedV1,
  type ConsentSnapshot,
  type QueryRequestV1,
  type ReferralCreatedV1,
} from '@hub/contracts';
import { consentSnapshot } from './consent-snapshot.js';
import {
  withExpected,
  type CaseInput,
  type DecisionTableAdapter,
  type DecisionTableCase,
  type DecisionTableRegister,
  type QueryCase,
  type ReferralCase,
} from './decision-table.js';
import { DECISION_TABLE_SCHEMA } from './decision-table.schema.js';
import { AGENCY_ORGANISATION, categoryCodes, decisionInput } from './policy.arbitraries.js';
import type { AgencyCatalogue, AgreementVersion, Consent } from './types.js';

type DeepMutable<T> = T extends object ? { -readonly [K in keyof T]: DeepMutable<T[K]> } : T;
type QueryDraft = DeepMutable<Omit<QueryCase, 'expected'>>;
type ReferralDraft = DeepMutable<Omit<ReferralCase, 'expected'>>;

/** The seed of the sampled cases; a new fast-check version may draw others, and the check then asks to regenerate. */
export const SAMPLE_SEED = 20;
export const SAMPLE_SIZE = { query: 150, referral: 100 };

const HUB = { organisation: '0000000000', service: 'hub' };
const MUNICIPALITY = { organisation: ORGANISATIONS.orebro, unit: 'Servicecenter' };
const SUBJECT = '191212121212';
const AGREEMENT_ID = 'da905105-7c95-4dc4-bf65-9d5dc8a81fcc';
const OTHER_AGREEMENT_ID = '7f3c2a10-55d2-4c1e-9b7a-0c2f4e6a8b91';
const CONSENT_ID = 'e3e9b77e-b941-4200-8be9-305e792c9027';
const OTHER_CONSENT_ID = '0b6f4c1d-2a3e-4f5a-8b9c-1d2e3f4a5b6c';
const REFERRAL_ID = '3f1e2d4c-5b6a-4789-8abc-def012345678';
const LEGAL_BASIS = { reference: 'SFS 2010:110 110 kap. 31 §', text: 'Uppgiftsskyldighet till socialnämnden' };
const JUSTIFICATION = 'Utredning av rätt till ekonomiskt bistånd, beslut ska fattas denna vecka';
const NOW = '2026-06-10T09:00:00.000Z';

const FK: DecisionTableAdapter = {
  agency: 'fk',
  organisation: ORGANISATIONS.fk,
  trustedSenders: ['hub'],
  catalogue: {
    categories: [
      {
        code: 'fk.utbetalningar',
        secrecyClass: 'consent',
        fields: [
          { name: 'benefit', kind: 'other' },
          { name: 'amount', kind: 'other' },
        ],
      },
      {
        code: 'fk.pagaende-arenden',
        secrecyClass: 'consent',
        fields: [
          { name: 'type', kind: 'other' },
          { name: 'status', kind: 'other' },
        ],
      },
      {
        code: 'fk.bostadsbidrag',
        secrecyClass: 'legal-basis',
        fields: [
          { name: 'decision', kind: 'other' },
          { name: 'dwellingAddress', kind: 'address' },
        ],
      },
      { code: 'fk.medicinskt-underlag', secrecyClass: 'never', fields: [{ name: 'certificate', kind: 'other' }] },
      {
        code: 'fk.kontakt',
        secrecyClass: 'public',
        fields: [
          { name: 'caseworker', kind: 'other' },
          { name: 'office', kind: 'location' },
        ],
      },
      {
        code: 'fk.adress',
        secrecyClass: 'public',
        fields: [
          { name: 'postalAddress', kind: 'address' },
          { name: 'municipality', kind: 'location' },
        ],
      },
    ],
    referralTypes: [{ code: 'fk.bostadsbidrag-ansokan' }, { code: 'fk.sjukpenning-ansokan' }],
  },
};

const REGISTER: DecisionTableRegister = {
  protectedIdentity: false,
  categories: {
    'fk.utbetalningar': [
      { benefit: 'Bostadsbidrag', amount: 2100 },
      { benefit: 'Barnbidrag', amount: 1250 },
    ],
    'fk.pagaende-arenden': [{ type: 'Sjukpenning', status: 'Under utredning' }],
    'fk.bostadsbidrag': [{ decision: 'Beviljat', dwellingAddress: 'Storgatan 1, 702 10 Örebro' }],
    'fk.medicinskt-underlag': [{ certificate: 'Läkarintyg' }],
    'fk.kontakt': [{ caseworker: 'Handläggare 12', office: 'Örebro' }],
    'fk.adress': [{ postalAddress: 'Storgatan 1, 702 10 Örebro', municipality: 'Örebro' }],
  },
};

const agreementV1 = (): DeepMutable<AgreementChangedV1> => ({
  agreementId: AGREEMENT_ID,
  version: 1,
  status: 'active',
  change: 'approved',
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  parties: [{ ...MUNICIPALITY }, { organisation: ORGANISATIONS.fk }],
  agency: 'fk',
  approvals: [{ organisation: ORGANISATIONS.orebro }, { organisation: ORGANISATIONS.fk }],
  purposes: [
    {
      purpose: 'vagledning',
      categories: [
        'fk.utbetalningar',
        'fk.pagaende-arenden',
        'fk.bostadsbidrag',
        'fk.medicinskt-underlag',
        'fk.kontakt',
        'fk.adress',
      ],
      referralTypes: ['fk.bostadsbidrag-ansokan'],
      roles: ['guide', 'caseworker'],
      consentRequired: false,
    },
    {
      purpose: 'ekonomiskt-bistand',
      categories: ['fk.utbetalningar', 'fk.bostadsbidrag', 'fk.kontakt', 'fk.adress'],
      referralTypes: ['fk.bostadsbidrag-ansokan'],
      roles: ['caseworker'],
      consentRequired: false,
      legalBasis: { ...LEGAL_BASIS },
    },
    {
      purpose: 'bostadsanpassning',
      categories: ['fk.kontakt', 'fk.utbetalningar', 'fk.bostadsbidrag'],
      referralTypes: ['fk.bostadsbidrag-ansokan'],
      roles: ['guide'],
      consentRequired: true,
      legalBasis: { ...LEGAL_BASIS },
    },
  ],
});

const consent = (): DeepMutable<ConsentSnapshot> => ({
  id: CONSENT_ID,
  organisation: MUNICIPALITY.organisation,
  unit: MUNICIPALITY.unit,
  purposes: ['vagledning', 'bostadsanpassning'],
  agencies: ['fk', 'af'],
  categories: ['fk.utbetalningar', 'fk.pagaende-arenden', 'fk.kontakt'],
  method: 'in-person-written',
  recordedBy: 'orebro-sc-0042',
  validFrom: '2026-02-01',
  validUntil: '2027-01-31',
});

const requester = (roles: ('guide' | 'caseworker')[] = ['guide']) => ({ ...MUNICIPALITY, staffId: 'anna.g', roles });

function baseQuery(name: string, description: string): QueryDraft {
  return {
    name: `query/${name}`,
    description,
    kind: 'query',
    now: NOW,
    adapter: structuredClone(FK) as DeepMutable<DecisionTableAdapter>,
    agreements: [agreementV1()],
    revocations: [],
    register: structuredClone(REGISTER) as DeepMutable<DecisionTableRegister>,
    message: {
      type: 'query.request.v1',
      sender: { ...HUB },
      purpose: 'vagledning',
      agreement: { id: AGREEMENT_ID, version: 1 },
      payload: {
        subject: SUBJECT,
        categories: ['fk.kontakt'],
        requester: requester(),
        consentId: CONSENT_ID,
        consent: consent(),
      } as DeepMutable<QueryRequestV1>,
    },
  };
}

function baseReferral(name: string, description: string): ReferralDraft {
  return {
    name: `referral/${name}`,
    description,
    kind: 'referral',
    now: NOW,
    adapter: structuredClone(FK) as DeepMutable<DecisionTableAdapter>,
    agreements: [agreementV1()],
    revocations: [],
    message: {
      type: 'referral.created.v1',
      sender: { ...HUB },
      purpose: 'vagledning',
      agreement: { id: AGREEMENT_ID, version: 1 },
      payload: {
        referralId: REFERRAL_ID,
        agency: 'fk',
        referralType: 'fk.bostadsbidrag-ansokan',
        subject: SUBJECT,
        message: 'Behöver hjälp att ansöka om bostadsbidrag.',
        contactPreference: 'phone',
        consentId: CONSENT_ID,
        consent: consent(),
        requester: requester(),
        respondBy: '2026-06-20T09:00:00.000Z',
      } as DeepMutable<ReferralCreatedV1>,
    },
  };
}

const query = (name: string, description: string, change: (c: QueryDraft) => void = () => {}): CaseInput => {
  const c = baseQuery(name, description);
  change(c);
  return c as CaseInput;
};

const referral = (name: string, description: string, change: (c: ReferralDraft) => void = () => {}): CaseInput => {
  const c = baseReferral(name, description);
  change(c);
  return c as CaseInput;
};

type Draft = QueryDraft | ReferralDraft;
const terms = (c: Draft, purpose: string) => c.agreements[0].purposes.find((t) => t.purpose === purpose)!;
const withoutConsent = (c: Draft) => {
  delete c.message.payload.consentId;
  delete c.message.payload.consent;
};
const newerVersion = (c: Draft, change: (a: DeepMutable<AgreementChangedV1>) => void = () => {}) => {
  const v2 = { ...agreementV1(), version: 2, change: 'amended' as const };
  change(v2);
  c.agreements.push(v2);
};

/** Instants either side of midnight in Stockholm: `lastMs` of day D and the first ms of D+1, as UTC. */
const BOUNDARIES = [
  {
    label: 'winter (CET, UTC+1)',
    day: '2026-01-15',
    last: '2026-01-15T22:59:59.999Z',
    first: '2026-01-15T23:00:00.000Z',
  },
  {
    label: 'summer (CEST, UTC+2)',
    day: '2026-06-10',
    last: '2026-06-10T21:59:59.999Z',
    first: '2026-06-10T22:00:00.000Z',
  },
  {
    label: 'the eve of spring-forward (still CET)',
    day: '2026-03-28',
    last: '2026-03-28T22:59:59.999Z',
    first: '2026-03-28T23:00:00.000Z',
  },
  {
    label: 'the spring-forward day 2026-03-29 (CEST from 01:00 UTC)',
    day: '2026-03-29',
    last: '2026-03-29T21:59:59.999Z',
    first: '2026-03-29T22:00:00.000Z',
  },
  {
    label: 'the eve of fall-back (still CEST)',
    day: '2026-10-24',
    last: '2026-10-24T21:59:59.999Z',
    first: '2026-10-24T22:00:00.000Z',
  },
  {
    label: 'the fall-back day 2026-10-25 (CET from 01:00 UTC)',
    day: '2026-10-25',
    last: '2026-10-25T22:59:59.999Z',
    first: '2026-10-25T23:00:00.000Z',
  },
] as const;

function dateCases(): CaseInput[] {
  const cases: CaseInput[] = [];
  for (const b of BOUNDARIES) {
    const slug = b.day;
    cases.push(
      query(
        `agreement-valid-to-last-instant-${slug}`,
        `validTo ${b.day}: in force at 23:59:59.999 Stockholm time on ${b.label}`,
        (c) => {
          c.agreements[0].validTo = b.day;
          c.now = b.last;
        },
      ),
      query(
        `agreement-valid-to-passed-${slug}`,
        `validTo ${b.day}: expired from 00:00 Stockholm time the next day, ${b.label}`,
        (c) => {
          c.agreements[0].validTo = b.day;
          c.now = b.first;
        },
      ),
      query(
        `agreement-valid-from-first-instant-${slug}`,
        `validFrom the day after ${b.day}: in force from 00:00 Stockholm time, ${b.label}`,
        (c) => {
          c.agreements[0].validFrom = nextDay(b.day);
          c.agreements[0].validTo = '2027-06-30';
          c.now = b.first;
        },
      ),
      query(
        `agreement-valid-from-not-yet-${slug}`,
        `validFrom the day after ${b.day}: not in force at 23:59:59.999 Stockholm time, ${b.label}`,
        (c) => {
          c.agreements[0].validFrom = nextDay(b.day);
          c.agreements[0].validTo = '2027-06-30';
          c.now = b.last;
        },
      ),
      query(
        `consent-valid-until-last-instant-${slug}`,
        `consent validUntil ${b.day}: usable at 23:59:59.999 Stockholm time, ${b.label}`,
        (c) => {
          c.agreements[0].validFrom = '2025-06-01';
          c.message.payload.categories = ['fk.utbetalningar'];
          c.message.payload.consent!.validFrom = '2026-01-01';
          c.message.payload.consent!.validUntil = b.day;
          c.now = b.last;
        },
      ),
      query(
        `consent-valid-until-passed-${slug}`,
        `consent validUntil ${b.day}: unusable from 00:00 Stockholm time the next day, ${b.label}`,
        (c) => {
          c.agreements[0].validFrom = '2025-06-01';
          c.message.payload.categories = ['fk.utbetalningar'];
          c.message.payload.consent!.validFrom = '2026-01-01';
          c.message.payload.consent!.validUntil = b.day;
          c.now = b.first;
        },
      ),
      referral(
        `agreement-valid-to-last-instant-${slug}`,
        `validTo ${b.day}: in force at 23:59:59.999 Stockholm time, ${b.label}`,
        (c) => {
          c.agreements[0].validTo = b.day;
          c.now = b.last;
        },
      ),
      referral(
        `agreement-valid-to-passed-${slug}`,
        `validTo ${b.day}: expired from 00:00 Stockholm time the next day, ${b.label}`,
        (c) => {
          c.agreements[0].validTo = b.day;
          c.now = b.first;
        },
      ),
    );
  }
  return cases;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function namedQueryCases(): CaseInput[] {
  return [
    query('released-public', 'a public category the agreement covers for the purpose is released'),
    query('released-consent', 'a consent category is released on a consent that covers it', (c) => {
      c.message.payload.categories = ['fk.utbetalningar', 'fk.pagaende-arenden'];
    }),
    query(
      'released-legal-basis',
      'a legal-basis category is released under the legal basis the agreement cites',
      (c) => {
        c.message.purpose = 'ekonomiskt-bistand';
        c.message.payload.requester.roles = ['caseworker'];
        c.message.payload.categories = ['fk.bostadsbidrag'];
        withoutConsent(c);
      },
    ),
    query(
      'released-consent-class-on-legal-basis',
      'without a consent, a consent category is released on the legal basis where the agreement does not require consent',
      (c) => {
        c.message.purpose = 'ekonomiskt-bistand';
        c.message.payload.requester.roles = ['caseworker'];
        c.message.payload.categories = ['fk.utbetalningar'];
        withoutConsent(c);
      },
    ),
    query(
      'partly-released',
      'some categories released and some denied: status ok, each denied category with its reason',
      (c) => {
        c.message.payload.categories = [
          'fk.kontakt',
          'fk.utbetalningar',
          'fk.medicinskt-underlag',
          'fk.okand',
          'fk.bostadsbidrag',
        ];
      },
    ),
    query('subject-unknown', 'the agency does not know the subject: ok, found false, nothing released', (c) => {
      c.register = null;
    }),
    query('sender-not-party', 'a query from a sender the adapter does not trust is refused', (c) => {
      c.message.sender = { organisation: ORGANISATIONS.af, service: 'adapter-af' };
    }),
    query('no-agreement-unknown-id', 'the named agreement was never announced to the adapter', (c) => {
      c.message.agreement = { id: OTHER_AGREEMENT_ID, version: 1 };
    }),
    query('no-agreement-unknown-version', 'the named version of a known agreement was never announced', (c) => {
      c.message.agreement.version = 2;
    }),
    query(
      'no-agreement-other-parties',
      "the named agreement is between other parties than the requester's unit",
      (c) => {
        c.message.payload.requester.unit = 'Socialtjänsten';
        c.message.payload.consent!.unit = 'Socialtjänsten';
      },
    ),
    query(
      'no-agreement-other-agency',
      'the named agreement is for another agency: the adapter does not keep it',
      (c) => {
        c.agreements[0].agency = 'af';
        c.agreements[0].parties[1].organisation = ORGANISATIONS.af;
        c.agreements[0].approvals[1].organisation = ORGANISATIONS.af;
      },
    ),
    ...(['draft', 'proposed', 'suspended', 'terminated', 'expired'] as const).map((status) =>
      query(`agreement-${status}`, `the named version has status ${status}`, (c) => {
        c.agreements[0].status = status;
      }),
    ),
    query('agreement-not-approved-by-agency', 'the named version is active but lacks the agency’s approval', (c) => {
      c.agreements[0].approvals = [{ organisation: ORGANISATIONS.orebro }];
    }),
    query('agreement-not-approved-by-municipality', 'the named version lacks the municipality’s approval', (c) => {
      c.agreements[0].approvals = [{ organisation: ORGANISATIONS.fk }];
    }),
    query('agreement-past-valid-to', 'past validTo the version has expired whatever its stored status', (c) => {
      c.agreements[0].validTo = '2026-06-09';
    }),
    query('agreement-before-valid-from', 'before validFrom the version is not in force', (c) => {
      c.agreements[0].validFrom = '2026-06-11';
    }),
    query('agreement-superseded', 'the named version 1 is superseded by version 2 in force', (c) => newerVersion(c)),
    query('agreement-newer-version-named', 'the named version 2 is in force; version 1 is held as well', (c) => {
      newerVersion(c);
      c.message.agreement.version = 2;
    }),
    query(
      'agreement-newer-version-suspended',
      'the named version 2 is suspended while version 1 is still in force',
      (c) => {
        newerVersion(c, (a) => (a.status = 'suspended'));
        c.message.agreement.version = 2;
      },
    ),
    query(
      'agreement-newer-version-not-in-force',
      'version 1 is named; version 2 is only proposed, so version 1 holds',
      (c) => {
        newerVersion(c, (a) => {
          a.status = 'proposed';
          a.change = 'proposed';
          a.approvals = [{ organisation: ORGANISATIONS.orebro }];
        });
      },
    ),
    query('purpose-not-covered', 'the agreement has no terms for the purpose', (c) => {
      c.message.purpose = 'etablering';
    }),
    query('role-not-allowed', "none of the requester's roles is allowed for the purpose", (c) => {
      c.message.purpose = 'ekonomiskt-bistand';
      withoutConsent(c);
    }),
    query(
      'justification-missing',
      'protected identity in the register and no justification: denied, reply marked protected',
      (c) => {
        c.register!.protectedIdentity = true;
      },
    ),
    query(
      'justification-too-short',
      'a justification of fewer than 10 characters after trimming counts as none',
      (c) => {
        c.register!.protectedIdentity = true;
        c.message.payload.justification = '   för kort   ';
      },
    ),
    query(
      'protected-identity-fields-withheld',
      'protected identity: address and location fields are withheld, a category with only such fields is denied',
      (c) => {
        c.register!.protectedIdentity = true;
        c.message.payload.justification = JUSTIFICATION;
        c.message.payload.categories = ['fk.kontakt', 'fk.adress', 'fk.utbetalningar'];
      },
    ),
    query(
      'protected-identity-known-by-hub',
      'the hub flags protected identity the register does not show: treated as protected',
      (c) => {
        c.message.payload.protectedIdentityKnown = true;
        c.message.payload.justification = JUSTIFICATION;
        c.message.payload.categories = ['fk.kontakt', 'fk.adress'];
      },
    ),
    query(
      'protected-identity-every-category-denied',
      'protected identity and only address fields asked for: denied, reason protected-identity',
      (c) => {
        c.register!.protectedIdentity = true;
        c.message.payload.justification = JUSTIFICATION;
        c.message.payload.categories = ['fk.adress'];
      },
    ),
    query(
      'protected-identity-subject-unknown',
      'the hub flags protected identity for a subject the agency does not know',
      (c) => {
        c.register = null;
        c.message.payload.protectedIdentityKnown = true;
        c.message.payload.justification = JUSTIFICATION;
      },
    ),
    query('consent-missing-none-given', 'a consent category without a consent or a legal basis', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      withoutConsent(c);
    }),
    query('consent-missing-snapshot-without-id', 'a consent snapshot without consentId is not relied on', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      delete c.message.payload.consentId;
    }),
    query(
      'consent-missing-snapshot-id-mismatch',
      'the snapshot is of another consent than consentId names: not relied on',
      (c) => {
        c.message.payload.categories = ['fk.utbetalningar'];
        c.message.payload.consent!.id = OTHER_CONSENT_ID;
      },
    ),
    query(
      'consent-missing-id-without-snapshot',
      'consentId without its snapshot: nothing to re-check, not relied on',
      (c) => {
        c.message.payload.categories = ['fk.utbetalningar'];
        delete c.message.payload.consent;
      },
    ),
    query('consent-revoked', 'the consent was revoked before now (consent.revoked.v1)', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.revocations.push({ consentId: CONSENT_ID, revokedAt: '2026-06-09T12:00:00.000Z' });
    }),
    query('consent-revoked-at-now', 'a revocation at exactly now counts', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.revocations.push({ consentId: CONSENT_ID, revokedAt: NOW });
    }),
    query('consent-revoked-after-now', 'a revocation dated after now does not yet count', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.revocations.push({ consentId: CONSENT_ID, revokedAt: '2026-06-10T09:00:00.001Z' });
    }),
    query('consent-revoked-id-case', 'revocation and consent id compare case-insensitively', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.revocations.push({ consentId: CONSENT_ID.toUpperCase(), revokedAt: '2026-06-09T12:00:00.000Z' });
    }),
    query('consent-other-consent-revoked', 'a revocation of another consent does not touch this one', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.revocations.push({ consentId: OTHER_CONSENT_ID, revokedAt: '2026-06-09T12:00:00.000Z' });
    }),
    query('consent-other-unit', "the consent was given to another unit than the requester's", (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.message.payload.consent!.unit = 'Socialtjänsten';
    }),
    query('consent-other-municipality', 'the consent was given to another municipality', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.message.payload.consent!.organisation = '2120000142';
    }),
    query('consent-other-purpose', "the consent does not cover the query's purpose", (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.message.payload.consent!.purposes = ['etablering'];
    }),
    query('consent-other-agency', 'the consent does not cover the agency', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.message.payload.consent!.agencies = ['af', 'skv'];
    }),
    query('consent-other-category', 'the consent covers the purpose and agency but not the category', (c) => {
      c.message.payload.categories = ['fk.utbetalningar', 'fk.pagaende-arenden'];
      c.message.payload.consent!.categories = ['fk.utbetalningar'];
    }),
    query('consent-expired', 'the consent ended yesterday', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.message.payload.consent!.validFrom = '2025-06-10';
      c.message.payload.consent!.validUntil = '2026-06-09';
    }),
    query('consent-not-yet-valid', 'the consent starts tomorrow', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.message.payload.consent!.validFrom = '2026-06-11';
    }),
    query('consent-twelve-months', 'a consent valid for exactly one year (same day a year on) is usable', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.message.payload.consent!.validFrom = '2025-06-11';
      c.message.payload.consent!.validUntil = '2026-06-11';
    }),
    query('consent-longer-than-twelve-months', 'a consent valid for a year and a day is not usable at all', (c) => {
      c.message.payload.categories = ['fk.utbetalningar'];
      c.message.payload.consent!.validFrom = '2025-06-11';
      c.message.payload.consent!.validUntil = '2026-06-12';
    }),
    query(
      'consent-required-by-agreement',
      'the agreement requires consent for the purpose: a public category the consent does not cover is denied',
      (c) => {
        c.message.purpose = 'bostadsanpassning';
        c.message.payload.categories = ['fk.kontakt', 'fk.utbetalningar'];
        c.message.payload.consent!.categories = ['fk.utbetalningar'];
      },
    ),
    query(
      'consent-required-by-agreement-given',
      'the agreement requires consent and the consent covers every category',
      (c) => {
        c.message.purpose = 'bostadsanpassning';
        c.message.payload.categories = ['fk.kontakt', 'fk.utbetalningar'];
      },
    ),
    query(
      'consent-required-legal-basis-class',
      'consent required by the agreement and a legal-basis category: needs both',
      (c) => {
        c.message.purpose = 'bostadsanpassning';
        c.message.payload.categories = ['fk.bostadsbidrag'];
      },
    ),
    query('category-never', 'a category of class never is never released', (c) => {
      c.message.payload.categories = ['fk.medicinskt-underlag'];
    }),
    query('category-not-covered', "the category is not among the agreement's for the purpose", (c) => {
      c.message.purpose = 'ekonomiskt-bistand';
      c.message.payload.requester.roles = ['caseworker'];
      c.message.payload.categories = ['fk.pagaende-arenden'];
    }),
    query('category-unknown', "the category is not in the agency's catalogue", (c) => {
      c.message.payload.categories = ['fk.okand'];
    }),
    query('legal-basis-missing', 'a legal-basis category under terms that cite no legal basis', (c) => {
      c.message.payload.categories = ['fk.bostadsbidrag'];
    }),
    query('legal-basis-blank', 'a legal basis with a blank reference counts as none', (c) => {
      c.message.purpose = 'ekonomiskt-bistand';
      c.message.payload.requester.roles = ['caseworker'];
      c.message.payload.categories = ['fk.bostadsbidrag'];
      terms(c, 'ekonomiskt-bistand').legalBasis = { reference: '  ' };
    }),
  ];
}

function namedReferralCases(): CaseInput[] {
  return [
    referral('received-on-consent', 'a referral type the agreement allows, on a usable consent'),
    referral(
      'received-on-legal-basis',
      'without a consent, on the legal basis of terms that do not require consent',
      (c) => {
        c.message.purpose = 'ekonomiskt-bistand';
        c.message.payload.requester.roles = ['caseworker'];
        withoutConsent(c);
      },
    ),
    referral('no-agreement-unknown-id', 'the named agreement was never announced', (c) => {
      c.message.agreement = { id: OTHER_AGREEMENT_ID, version: 1 };
    }),
    referral('no-agreement-unknown-version', 'the named version was never announced', (c) => {
      c.message.agreement.version = 3;
    }),
    referral('no-agreement-other-parties', "the named agreement is not the requester's unit's", (c) => {
      c.message.payload.requester.unit = 'Socialtjänsten';
    }),
    ...(['proposed', 'suspended', 'terminated', 'expired'] as const).map((status) =>
      referral(`agreement-${status}`, `the named version has status ${status}`, (c) => {
        c.agreements[0].status = status;
      }),
    ),
    referral('agreement-not-approved', 'the named version lacks the agency’s approval', (c) => {
      c.agreements[0].approvals = [{ organisation: ORGANISATIONS.orebro }];
    }),
    referral('agreement-past-valid-to', 'past validTo the version has expired whatever its stored status', (c) => {
      c.agreements[0].validTo = '2026-06-09';
    }),
    referral(
      'agreement-superseded',
      'on arrival the named version itself must be in force; version 2 supersedes it',
      (c) => newerVersion(c),
    ),
    referral('agreement-newer-version-named', 'the named version 2 is in force', (c) => {
      newerVersion(c);
      c.message.agreement.version = 2;
    }),
    referral('purpose-not-covered', 'the agreement has no terms for the purpose', (c) => {
      c.message.purpose = 'etablering';
    }),
    referral('role-not-allowed', "none of the requester's roles is allowed for the purpose", (c) => {
      c.message.purpose = 'ekonomiskt-bistand';
    }),
    referral('referral-type-unknown', "the referral type is not in the agency's catalogue", (c) => {
      c.message.payload.referralType = 'fk.okand-remiss';
      terms(c, 'vagledning').referralTypes.push('fk.okand-remiss');
    }),
    referral(
      'referral-type-not-covered',
      "the referral type is in the catalogue but not among the agreement's",
      (c) => {
        c.message.payload.referralType = 'fk.sjukpenning-ansokan';
      },
    ),
    referral('consent-missing-none-given', 'no consent and terms without a legal basis', (c) => withoutConsent(c)),
    referral('consent-missing-snapshot-id-mismatch', 'the snapshot is of another consent than consentId names', (c) => {
      c.message.payload.consent!.id = OTHER_CONSENT_ID;
    }),
    referral('consent-missing-other-agency', 'the consent does not cover the agency', (c) => {
      c.message.payload.consent!.agencies = ['af'];
    }),
    referral('consent-missing-other-purpose', 'the consent does not cover the purpose', (c) => {
      c.message.payload.consent!.purposes = ['etablering'];
    }),
    referral('consent-missing-other-unit', "the consent was given to another unit than the requester's", (c) => {
      c.message.payload.consent!.unit = 'Socialtjänsten';
    }),
    referral('consent-missing-expired', 'the consent ended yesterday', (c) => {
      c.message.payload.consent!.validFrom = '2025-06-10';
      c.message.payload.consent!.validUntil = '2026-06-09';
    }),
    referral(
      'consent-missing-required-by-agreement',
      'the agreement requires consent; its legal basis is not enough',
      (c) => {
        c.message.purpose = 'bostadsanpassning';
        withoutConsent(c);
      },
    ),
    referral('consent-revoked', 'the consent the referral relies on was revoked: cancelled, not declined', (c) => {
      c.revocations.push({ consentId: CONSENT_ID, revokedAt: '2026-06-09T12:00:00.000Z' });
    }),
    referral('consent-revoked-after-now', 'a revocation dated after now does not yet count', (c) => {
      c.revocations.push({ consentId: CONSENT_ID, revokedAt: '2026-06-10T09:00:00.001Z' });
    }),
    referral(
      'consent-revoked-legal-basis-holds',
      'the consent was revoked but the legal basis carries the referral',
      (c) => {
        c.message.purpose = 'ekonomiskt-bistand';
        c.message.payload.requester.roles = ['caseworker'];
        c.message.payload.consent!.purposes = ['ekonomiskt-bistand'];
        c.revocations.push({ consentId: CONSENT_ID, revokedAt: '2026-06-09T12:00:00.000Z' });
      },
    ),
    referral(
      'consent-revoked-after-now-other-fault',
      'a revocation dated after now, and the consent fails for another reason: cancelled as revoked',
      (c) => {
        c.message.payload.consent!.purposes = ['etablering'];
        c.revocations.push({ consentId: CONSENT_ID, revokedAt: '2026-06-11T09:00:00.000Z' });
      },
    ),
  ];
}

// ---- the seeded sample, from the policy's arbitraries ----

/** A deterministic UUID (v4 layout) for an arbitrary's short id, so that every case is a valid message. */
export function uuidFor(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ORGANISATION_OF_STRANGER = '5560000001';

function announcement(a: AgreementVersion, referralTypes: readonly string[]): AgreementChangedV1 {
  return {
    agreementId: uuidFor(a.id),
    version: a.version,
    status: a.status,
    change: 'republished',
    validFrom: a.validFrom,
    validTo: a.validTo,
    parties: [{ ...a.parties.municipality }, { organisation: a.parties.agency.organisation }],
    agency: a.parties.agency.agency,
    approvals: a.approvals.map((x) => ({
      organisation: /^\d{10}$/.test(x.organisation) ? x.organisation : ORGANISATION_OF_STRANGER,
    })),
    purposes: Object.entries(a.purposes).map(([purpose, t]) => ({
      purpose: purpose as AgreementChangedV1['purposes'][number]['purpose'],
      categories: [...new Set(t!.categories)],
      referralTypes: [...referralTypes],
      roles: [...new Set(t!.roles)],
      consentRequired: t!.consentRequired,
      ...(t!.legalBasis && { legalBasis: { ...t!.legalBasis } }),
    })),
  };
}

function adapterFor(
  agency: string,
  catalogues: readonly AgencyCatalogue[],
  referralTypes: readonly string[],
): DecisionTableAdapter {
  const catalogue = catalogues.find((c) => c.agency === agency);
  const seen = new Set<string>();
  return {
    agency,
    organisation: AGENCY_ORGANISATION[agency],
    trustedSenders: ['hub'],
    catalogue: {
      // an adapter announces each category once
      categories: (catalogue?.categories ?? [])
        .filter((e) => !seen.has(e.code) && seen.add(e.code))
        .map((e) => ({ code: e.code, secrecyClass: e.secrecyClass, fields: e.fields.map((f) => ({ ...f })) })),
      referralTypes: referralTypes.map((code) => ({ code })),
    },
  };
}

function registerFor(adapter: DecisionTableAdapter, protectedIdentity: boolean): DecisionTableRegister {
  return {
    protectedIdentity,
    categories: Object.fromEntries(
      adapter.catalogue.categories.map((c) => [
        c.code,
        [Object.fromEntries(c.fields.map((f, i) => [f.name, `${c.code.split('.')[1]}-${f.name}-${i}`]))],
      ]),
    ),
  };
}

/** The arbitrary's consent as a snapshot on the wire: ids as UUIDs, and never an empty list of agencies. */
function snapshotOf(c: Consent, agency: string): ConsentSnapshot {
  const agencies = c.agencies.length > 0 ? [...c.agencies] : [agency === 'kfm' ? 'fk' : 'kfm'];
  return { ...consentSnapshot(c), id: uuidFor(c.id), agencies };
}

const extras = fc.record({
  found: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
  protectedByHub: fc.boolean(),
  sameParties: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
  named: fc.nat({ max: 9 }),
  unknownVersion: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
  untrustedSender: fc.oneof({ arbitrary: fc.constant(false), weight: 19 }, { arbitrary: fc.constant(true), weight: 1 }),
  referralType: fc.nat({ max: 2 }),
  catalogueTypes: fc.subarray([0, 1]),
  termsTypes: fc.subarray([0, 1, 2]),
});

function sampledCases(kind: 'query' | 'referral', size: number, seed: number): CaseInput[] {
  const draws = fc.sample(fc.tuple(decisionInput, extras), { seed, numRuns: size });
  return draws.map(([input, x], i): CaseInput => {
    const drawn = input.agreements as readonly AgreementVersion[];
    const picked = drawn[x.named % drawn.length];
    // mostly an agency the sample holds an agreement with, so that the sample reaches past the agreement rules
    const agency = x.unknownVersion ? input.request.agencies[0] : picked.parties.agency.agency;
    const types = [0, 1, 2].map((n) => `${agency}.remiss-${n}`);
    // the arbitraries draw plain lists, never indexes
    const catalogues = input.catalogues as readonly AgencyCatalogue[];
    const adapter = adapterFor(
      agency,
      catalogues,
      x.catalogueTypes.map((n) => types[n]),
    );
    const agreements = drawn
      .filter((a) => a.parties.agency.agency === agency)
      .map((a) =>
        announcement(
          a,
          x.termsTypes.map((n) => types[n]),
        ),
      );
    const pick =
      agreements.find((a) => a.agreementId === uuidFor(picked.id) && a.version === picked.version) ?? agreements[0];
    // mostly the requester's own agreement, so that the sample reaches past the agreement rules
    const staff = pick && x.sameParties ? { ...input.staff, ...pick.parties.find((p) => p.unit)! } : input.staff;
    const agreement = pick
      ? { id: pick.agreementId, version: pick.version + (x.unknownVersion ? 5 : 0) }
      : { id: uuidFor(`none-${i}`), version: 1 };
    const chosen = input.consents.find((c) => c.id === input.request.consentId) ?? input.consents[0];
    const consentFields = input.request.consentId
      ? {
          consentId: uuidFor(input.request.consentId),
          ...(chosen && { consent: snapshotOf(chosen, agency) }),
        }
      : {};
    const revocations = input.consents
      .filter((c) => c.revokedAt)
      .map((c) => ({ consentId: uuidFor(c.id), revokedAt: c.revokedAt!.toISOString() }));
    const requester = {
      organisation: staff.organisation,
      unit: staff.unit!,
      staffId: 'staff-1',
      roles: [...new Set(input.staff.roles)],
    };
    const common = {
      description: `sampled from the policy arbitraries, seed ${seed}, draw ${i}`,
      now: input.now.toISOString(),
      adapter,
      agreements,
      revocations,
    };
    const sender = x.untrustedSender ? { organisation: ORGANISATIONS.af, service: 'adapter-af' } : { ...HUB };
    if (kind === 'referral') {
      return {
        ...common,
        name: `referral/sampled-${String(i).padStart(3, '0')}`,
        kind: 'referral',
        message: {
          type: 'referral.created.v1',
          sender: { ...HUB },
          purpose: input.request.purpose,
          agreement,
          payload: {
            referralId: uuidFor(`referral-${i}`),
            agency,
            referralType: types[x.referralType],
            subject: input.request.subject,
            message: 'Remiss.',
            contactPreference: 'letter',
            ...consentFields,
            requester,
            respondBy: new Date(input.now.getTime() + 7 * 86_400_000).toISOString(),
          },
        },
      };
    }
    const asked = input.request.categories === 'all' ? undefined : input.request.categories[agency];
    const categories = Array.isArray(asked) && asked.length > 0 ? [...new Set(asked)] : categoryCodes(agency);
    const protectedInRegister = input.protectedIdentity && x.found && !x.protectedByHub;
    const justification = input.request.justification;
    return {
      ...common,
      name: `query/sampled-${String(i).padStart(3, '0')}`,
      kind: 'query',
      register: x.found ? registerFor(adapter, protectedInRegister) : null,
      message: {
        type: 'query.request.v1',
        sender,
        purpose: input.request.purpose,
        agreement,
        payload: {
          subject: input.request.subject,
          categories,
          requester,
          ...consentFields,
          ...(justification && { justification }),
          ...(input.protectedIdentity && !protectedInRegister && { protectedIdentityKnown: true }),
        },
      },
    };
  });
}

export interface DecisionTableFiles {
  /** file name in contracts/generated/decision-tables → its cases */
  readonly [file: string]: readonly DecisionTableCase[];
}

/** Every case with its expected answer, by the file it is written to. Pure and deterministic. */
export function decisionTables(): DecisionTableFiles {
  const named = [...namedQueryCases(), ...namedReferralCases(), ...dateCases()];
  return {
    'query.named.json': named.filter((c) => c.kind === 'query').map(withExpected),
    'referral.named.json': named.filter((c) => c.kind === 'referral').map(withExpected),
    'query.sampled.json': sampledCases('query', SAMPLE_SIZE.query, SAMPLE_SEED).map(withExpected),
    'referral.sampled.json': sampledCases('referral', SAMPLE_SIZE.referral, SAMPLE_SEED + 1).map(withExpected),
  };
}

/** Where the tables are written, relative to the repository root. */
export const DECISION_TABLES_DIR = 'contracts/generated/decision-tables';

const DESCRIPTIONS: Record<string, string> = {
  'query.named.json': 'query.request.v1 re-checked by the adapter: one named case per rule and boundary',
  'referral.named.json':
    'referral.created.v1 re-checked by the adapter on arrival: one named case per rule and boundary',
  'query.sampled.json': `query.request.v1: a seeded sample (seed ${SAMPLE_SEED}) of the policy's arbitraries, for breadth`,
  'referral.sampled.json': `referral.created.v1: a seeded sample (seed ${SAMPLE_SEED + 1}) of the policy's arbitraries`,
};

// indented, but a list of plain values on one line: half the size, and a case still reads from top to bottom
const json = (value: unknown) =>
  `${JSON.stringify(value, null, 2)
    .replace(/\[\n\s*([^[\]{}\n][^[\]{}]*?)\n\s*\]/g, (_, items: string) => `[${items.replace(/,\n\s*/g, ', ')}]`)
    .replace(/\{\n\s*([^[\]{}\n][^[\]{}]*?)\n\s*\}/g, (whole: string, members: string) => {
      const line = `{ ${members.replace(/,\n\s*/g, ', ')} }`;
      return line.length <= 100 ? line : whole;
    })}\n`;

/** Every generated file by path from the repository root: `npm run decision-tables` writes exactly this. */
export function decisionTableFiles(): Record<string, string> {
  const files: Record<string, string> = {
    [`${DECISION_TABLES_DIR}/case.schema.json`]: json(DECISION_TABLE_SCHEMA),
  };
  for (const [file, cases] of Object.entries(decisionTables())) {
    files[`${DECISION_TABLES_DIR}/${file}`] = json({
      $schema: './case.schema.json',
      description: DESCRIPTIONS[file],
      cases,
    });
  }
  return files;
}
