import { randomUUID } from 'node:crypto';
import { luhnValid, ORGANISATIONS, STAFF_ROLES, type StaffRole } from '@hub/contracts';
import { swedishDay } from '@hub/policy';
import { ADAPTERS } from '../support/adapters.js';
import { announce, SPEC_CATALOGUES, waitForCatalogue } from '../support/catalogues.js';
import { messagingFor, testPool } from '../support/env.js';
import { startTestEid, type RunningTestEid } from '../support/eid.js';
import { migrateTestDatabase, startHub, tokenFor, type RunningHub, type TestUser } from '../support/hub.js';

/**
 * Issue 16, isolation: two municipalities (and two units of one of them) × every role × every operation of the
 * OpenAPI document that takes an id or returns a list. Nothing of one tenant may reach another.
 *
 * The rules the matrix holds every answer to:
 * - An operation on another tenant's object, read or write, answers exactly as it answers for an id that does not
 *   exist (status, error code and message, the id aside): 404 `not-found`. A 403 is accepted only when it is one
 *   of ID_INDEPENDENT_REFUSALS, given before any object is looked up (the role may not use the operation at all,
 *   or the token names no unit), and so the same for a made-up id.
 * - A list, report or summary shows an outsider none of the tenant's ids, personnummer (in any spelling), subject
 *   keys, and, to another organisation, neither its unit names nor its staff.
 * - A write that names another tenant's object in its body (a consent id) answers as one naming a made-up id.
 * - Every operation of the document is in one of the tables below; a new one fails the test until it is given a
 *   fixture, or an entry in NO_TENANT_DATA with the reason it needs none.
 *
 * Roles are STAFF_ROLES as they are when the test runs; a role added later (the hub `operator` of issue 16) is an
 * outsider to every tenant's data here, like any staff member of another organisation.
 *
 * Who is an outsider: consents, referrals and queries belong to a unit (SPEC: the consent is given to the unit),
 * so everyone outside that unit, including the organisation's other units and the agency that is party to the
 * unit's agreement; agreements belong to their two parties, so everyone outside both organisations.
 */

const ID_INDEPENDENT_REFUSALS = ['role-not-allowed', 'no-unit'];

type Agency = 'fk' | 'af' | 'skv';

interface Tenant {
  slug: string;
  organisation: string;
  /** municipal tenants only: the unit the staff act for */
  unit?: string;
  /** the agency the municipal unit has its agreement with */
  agency?: Agency;
  /** the birth date of the tenant's citizen, distinct per tenant */
  born?: string;
}

const KUMLA = '2120001942';
const OREBRO_SC: Tenant = {
  slug: 'orebro-sc',
  organisation: ORGANISATIONS.orebro,
  unit: 'Servicecenter',
  agency: 'fk',
  born: '19560412',
};
const OREBRO_VIVALLA: Tenant = {
  slug: 'orebro-vivalla',
  organisation: ORGANISATIONS.orebro,
  unit: 'Medborgarkontor Vivalla',
  agency: 'fk',
  born: '19630825',
};
const KUMLA_KC: Tenant = {
  slug: 'kumla-kc',
  organisation: KUMLA,
  unit: 'Kontaktcenter Kumla',
  agency: 'af',
  born: '19711103',
};
const MUNICIPAL = [OREBRO_SC, OREBRO_VIVALLA, KUMLA_KC];
const AGENCY_TENANTS: Tenant[] = (['fk', 'af', 'skv'] as const).map((a) => ({
  slug: a,
  organisation: ORGANISATIONS[a],
}));
const TENANTS = [...MUNICIPAL, ...AGENCY_TENANTS];

/** Every role there is when the test runs: a role added later is in the matrix without a change here. */
const ROLES: readonly StaffRole[] = STAFF_ROLES;

const staff = (tenant: Tenant, role: StaffRole): TestUser => ({
  id: `${tenant.slug}.${role}`,
  name: `${tenant.slug} ${role}`,
  organisation: tenant.organisation,
  ...(tenant.unit && { unit: tenant.unit }),
  roles: [role],
});

/** A Luhn-valid personnummer, YYYYMMDD-NNNC, born on the given day. */
function personnummer(born: string): string {
  for (let serial = 100; serial < 1000; serial++) {
    for (let check = 0; check < 10; check++) {
      const ten = `${born.slice(2)}${serial}${check}`;
      if (luhnValid(ten)) return `${born}-${serial}${check}`;
    }
  }
  throw new Error(`no personnummer for ${born}`);
}

/** Every way the person's number could be written. */
const spellings = (pnr: string) => {
  const twelve = pnr.replace('-', '');
  return [twelve, pnr, twelve.slice(2), `${twelve.slice(2, 8)}-${twelve.slice(8)}`, twelve.slice(0, 8)];
};

type Relation = 'same-unit' | 'same-organisation' | 'party-agency' | 'stranger';

function relation(caller: Tenant, owner: Tenant): Relation {
  if (caller.organisation === owner.organisation) return caller.unit === owner.unit ? 'same-unit' : 'same-organisation';
  if (caller.organisation === ORGANISATIONS[owner.agency!]) return 'party-agency';
  return 'stranger';
}

/** Who is outside each kind of tenant data. */
const OUTSIDERS: Record<'unit' | 'parties' | 'organisation', readonly Relation[]> = {
  unit: ['same-organisation', 'party-agency', 'stranger'],
  // the agency party and the municipality as a whole see the agreement
  parties: ['stranger'],
  // audit entries: the organisation's auditors, and the agency's about its own part (README, access report)
  organisation: ['stranger'],
};

