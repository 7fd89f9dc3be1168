/** The coded vocabulary of SPEC section 3. These strings are the contract: never translate or rename them. */

export const PURPOSES = [
  'vagledning',
  'ekonomiskt-bistand',
  'etablering',
  'bostadsanpassning',
  'arbetsmarknadsinsats',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const SECRECY_CLASSES = ['public', 'consent', 'legal-basis', 'never'] as const;
export type SecrecyClass = (typeof SECRECY_CLASSES)[number];

export const AGENCIES = ['fk', 'af', 'skv'] as const;
export type AgencyCode = (typeof AGENCIES)[number];

/** Agency codes are open-ended: a fourth agency only announces its catalogue. */
export const AGENCY_CODE_PATTERN = /^[a-z][a-z0-9-]{1,15}$/;
export const CATEGORY_CODE_PATTERN = /^[a-z][a-z0-9-]{1,15}\.[a-z0-9][a-z0-9-]{1,63}$/;

export const QUERY_STATUSES = ['ok', 'denied', 'timeout', 'error', 'not-included'] as const;
export type QueryStatus = (typeof QUERY_STATUSES)[number];

export const REASON_CODES = [
  'no-agreement',
  'agreement-inactive',
  'purpose-not-covered',
  'role-not-allowed',
  'consent-missing',
  'category-never',
  'category-not-covered',
  'category-unknown',
  'referral-type-unknown',
  'referral-type-not-covered',
  'legal-basis-missing',
  'protected-identity',
  'justification-missing',
  'sender-not-party',
  'invalid-message',
  'agency-unavailable',
  'deadline-exceeded',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const AGREEMENT_STATUSES = ['draft', 'proposed', 'active', 'suspended', 'terminated', 'expired'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export const REFERRAL_STATUSES = [
  'sent',
  'received',
  'accepted',
  'declined',
  'in-progress',
  'closed',
  'cancelled',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/**
 * How a citizen gave a consent. `e-legitimation`: signed by the citizen with their e-legitimation (the hub keeps the
 * signature, the signed text's hash and the LoA). `telefon`: given verbally over the phone and recorded by staff,
 * valid for the shorter time the municipality sets, and shown to the citizen in "Mina uppgifter". `e-signature` is
 * retired: the label proved nothing, so no new consent takes it, while consents recorded with it keep it as history
 * and the policy still reads them.
 */
export const CONSENT_METHODS = [
  'in-person-verbal',
  'in-person-written',
  'e-signature',
  'e-legitimation',
  'telefon',
] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
export const RETIRED_CONSENT_METHODS = ['e-signature'] as const satisfies readonly ConsentMethod[];

export const CONTACT_PREFERENCES = ['phone', 'letter', 'e-mail', 'visit'] as const;
export type ContactPreference = (typeof CONTACT_PREFERENCES)[number];

/**
 * `operator`: the hub's own operations staff (SPEC section 2), who register organisations; no party's admin.
 * `department`: staff of a municipal department (förvaltning) who answer the errands forwarded to their unit.
 */
export const STAFF_ROLES = [
  'guide',
  'caseworker',
  'admin',
  'agency-admin',
  'auditor',
  'manager',
  'operator',
  'department',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Public organisation numbers (organisationsnummer) of the parties in SPEC section 3. */
export const ORGANISATIONS = {
  fk: '2021005521',
  af: '2021002114',
  skv: '2021005448',
  orebro: '2120001967',
  /** the second municipality of the demo (Örebro län) */
  karlskoga: '2120001991',
  /** Myndigheten för digital förvaltning (Digg), which runs the hub in the demo: its operators' employer */
  digg: '2021006883',
} as const;

/** What an agency's adapter may answer: `timeout` and `not-included` are decided by the hub, never by the responder. */
export const QUERY_REPLY_STATUSES = ['ok', 'denied', 'error'] as const;
export type QueryReplyStatus = (typeof QUERY_REPLY_STATUSES)[number];

/** Referral types share the shape of category codes: `<agency>.<name>`, e.g. `af.inskrivning-arbetssokande`. */
export const REFERRAL_TYPE_PATTERN = CATEGORY_CODE_PATTERN;

/** personnummer or samordningsnummer normalised to 12 digits (YYYYMMDDNNNC) */
export const PERSONAL_IDENTITY_NUMBER_PATTERN = /^[0-9]{12}$/;

/** A subject's keyed hash (HMAC-SHA-256, hex): how a subject is named wherever the personnummer must not appear. */
export const SUBJECT_KEY_PATTERN = /^[0-9a-f]{64}$/;

export const AGREEMENT_CHANGES = [
  'created',
  'proposed',
  'approved',
  'suspended',
  'resumed',
  'terminated',
  'amended',
  'expired',
  /** the hub re-sends the current versions, e.g. when an adapter starts and announces its catalogue */
  'republished',
] as const;
export type AgreementChange = (typeof AGREEMENT_CHANGES)[number];

/** Address and location fields are withheld for a subject with protected identity. */
export const FIELD_KINDS = ['address', 'location', 'other'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** What kind of party an organisation of the hub is. */
export const ORGANISATION_KINDS = ['municipality', 'agency', 'region', 'samordningsforbund'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** A municipality's units: front offices (servicecenter, medborgarkontor) and departments (förvaltningar). */
export const UNIT_KINDS = ['servicecenter', 'medborgarkontor', 'department'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** How a contact (kontakt) with the servicecenter came in. */
export const CONTACT_CHANNELS = ['besok', 'telefon', 'e-post', 'chatt', 'e-tjanst', 'sociala-medier'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/**
 * How a contact ended: `besvarad` resolved at first contact, `vidarebefordrad` forwarded to a department (an errand),
 * `remitterad` referred to an agency, `bokad` booked with an agency or department, `ej-lost` not resolved.
 */
export const CONTACT_OUTCOMES = ['besvarad', 'vidarebefordrad', 'remitterad', 'bokad', 'ej-lost'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/**
 * The ROSA levels of a contact's work: 1 information, 2 vägledning, 3 administrativ fördelning, 4 rutin- och
 * regelstyrd handläggning, 5 verksamhetsspecifik fördelning, 6 värderande handläggning, 7 ledningsuppgifter, 8 politik.
 */
export const ROSA_LEVELS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export type RosaLevel = (typeof ROSA_LEVELS)[number];

/** A topic category of a municipality's taxonomy (`gata-park`) and a topic type under it (`gata-park.snorojning`). */
export const TOPIC_CATEGORY_CODE_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;
export const TOPIC_TYPE_CODE_PATTERN = /^[a-z][a-z0-9-]{1,39}\.[a-z0-9][a-z0-9-]{1,59}$/;