/** What one tenant created through the API, by its own staff. */
interface Owned {
  tenant: Tenant;
  subject: string;
  subjectKey: string;
  agreementId: string;
  consentId: string;
  /** a signing of a consent with e-legitimation the unit started, still pending */
  signingId: string;
  referralId: string;
  queryId: string;
  /** the tenant's unit as the unit API names it */
  unitId: string;
  /** an errand the tenant's unit forwarded to its municipality's Tekniska förvaltningen */
  errandId: string;
  /** that department unit's id */
  departmentId: string;
  /** a contact of the unit, which the referral and the query were made during */
  contactId: string;
  /** a category and a type of the municipality's taxonomy */
  topicCategoryId: string;
  topicTypeId: string;
  /** a knowledge-base article of the tenant's municipality, owned by the tenant's unit */
  articleId: string;
  articleTitle: string;
  /** a complaint the tenant's unit registered, held by the centre itself */
  complaintId: string;
  /** the one-time survey token of the tenant's contact */
  surveyToken: string;
}

type ObjectKind =
  'agreement' | 'consent' | 'referral' | 'unit' | 'errand' | 'contact' | 'topic' | 'article' | 'complaint';

interface ByIdFixture {
  object: ObjectKind;
  /** the path parameters naming the tenant's object */
  params: (o: Owned) => Record<string, string>;
  body?: (o: Owned) => unknown;
  /** for reads: a role of the owning tenant that gets 200, proving the id real */
  insider?: StaffRole;
}

const SCOPE_OF: Record<ObjectKind, keyof typeof OUTSIDERS> = {
  agreement: 'parties',
  consent: 'unit',
  referral: 'unit',
  // the forwarding unit and the department it is with; every other unit of the municipality is an outsider
  errand: 'unit',
  // a municipality's units are its own: its admin changes them, its staff read them
  unit: 'organisation',
  contact: 'unit',
  // a municipality's taxonomy is its own: its admin keeps it, its staff read it
  topic: 'organisation',
  // a municipality's knowledge base is its own: its staff read it, its owners edit it
  article: 'organisation',
  // the unit that registered it; a department answers one routed to it in its errand
  complaint: 'unit',
};

const today = () => swedishDay(new Date());
const inMonths = (months: number) => {
  const [y, m, d] = today().split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, 28))).toISOString().slice(0, 10);
};

function terms(tenant: Tenant) {
  const definition = ADAPTERS[tenant.agency!];
  const codes = definition.categories.filter((c) => c.secrecyClass !== 'never').map((c) => c.code);
  return {
    title: `Samtjänst ${tenant.unit} – ${definition.name}`,
    validFrom: '2026-01-01',
    validTo: '2027-12-31',
    municipality: { organisation: tenant.organisation, unit: tenant.unit! },
    agency: { organisation: definition.organisation },
    purposes: {
      vagledning: {
        categories: codes,
        referralTypes: definition.referralTypes.map((r) => r.code),
        roles: ['guide', 'caseworker'],
        consentRequired: false,
      },
    },
  };
}

function amendment(o: Owned) {
  const { municipality: _m, agency: _a, ...rest } = terms(o.tenant);
  return { ...rest, title: `${rest.title} (ändrat)` };
}

const unitParams = (o: Owned) => ({ number: o.tenant.organisation, id: o.unitId });

function articleBody(o: Owned, title = o.articleTitle) {
  return {
    topic: 'kommunen.allmant',
    owner: { kind: 'unit', name: o.tenant.unit },
    title,
    standardAnswer: `Standardsvar från ${o.tenant.unit}`,
    shortAnswers: { telefon: 'Kort svar' },
    reviewBy: '2020-01-01',
  };
}

/** Operations that take an id: how to name a real object of the tenant. */
const BY_ID: Record<string, ByIdFixture> = {
  'GET /api/agreements/{id}': { object: 'agreement', params: (o) => ({ id: o.agreementId }), insider: 'admin' },
  'GET /api/agreements/{id}/versions/{version}': {
    object: 'agreement',
    params: (o) => ({ id: o.agreementId, version: '1' }),
    insider: 'auditor',
  },
  'POST /api/agreements/{id}/propose': {
    object: 'agreement',
    params: (o) => ({ id: o.agreementId }),
    body: () => ({}),
  },
  'POST /api/agreements/{id}/approve': {
    object: 'agreement',
    params: (o) => ({ id: o.agreementId }),
    body: () => ({}),
  },
  'POST /api/agreements/{id}/suspend': {
    object: 'agreement',
    params: (o) => ({ id: o.agreementId }),
    body: () => ({}),
  },
  'POST /api/agreements/{id}/resume': { object: 'agreement', params: (o) => ({ id: o.agreementId }), body: () => ({}) },
  'POST /api/agreements/{id}/terminate': {
    object: 'agreement',
    params: (o) => ({ id: o.agreementId }),
    body: () => ({}),
  },
  'POST /api/agreements/{id}/amend': { object: 'agreement', params: (o) => ({ id: o.agreementId }), body: amendment },
  'GET /api/referrals/{id}': { object: 'referral', params: (o) => ({ id: o.referralId }), insider: 'guide' },
  'POST /api/referrals/{id}/cancel': { object: 'referral', params: (o) => ({ id: o.referralId }), body: () => ({}) },
  'GET /api/errands/{id}': { object: 'errand', params: (o) => ({ id: o.errandId }), insider: 'guide' },
  'POST /api/errands/{id}/take': { object: 'errand', params: (o) => ({ id: o.errandId }), body: () => ({}) },
  'POST /api/errands/{id}/answer': {
    object: 'errand',
    params: (o) => ({ id: o.errandId }),
    body: () => ({ answer: 'Intrång' }),
  },
  'POST /api/errands/{id}/close': {
    object: 'errand',
    params: (o) => ({ id: o.errandId }),
    body: () => ({ answer: 'Intrång' }),
  },
  'POST /api/errands/{id}/hand-over': {
    object: 'errand',
    params: (o) => ({ id: o.errandId }),
    body: (o) => ({ departmentId: o.departmentId }),
  },
  'POST /api/errands/{id}/withdraw': {
    object: 'errand',
    params: (o) => ({ id: o.errandId }),
    body: () => ({ reason: 'Intrång' }),
  },
  'POST /api/consents/{id}/revoke': { object: 'consent', params: (o) => ({ id: o.consentId }), body: () => ({}) },
  'GET /api/consent-signings/{id}': { object: 'consent', params: (o) => ({ id: o.signingId }), insider: 'guide' },
  'POST /api/consent-signings/{id}/cancel': {
    object: 'consent',
    params: (o) => ({ id: o.signingId }),
    body: () => ({}),
  },
  'GET /api/organisations/{number}/units/{id}': { object: 'unit', params: unitParams, insider: 'manager' },
  'PATCH /api/organisations/{number}/units/{id}': {
    object: 'unit',
    params: unitParams,
    body: () => ({ displayName: 'Intrång', closed: true }),
  },
  // the organisation is the object here; the id only tells a made-up unit from a real one
  'GET /api/organisations/{number}/units': { object: 'unit', params: unitParams, insider: 'guide' },
  'POST /api/organisations/{number}/units': {
    object: 'unit',
    params: unitParams,
    body: () => ({ name: 'Intrång', kind: 'department' }),
  },
  'GET /api/contacts/{id}': { object: 'contact', params: (o) => ({ id: o.contactId }), insider: 'guide' },
  'GET /api/complaints/{id}': { object: 'complaint', params: (o) => ({ id: o.complaintId }), insider: 'guide' },
  'POST /api/complaints/{id}/answer': {
    object: 'complaint',
    params: (o) => ({ id: o.complaintId }),
    body: () => ({ answer: 'Intrång' }),
  },
  'PATCH /api/topics/categories/{id}': {
    object: 'topic',
    params: (o) => ({ id: o.topicCategoryId }),
    body: () => ({ name: 'Intrång', retired: true }),
  },
  'POST /api/topics/categories/{id}/types': {
    object: 'topic',
    params: (o) => ({ id: o.topicCategoryId }),
    body: () => ({ code: 'gata-park.intrang', name: 'Intrång' }),
  },
  'PATCH /api/topics/types/{id}': {
    object: 'topic',
    params: (o) => ({ id: o.topicTypeId }),
    body: () => ({ responseHours: 1, retired: true }),
  },
  'GET /api/knowledge/articles/{id}': { object: 'article', params: (o) => ({ id: o.articleId }), insider: 'guide' },
  'GET /api/knowledge/articles/{id}/versions': {
    object: 'article',
    params: (o) => ({ id: o.articleId }),
    insider: 'auditor',
  },
  'PUT /api/knowledge/articles/{id}': {
    object: 'article',
    params: (o) => ({ id: o.articleId }),
    body: (o) => ({ ...articleBody(o, 'Intrång'), version: 1 }),
  },
};

interface ListFixture {
  scope: keyof typeof OUTSIDERS;
  /** the query string or body an outsider probes with: the tenant's own subject where the operation takes one */
  request: (o: Owned) => { query?: string; body?: unknown };
}

/** Operations that return lists, reports or summaries. */
const LISTS: Record<string, ListFixture> = {
  'GET /api/agreements': { scope: 'parties', request: () => ({}) },
  'GET /api/referrals': { scope: 'unit', request: (o) => ({ query: `?subject=${o.subject}` }) },
  'GET /api/errands': { scope: 'unit', request: () => ({}) },
  'GET /api/errands/inbox': { scope: 'unit', request: () => ({}) },
  // the municipality's department units: no unit's data
  'GET /api/errands/departments': { scope: 'unit', request: () => ({}) },
  'GET /api/consents': { scope: 'unit', request: (o) => ({ query: `?subject=${o.subject}` }) },
  // with a unit in the token, the unit's figures: the overdue list names referrals
  'GET /api/follow-up/summary': { scope: 'unit', request: () => ({ query: `?from=${today()}&to=${today()}` }) },
  // the unit's figures: aggregates only, of the caller's own unit or organisation
  'GET /api/follow-up/figures': { scope: 'unit', request: () => ({ query: `?from=${today()}&to=${today()}` }) },
  // the municipality's targets, each naming its unit: its own staff read them, nobody else
  'GET /api/follow-up/targets': { scope: 'organisation', request: () => ({}) },
  // the municipality's retention periods: its own staff read them, nobody else's
  'GET /api/retention': { scope: 'organisation', request: () => ({}) },
  // aggregates only: the party agency sees counts under its agreement, never an id, a subject key or a personnummer
  'GET /api/follow-up/party': { scope: 'unit', request: () => ({ query: `?from=${today()}&to=${today()}` }) },
  // the caller's own party's month: the PDF's text is compressed, the CSV beside it has the same figures in clear
  'GET /api/reports/monthly.pdf': { scope: 'unit', request: () => ({ query: `?month=${today().slice(0, 7)}` }) },
  'GET /api/reports/monthly.csv': { scope: 'unit', request: () => ({ query: `?month=${today().slice(0, 7)}` }) },
  'POST /api/audit/access-report': { scope: 'organisation', request: (o) => ({ body: { subject: o.subject } }) },
  // hub-wide, no tenant's data at all: nobody outside the unit finds any of it
  'GET /api/audit/verify': { scope: 'unit', request: () => ({}) },
  'GET /api/audit/witnesses': { scope: 'unit', request: () => ({}) },
  'GET /api/catalogues': { scope: 'unit', request: () => ({}) },
  // the parties' public facts: names, kinds and agency codes, no unit, no staff
  'GET /api/organisations': { scope: 'unit', request: () => ({}) },
  'GET /api/auth/me': { scope: 'unit', request: () => ({}) },
  'GET /metrics': { scope: 'unit', request: () => ({}) },
  'GET /api/contacts': { scope: 'unit', request: () => ({ query: `?date=${today()}` }) },
  'GET /api/complaints': { scope: 'unit', request: () => ({}) },
  // counts and an index only; with a unit in the token, the unit's
  'GET /api/follow-up/complaints': { scope: 'unit', request: () => ({ query: `?from=${today()}&to=${today()}` }) },
  'GET /api/follow-up/nki': { scope: 'unit', request: () => ({ query: `?from=${today()}&to=${today()}` }) },
  // the caller's own municipality's taxonomy: the same default codes everywhere, no other tenant's ids
  'GET /api/topics': { scope: 'unit', request: () => ({}) },
  // the tenant's own article title as the words: another municipality's search finds nothing of it
  'GET /api/knowledge/search': {
    scope: 'organisation',
    request: (o) => ({ query: `?q=${encodeURIComponent(o.articleTitle)}&topic=kommunen.allmant` }),
  },
  'GET /api/knowledge/articles': { scope: 'organisation', request: () => ({ query: '?topic=kommunen.allmant' }) },
  // the fixture's article is past its review day: on its owners' list, on nobody else's
  'GET /api/knowledge/review': { scope: 'organisation', request: () => ({}) },
};

interface BodyReference {
  /** what of the tenant's the body names */
  names: (o: Owned) => string;
  /** a made-up one of the same kind */
  madeUp: () => string;
  scope: keyof typeof OUTSIDERS;
  /** the roles that may use the operation at all: the others are refused before anything is looked up */
  roles: readonly StaffRole[];
  body: (caller: Tenant, o: Owned, named: string) => unknown;
}

const query = (caller: Tenant, o: Owned, consentId: string) => ({
  subject: o.subject,
  purpose: 'vagledning',
  agencies: [caller.agency],
  consentId,
  deadlineMs: 300,
});

/**
 * Writes that name an existing object in their body: another tenant's must be as good as a made-up one. Callers are
 * the municipal units; an agency may name any municipality's unit in an agreement it drafts, so it is no outsider
 * to unit names.
 */
const contactReferral = (caller: Tenant, o: Owned, contactId: string) => ({
  subject: o.subject,
  agency: caller.agency,
  referralType: ADAPTERS[caller.agency!].referralTypes[0]!.code,
  purpose: 'vagledning',
  message: 'Under kontakten.',
  contactPreference: 'phone',
  contactId,
});

/** An operation whose body names a second kind of object has a second entry, `<operation>#<field>`. */
const operationOf = (key: string) => key.replace(/#.*$/, '');

const BODY_REFERENCES: Record<string, BodyReference> = {
  // another unit's survey token: as unknown to the caller's kiosk as a made-up one
  'POST /api/surveys/kiosk-offers': {
    names: (o) => o.surveyToken,
    madeUp: () => randomUUID().replaceAll('-', '').slice(0, 22),
    scope: 'unit',
    roles: ['guide', 'caseworker'],
    body: (_caller, _o, token) => ({ token }),
  },
  // a complaint routed to another municipality's department: as unknown as a made-up one
  'POST /api/complaints': {
    names: (o) => o.departmentId,
    madeUp: randomUUID,
    scope: 'organisation',
    roles: ['guide', 'caseworker'],
    body: (_caller, _o, departmentId) => ({
      kind: 'klagomal',
      channel: 'telefon',
      topic: 'gata-park.snorojning',
      text: 'Gatan plogades inte.',
      party: { kind: 'department', departmentId },
      wantsAnswer: false,
    }),
  },
  // a query or referral made during another unit's contact
  'POST /api/referrals#contactId': {
    names: (o) => o.contactId,
    madeUp: randomUUID,
    scope: 'unit',
    roles: ['guide', 'caseworker'],
    body: contactReferral,
  },
  'POST /api/queries#contactId': {
    names: (o) => o.contactId,
    madeUp: randomUUID,
    scope: 'unit',
    roles: ['guide'],
    body: (caller, o, contactId) => ({ ...query(caller, o, randomUUID()), consentId: undefined, contactId }),
  },
  'POST /api/referrals': {
    names: (o) => o.consentId,
    madeUp: randomUUID,
    scope: 'unit',
    roles: ['guide', 'caseworker'],
    body: (caller, o, consentId) => ({
      subject: o.subject,
      agency: caller.agency,
      referralType: ADAPTERS[caller.agency!].referralTypes[0]!.code,
      purpose: 'vagledning',
      message: 'Behöver hjälp med ansökan.',
      contactPreference: 'phone',
      consentId,
    }),
  },
  // a contact answered with another municipality's knowledge-base article: as unknown as a made-up one
  'POST /api/contacts': {
    names: (o) => o.articleId,
    madeUp: randomUUID,
    scope: 'organisation',
    roles: ['guide', 'caseworker'],
    body: (_caller, _o, articleId) => ({
      channel: 'telefon',
      topic: 'gata-park.snorojning',
      rosa: 1,
      outcome: 'besvarad',
      articleId,
    }),
  },
  // another municipality's department: as unknown as a made-up one
  'POST /api/errands': {
    names: (o) => o.departmentId,
    madeUp: randomUUID,
    scope: 'organisation',
    roles: ['guide', 'caseworker'],
    body: (_caller, o, departmentId) => ({
      topic: 'gata-park.gatubelysning',
      departmentId,
      message: 'Lampan är släckt.',
      citizen: { name: 'Eva Svensson' },
      preferredChannel: 'phone',
      subject: o.subject,
    }),
  },
  'POST /api/queries': { names: (o) => o.consentId, madeUp: randomUUID, scope: 'unit', roles: ['guide'], body: query },
  'POST /api/queries/stream': {
    names: (o) => o.consentId,
    madeUp: randomUUID,
    scope: 'unit',
    roles: ['caseworker'],
    body: query,
  },
  // targets for another municipality's centre: as unknown as a centre that does not exist
  'PUT /api/follow-up/targets': {
    names: (o) => o.tenant.unit!,
    madeUp: () => `Enhet ${randomUUID()}`,
    scope: 'organisation',
    roles: ['admin'],
    body: (_caller, _o, unit) => ({ unit, firstContactResolvedPercent: 70 }),
  },
  // another municipality's units: named in a draft, they must be no more known than a unit that does not exist
  'POST /api/agreements': {
    names: (o) => o.tenant.unit!,
    madeUp: () => `Enhet ${randomUUID()}`,
    scope: 'parties',
    roles: ['admin', 'agency-admin'],
    body: (caller, o, unit) => ({
      ...terms(o.tenant),
      title: 'Samtjänst',
      municipality: { organisation: o.tenant.organisation, unit },
      agency: { organisation: ORGANISATIONS[caller.agency!] },
    }),
  },
};

/** Operations with no tenant's data to protect, each with the reason. */
const NO_TENANT_DATA: Record<string, string> = {
  'GET /health/live': 'liveness, no data',
  'GET /health/ready': 'readiness, no data',
  'GET /.well-known/jwks.json': 'the hub’s public signing keys (JWKS), public by design',
  'GET /api/auth/login': 'starts a login; no data',
  'GET /api/auth/callback': 'ends a login; the session is the caller’s own',
  'POST /api/auth/logout': 'ends the caller’s own session',
  'POST /api/knowledge/articles':
    'writes an article of the caller’s own municipality, taken from the token; its owner must be one of its units',
  'POST /api/consents': 'records a consent to the caller’s own unit, taken from the token; names no existing object',
  'POST /api/surveys/kiosk-pairings': 'a pairing code for the caller’s own unit, taken from the token; names nothing',
  // public (x-public, no token): the one-time survey token or the kiosk key is the capability, and answers hold no
  // tenant's data beyond the unit's name to whoever holds that token
  'GET /api/public/surveys/{token}': 'public: the questions for a one-time token; unknown tokens answer 404',
  'POST /api/public/surveys/{token}/answer': 'public: one anonymous answer per one-time token',
  'POST /api/public/survey-kiosks/pair': 'public: trades a one-time pairing code for a kiosk key of that unit',
  'GET /api/public/survey-kiosks/offer': 'public: whether the kiosk key’s own unit offered a survey; no other data',
  'POST /api/public/survey-kiosks/answer': 'public: answers the survey offered to the kiosk key’s own unit',
  'POST /api/consent-signings':
    'starts a signing of a consent to the caller’s own unit, taken from the token; names no existing object',
  'POST /api/topics/categories':
    'adds a category to the caller’s own municipality’s taxonomy; names no existing object',
  'GET /api/organisations/{number}': 'an organisation’s public facts (name, kind, agency code); no unit, no staff',
  'POST /api/organisations':
    'registers a new party; only operators of the organisation that runs the hub (403 not-hub-operator to others)',
  'PATCH /api/organisations/{number}':
    'the registry of parties, public facts; only operators of the hub change it, and an organisation’s own admin ' +
    'its report address (403 not-hub-operator to others, before the number is looked up)',
  // the citizen's own ("Mina uppgifter"): the citizen's session only; every staff token answers 401 (checked below)
  'GET /api/medborgare/login': 'starts a citizen’s login with e-legitimation; no data',
  'GET /api/medborgare/callback': 'ends a citizen’s login; the session is the citizen’s own',
  'POST /api/medborgare/logout': 'ends the citizen’s own session',
  'GET /api/medborgare/me': 'the citizen’s own session; 401 to every staff token',
  'GET /api/medborgare/summary': 'the citizen’s own data; 401 to every staff token',
  'GET /api/medborgare/access-log': 'the citizen’s own access log; 401 to every staff token',
  'POST /api/medborgare/consents/{id}/revoke': 'the citizen’s own consent; 401 to every staff token',
  'GET /api/medborgare/export.json': 'the citizen’s own data; 401 to every staff token',
  'GET /api/medborgare/export.pdf': 'the citizen’s own data; 401 to every staff token',
  // every queue's messages, hub-wide: only the hub's operators, never a tenant (test/observability/parked-messages)
  'GET /api/parked-messages': 'hub operations; 403 to every tenant role, operators of the hub only',
  'GET /api/parked-messages/{id}': 'hub operations; 403 to every tenant role, operators of the hub only',
  'POST /api/parked-messages/{id}/replay': 'hub operations; 403 to every tenant role, operators of the hub only',
  'POST /api/parked-messages/{id}/discard': 'hub operations; 403 to every tenant role, operators of the hub only',
  'PUT /api/retention':
    'sets the retention periods of the caller’s own municipality, taken from the token; names nothing',
  // the retention job is the whole hub's: counts only, no tenant's rows (test/retention)
  'POST /api/retention/run': 'hub operations; 403 to every tenant role, operators of the hub only',
  'GET /api/retention/runs': 'hub operations; 403 to every tenant role, operators of the hub only',
};

interface Answer {
  status: number;
  text: string;
  body: any;
}

describe('tenant isolation: every operation × every role × two municipalities and two units', () => {
  const pool = testPool();
  let hub: RunningHub;
  let eid: RunningTestEid;
  let operations: string[];
  const owned = new Map<Tenant, Owned>();
  const tokens = new Map<string, string>();

  const send = async (method: string, path: string, as: TestUser, body?: unknown): Promise<Answer> => {
    const key = `${as.organisation}/${as.unit ?? ''}/${as.roles.join(',')}`;
    let token = tokens.get(key);
    if (!token) tokens.set(key, (token = await tokenFor(as, { expiresIn: '30m' })));
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, body: json };
  };
  const expectStatus = (answer: Answer, status: number, what: string) => {
    if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 500)}`);
  };

  /**
   * What of the tenant's may not appear to a caller of that relation. Unit names are kept from other municipalities
   * only: an agency knows the units it has agreements with, and other suites give every agency one with
   * Servicecenter.
   */
  const secrets = (o: Owned, rel: Relation, caller: Tenant): string[] => {
    const unitData = [
      o.consentId,
      o.referralId,
      o.queryId,
      o.errandId,
      o.contactId,
      o.complaintId,
      o.surveyToken,
      o.subjectKey,
      ...spellings(o.subject),
    ];
    if (rel !== 'stranger') return unitData;
    const staffIds = ROLES.map((r) => staff(o.tenant, r).id!);
    return [
      ...unitData,
      o.agreementId,
      o.topicCategoryId,
      o.topicTypeId,
      o.articleId,
      o.articleTitle,
      ...staffIds,
      ...(caller.unit ? [o.tenant.unit!] : []),
    ];
  };
  const leaked = (text: string, secret: string[]) => secret.filter((s) => text.toLowerCase().includes(s.toLowerCase()));

  async function setUp(tenant: Tenant): Promise<Owned> {
    const as = (role: StaffRole) => staff(tenant, role);
    const agency = AGENCY_TENANTS.find((a) => a.slug === tenant.agency)!;
    const subject = personnummer(tenant.born!);

    const created = await send('POST', '/api/agreements', as('admin'), terms(tenant));
    expectStatus(created, 201, `${tenant.slug}: agreement`);
    const agreementId = created.body.id as string;
    expectStatus(await send('POST', `/api/agreements/${agreementId}/propose`, as('admin'), {}), 200, 'propose');
    const approved = await send('POST', `/api/agreements/${agreementId}/approve`, staff(agency, 'agency-admin'), {});
    expectStatus(approved, 200, `${tenant.slug}: approve`);
    expect(approved.body.status).toBe('active');

    const category = ADAPTERS[tenant.agency!].categories.find((c) => c.secrecyClass === 'consent')!.code;
    const consent = await send('POST', '/api/consents', as('guide'), {
      subject,
      purposes: ['vagledning'],
      agencies: [tenant.agency],
      categories: [category],
      method: 'in-person-verbal',
      validUntil: inMonths(6),
    });
    expectStatus(consent, 201, `${tenant.slug}: consent`);
    const consentId = consent.body.id as string;
    const signing = await send('POST', '/api/consent-signings', as('guide'), {
      subject,
      purposes: ['vagledning'],
      agencies: [tenant.agency],
      categories: [category],
      validUntil: inMonths(6),
    });
    expectStatus(signing, 201, `${tenant.slug}: consent signing`);

    // Kumla is inserted without a taxonomy: its first contact gets it the default one
    const contact = await send('POST', '/api/contacts', as('guide'), {
      channel: 'besok',
      topic: 'myndigheter.forsakringskassan',
      rosa: 2,
      outcome: 'remitterad',
      subject,
    });
    expectStatus(contact, 201, `${tenant.slug}: contact`);
    const contactId = contact.body.id as string;
    const topics = await send('GET', '/api/topics', as('guide'));
    expectStatus(topics, 200, `${tenant.slug}: topics`);
    const gataPark = topics.body.find((c: { code: string }) => c.code === 'gata-park');

    const referral = await send('POST', '/api/referrals', as('guide'), {
      contactId,
      subject,
      agency: tenant.agency,
      referralType: ADAPTERS[tenant.agency!].referralTypes[0]!.code,
      purpose: 'vagledning',
      message: `Remiss från ${tenant.unit}`,
      contactPreference: 'phone',
      consentId,
    });
    expectStatus(referral, 201, `${tenant.slug}: referral`);

    const query = await send('POST', '/api/queries', as('caseworker'), {
      contactId,
      subject,
      purpose: 'vagledning',
      agencies: [tenant.agency],
      consentId,
      deadlineMs: 300,
    });
    expectStatus(query, 200, `${tenant.slug}: query`);

    const errand = await send('POST', '/api/errands', as('guide'), {
      topic: 'gata-park.gatubelysning',
      message: `Ärende från ${tenant.unit}`,
      citizen: { name: 'Eva Svensson', phone: '070-123 45 67' },
      preferredChannel: 'phone',
      subject,
    });
    expectStatus(errand, 201, `${tenant.slug}: errand`);
    const department = await pool.query<{ id: string }>(
      `SELECT id FROM hub.unit WHERE organisation = $1 AND name = 'Tekniska förvaltningen'`,
      [tenant.organisation],
    );

    expectStatus(await send('POST', '/api/audit/access-report', as('auditor'), { subject }), 200, 'access report');
    const summary = await send('GET', `/api/follow-up/summary?from=${today()}&to=${today()}`, as('manager'));
    expectStatus(summary, 200, `${tenant.slug}: follow-up`);
    // its one referral is counted, shown as a small number (null: 1 to 4), not as none
    expect(summary.body.referrals.total).toBeNull();
    const target = await send('PUT', '/api/follow-up/targets', as('admin'), {
      unit: tenant.unit,
      firstContactResolvedPercent: 70,
    });
    expectStatus(target, 200, `${tenant.slug}: follow-up target`);
    const figures = await send('GET', `/api/follow-up/figures?from=${today()}&to=${today()}`, as('manager'));
    expectStatus(figures, 200, `${tenant.slug}: follow-up figures`);
    expect(figures.body.targets[0]).toMatchObject({ target: 70, targetOf: 'unit' });

    const { rows } = await pool.query<{ subject_key: string }>('SELECT subject_key FROM hub.consent WHERE id = $1', [
      consentId,
    ]);
    const unit = await pool.query<{ id: string }>('SELECT id FROM hub.unit WHERE organisation = $1 AND name = $2', [
      tenant.organisation,
      tenant.unit,
    ]);
    const articleTitle = `Kunskapsartikel ${tenant.slug} ${randomUUID().slice(0, 8)}`;
    const article = await send('POST', '/api/knowledge/articles', as('admin'), {
      ...articleBody({ tenant } as Owned, articleTitle),
    });
    expectStatus(article, 201, `${tenant.slug}: article`);
    const complaint = await send('POST', '/api/complaints', as('guide'), {
      kind: 'klagomal',
      channel: 'besok',
      topic: 'kommunen.synpunkt',
      text: `Klagomål hos ${tenant.unit}`,
      party: { kind: 'centre' },
      wantsAnswer: true,
      citizen: { phone: '070-123 45 67' },
      preferredChannel: 'phone',
    });
    expectStatus(complaint, 201, `${tenant.slug}: complaint`);
    return {
      complaintId: complaint.body.id,
      surveyToken: contact.body.survey.token,
      articleId: article.body.id,
      articleTitle,
      tenant,
      subject,
      subjectKey: rows[0]!.subject_key.trim(),
      agreementId,
      consentId,
      signingId: signing.body.id,
      referralId: referral.body.id,
      queryId: query.body.queryId,
      unitId: unit.rows[0]!.id,
      errandId: errand.body.id,
      departmentId: department.rows[0]!.id,
      contactId,
      topicCategoryId: gataPark.id,
      topicTypeId: gataPark.types.find((t: { code: string }) => t.code === 'gata-park.snorojning').id,
    };
  }

  beforeAll(async () => {
    expect(luhnValid(KUMLA)).toBe(true);
    await migrateTestDatabase();
    await pool.query(
      `INSERT INTO hub.organisation (number, name, kind) VALUES ($1, 'Kumla kommun', 'municipality')
       ON CONFLICT DO NOTHING`,
      [KUMLA],
    );
    await pool.query(
      `INSERT INTO hub.unit (organisation, name, kind) VALUES ($1, 'Tekniska förvaltningen', 'department')
       ON CONFLICT DO NOTHING`,
      [KUMLA],
    );
    for (const t of MUNICIPAL) {
      await pool.query('INSERT INTO hub.unit (organisation, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        t.organisation,
        t.unit,
      ]);
    }
    eid = await startTestEid();
    hub = await startHub({ env: eid.hubEnv });
    for (const agency of ['fk', 'af'] as const) {
      const adapter = messagingFor(`adapter-${agency}`);
      await adapter.connect();
      await announce(adapter, SPEC_CATALOGUES[agency]);
      await adapter.close();
      await waitForCatalogue(hub, staff(OREBRO_SC, 'guide'), agency, SPEC_CATALOGUES[agency].name);
    }
    for (const tenant of MUNICIPAL) owned.set(tenant, await setUp(tenant));

    const document = (await fetch(`${hub.url}/api/docs/openapi.json`).then((r) => r.json())) as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
  }, 120_000);

  afterAll(async () => {
    await hub?.close();
    await eid?.close();
    await pool.end();
  });

  it('has a fixture, or a reason for none, for every operation of the OpenAPI document', () => {
    const known = new Set([
      ...Object.keys(BY_ID),
      ...Object.keys(LISTS),
      ...Object.keys(BODY_REFERENCES).map(operationOf),
      ...Object.keys(NO_TENANT_DATA),
    ]);
    const missing = operations.filter((op) => !known.has(op));
    if (missing.length > 0) {
      throw new Error(
        `operations with no isolation fixture: ${missing.join(', ')}. Add each to BY_ID (it takes an id), LISTS ` +
          '(it returns a list or report), BODY_REFERENCES (its body names an object) or NO_TENANT_DATA (with the ' +
          'reason it touches no tenant data) in test/security/tenant-isolation.spec.ts',
      );
    }
    const stale = [...known].filter((op) => !operations.includes(op));
    expect(stale).toEqual([]);
  });

  it('answers every staff token, of any role and tenant, 401 at the citizen’s own views', async () => {
    const citizens = operations.filter(
      (op) => op.includes(' /api/medborgare/') && !/\/(login|callback|logout)$/.test(op),
    );
    expect(citizens.length).toBeGreaterThanOrEqual(6);
    const problems: string[] = [];
    for (const operation of citizens) {
      const [method, template] = operation.split(' ') as [string, string];
      const path = template.replace(/\{\w+\}/g, randomUUID());
      for (const tenant of TENANTS) {
        for (const role of ROLES) {
          const answer = await send(method, path, staff(tenant, role), method === 'GET' ? undefined : {});
          if (answer.status !== 401 || answer.body?.error !== 'citizen-login-required') {
            problems.push(`${operation} as ${tenant.slug} ${role}: ${answer.status} ${answer.text.slice(0, 200)}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers another tenant’s object, read or written, by any role, as one that does not exist', async () => {
    const problems: string[] = [];
    for (const [operation, fixture] of Object.entries(BY_ID)) {
      if (!operations.includes(operation)) continue;
      const [method, template] = operation.split(' ') as [string, string];
      const pathOf = (params: Record<string, string>) =>
        template.replace(/\{(\w+)\}/g, (_, name: string) => {
          if (params[name] === undefined) throw new Error(`${operation}: no fixture for path parameter ${name}`);
          return encodeURIComponent(params[name]);
        });
      for (const owner of MUNICIPAL) {
        const o = owned.get(owner)!;
        const params = fixture.params(o);
        const id = params.id!;
        const body = fixture.body?.(o);
        if (fixture.insider) {
          const own = await send(method, pathOf(params), staff(owner, fixture.insider));
          if (own.status !== 200) problems.push(`${operation}: the owner's ${fixture.insider} got ${own.status}`);
        }
        for (const caller of TENANTS) {
          const rel = relation(caller, owner);
          if (!OUTSIDERS[SCOPE_OF[fixture.object]].includes(rel)) continue;
          for (const role of ROLES) {
            const as = staff(caller, role);
            const made = randomUUID();
            const absent = await send(method, pathOf({ ...params, id: made }), as, body);
            const answer = await send(method, pathOf(params), as, body);
            const who = `${operation} on ${owner.slug}'s ${fixture.object} as ${caller.slug} ${role} (${rel})`;
            const refusal = answer.body?.error as string | undefined;
            const allowed =
              (answer.status === 404 && refusal === 'not-found') ||
              (answer.status === 403 && ID_INDEPENDENT_REFUSALS.includes(refusal ?? ''));
            if (!allowed) problems.push(`${who}: ${answer.status} ${answer.text.slice(0, 200)}`);
            else if (answer.text !== absent.text.replaceAll(made, id) || answer.status !== absent.status) {
              problems.push(`${who}: answers ${answer.text} but for a made-up id ${absent.text}`);
            }
            const found = leaked(answer.text.replaceAll(id, ''), secrets(o, rel, caller));
            if (found.length > 0) problems.push(`${who}: the answer shows ${found.join(', ')}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('shows no outsider any of a tenant’s ids, personnummer, subject keys, units or staff in a list', async () => {
    const problems: string[] = [];
    for (const [operation, fixture] of Object.entries(LISTS)) {
      if (!operations.includes(operation)) continue;
      const [method, path] = operation.split(' ') as [string, string];
      for (const owner of MUNICIPAL) {
        const o = owned.get(owner)!;
        const { query = '', body } = fixture.request(o);
        for (const caller of TENANTS) {
          const rel = relation(caller, owner);
          if (!OUTSIDERS[fixture.scope].includes(rel)) continue;
          for (const role of ROLES) {
            const answer = await send(method, `${path}${query}`, staff(caller, role), body);
            const who = `${operation} for ${owner.slug}'s data as ${caller.slug} ${role} (${rel})`;
            if (answer.status >= 500) problems.push(`${who}: ${answer.status} ${answer.text.slice(0, 200)}`);
            // the subject the caller asked about comes back to it, masked or not: that is not a leak
            const asked = body ? spellings(o.subject) : query.includes(o.subject) ? spellings(o.subject) : [];
            const text = asked.reduce((t, s) => t.replaceAll(s, ''), answer.text);
            const found = leaked(text, secrets(o, rel, caller));
            if (found.length > 0) problems.push(`${who}: ${answer.status}, shows ${found.join(', ')}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('answers a write naming another tenant’s object as one naming a made-up object', async () => {
    const volatile = /"(id|queryId|createdAt|respondBy|statusAt|at|latencyMs)":("[^"]*"|[0-9.]+)/g;
    const problems: string[] = [];
    for (const [operation, reference] of Object.entries(BODY_REFERENCES)) {
      if (!operations.includes(operationOf(operation))) continue;
      const [method, path] = operationOf(operation).split(' ') as [string, string];
      for (const owner of MUNICIPAL) {
        const o = owned.get(owner)!;
        const named = reference.names(o);
        for (const caller of MUNICIPAL) {
          const rel = relation(caller, owner);
          if (!OUTSIDERS[reference.scope].includes(rel)) continue;
          for (const role of reference.roles) {
            const as = staff(caller, role);
            const made = reference.madeUp();
            const absent = await send(method, path, as, reference.body(caller, o, made));
            const answer = await send(method, path, as, reference.body(caller, o, named));
            const who = `${operation} naming ${owner.slug}'s ${named} as ${caller.slug} ${role} (${rel})`;
            const normal = (text: string, value: string) =>
              text.replaceAll(value, '<named>').replace(volatile, '"$1":-');
            if (answer.status !== absent.status || normal(answer.text, named) !== normal(absent.text, made)) {
              problems.push(
                `${who}: ${answer.status} ${answer.text} but for a made-up one ${absent.status} ${absent.text}`,
              );
            }
            const found = leaked(
              answer.text.replaceAll(named, ''),
              secrets(o, rel, caller).filter((s) => s !== named && !spellings(o.subject).includes(s)),
            );
            if (found.length > 0) problems.push(`${who}: shows ${found.join(', ')}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('leaves every tenant’s objects as they were', async () => {
    for (const owner of MUNICIPAL) {
      const o = owned.get(owner)!;
      const agreement = await send('GET', `/api/agreements/${o.agreementId}`, staff(owner, 'admin'));
      expect({ owner: owner.slug, status: agreement.body.status, latest: agreement.body.latestVersion }).toEqual({
        owner: owner.slug,
        status: 'active',
        latest: 1,
      });
      const consents = await send('GET', `/api/consents?subject=${o.subject}`, staff(owner, 'guide'));
      expect(consents.body.find((c: { id: string }) => c.id === o.consentId)?.status).toBe('active');
      const referral = await send('GET', `/api/referrals/${o.referralId}`, staff(owner, 'guide'));
      expect(referral.body.status).toBe('sent');
      const errand = await send('GET', `/api/errands/${o.errandId}`, staff(owner, 'guide'));
      expect({ status: errand.body.status, department: errand.body.department }).toEqual({
        status: 'sent',
        department: 'Tekniska förvaltningen',
      });
      const complaint = await send('GET', `/api/complaints/${o.complaintId}`, staff(owner, 'guide'));
      expect({ owner: owner.slug, status: complaint.body.status }).toEqual({ owner: owner.slug, status: 'open' });
      const article = await send('GET', `/api/knowledge/articles/${o.articleId}`, staff(owner, 'guide'));
      expect({ owner: owner.slug, version: article.body.version, title: article.body.title }).toEqual({
        owner: owner.slug,
        version: 1,
        title: o.articleTitle,
      });
    }
  });
});
