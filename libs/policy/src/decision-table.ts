import type {
  AgreementChangedV1,
  AgreementRef,
  CatalogueField,
  ConsentSnapshot,
  Purpose,
  QueryReplyV1,
  QueryRequestV1,
  ReasonCode,
  ReferralCreatedV1,
  SecrecyClass,
} from '@hub/contracts';
import { consentFromSnapshot } from './consent-snapshot.js';
import { decide, decideReferral, PROTECTED_IDENTITY_INSTRUCTION } from './decide.js';
import { AgreementIndex, CatalogueIndex } from './indexes.js';
import type { AgencyCatalogue, AgreementVersion, Consent } from './types.js';
import { withholdFields } from './withhold.js';

/**
 * Decision tables: the adapter's re-check of a query or a referral as language-neutral cases (README in
 * contracts/generated/decision-tables). `expectedOutcome` is the reference: what an adapter must answer, worked out
 * with this policy from exactly what the adapter holds. Each adapter (ours in libs/adapter-kit, any other language's)
 * proves it agrees by running the generated cases through its own code.
 */

export type DecisionTableKind = 'query' | 'referral';

/** What the adapter is: its agency, its catalogue, and whose queries it answers. */
export interface DecisionTableAdapter {
  readonly agency: string;
  readonly organisation: string;
  /** the sender services whose queries the adapter answers (the hub); any other sender is refused */
  readonly trustedSenders: readonly string[];
  readonly catalogue: {
    readonly categories: readonly {
      readonly code: string;
      readonly secrecyClass: SecrecyClass;
      readonly fields: readonly CatalogueField[];
    }[];
    readonly referralTypes: readonly { readonly code: string }[];
  };
}

/** The subject as the agency's register holds them; null when the agency does not know the subject. */
export interface DecisionTableRegister {
  readonly protectedIdentity: boolean;
  /** per category code, the records with the catalogue's fields */
  readonly categories: Readonly<Record<string, readonly Record<string, unknown>[]>>;
}

/** The envelope fields the re-check reads, with the payload as it arrives. */
export interface DecisionTableMessage<T> {
  readonly type: 'query.request.v1' | 'referral.created.v1';
  readonly sender: { readonly organisation: string; readonly service: string };
  readonly purpose: Purpose;
  readonly agreement: AgreementRef;
  readonly payload: T;
}

export interface ReferralOutcome {
  /** the referral.status.v1 events the adapter publishes on arrival, in order */
  readonly statuses: readonly ('received' | 'declined' | 'cancelled')[];
  /** why it was declined or cancelled; `consent-revoked` when the consent it relies on was revoked */
  readonly reason?: ReasonCode | 'consent-revoked';
}

interface CaseBase {
  readonly name: string;
  readonly description: string;
  /** the instant the adapter decides at, ISO 8601 UTC */
  readonly now: string;
  readonly adapter: DecisionTableAdapter;
  /** the agreement.changed.v1 payloads the adapter has kept: the latest of each agreement version */
  readonly agreements: readonly AgreementChangedV1[];
  /** the consent.revoked.v1 the adapter has received */
  readonly revocations: readonly { readonly consentId: string; readonly revokedAt: string }[];
}

export interface QueryCase extends CaseBase {
  readonly kind: 'query';
  readonly register: DecisionTableRegister | null;
  readonly message: DecisionTableMessage<QueryRequestV1>;
  readonly expected: { readonly reply: QueryReplyV1 };
}

export interface ReferralCase extends CaseBase {
  readonly kind: 'referral';
  readonly message: DecisionTableMessage<ReferralCreatedV1>;
  readonly expected: ReferralOutcome;
}

export type DecisionTableCase = QueryCase | ReferralCase;

/** A case before its expected answer is worked out. */
export type CaseInput = Omit<QueryCase, 'expected'> | Omit<ReferralCase, 'expected'>;

/** The policy's view of one announced agreement version, as an adapter builds it. */
export function agreementFromAnnouncement(p: AgreementChangedV1): AgreementVersion | undefined {
  const municipality = p.parties.find((x) => x.unit !== undefined);
  const agency = p.parties.find((x) => x !== municipality);
  if (!municipality?.unit || !agency) return undefined;
  return {
    id: p.agreementId,
    version: p.version,
    status: p.status,
    parties: {
      municipality: { organisation: municipality.organisation, unit: municipality.unit },
      agency: { organisation: agency.organisation, agency: p.agency },
    },
    approvals: p.approvals.map((a) => ({ organisation: a.organisation })),
    validFrom: p.validFrom,
    validTo: p.validTo,
    purposes: Object.fromEntries(
      p.purposes.map((t) => [
        t.purpose,
        {
          categories: t.categories,
          referralTypes: t.referralTypes,
          roles: t.roles,
          consentRequired: t.consentRequired,
          legalBasis: t.legalBasis ?? null,
        },
      ]),
    ),
  };
}

/** Every version of the agreement the message names, or undefined when the adapter never heard of that version. */
function namedAgreement(c: CaseInput): AgreementIndex | undefined {
  const id = c.message.agreement.id.toLowerCase();
  const versions = c.agreements
    .filter((a) => a.agreementId.toLowerCase() === id && a.agency === c.adapter.agency)
    .map(agreementFromAnnouncement)
    .filter((v): v is AgreementVersion => v !== undefined);
  return versions.some((v) => v.version === c.message.agreement.version) ? new AgreementIndex(versions) : undefined;
}

function revokedAt(c: CaseInput, consentId: string | undefined): Date | undefined {
  if (consentId === undefined) return undefined;
  const times = c.revocations
    .filter((r) => r.consentId.toLowerCase() === consentId.toLowerCase())
    .map((r) => new Date(r.revokedAt).getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

/** The snapshot the message carries, when it is the consent the message names; the subject is the message's. */
function consentsOf(
  snapshot: ConsentSnapshot | undefined,
  consentId: string | undefined,
  subject: string,
  revoked: Date | undefined,
): Consent[] {
  return snapshot && snapshot.id === consentId ? [consentFromSnapshot(snapshot, subject, revoked)] : [];
}

function catalogueOf(adapter: DecisionTableAdapter): CatalogueIndex {
  const catalogue: AgencyCatalogue = {
    agency: adapter.agency,
    organisation: adapter.organisation,
    categories: adapter.catalogue.categories,
    referralTypes: adapter.catalogue.referralTypes,
  };
  return new CatalogueIndex([catalogue]);
}

function deniedReply(
  agency: string,
  reason: ReasonCode,
  denied: readonly { category: string; reason: ReasonCode }[],
): QueryReplyV1 {
  return {
    agency,
    status: 'denied',
    reason,
    found: false,
    protectedIdentity: false,
    released: [],
    denied: [...denied],
  };
}

function markProtected(reply: QueryReplyV1): QueryReplyV1 {
  return { ...reply, protectedIdentity: true, handlingInstruction: PROTECTED_IDENTITY_INSTRUCTION };
}

/** The reply an adapter must give to the case's query.request.v1. */
export function expectedQueryReply(c: Omit<QueryCase, 'expected'>): QueryReplyV1 {
  const { agency } = c.adapter;
  const query = c.message.payload;
  const everyCategory = (reason: ReasonCode) => query.categories.map((category) => ({ category, reason }));
  if (!c.adapter.trustedSenders.includes(c.message.sender.service)) {
    return deniedReply(agency, 'sender-not-party', everyCategory('sender-not-party'));
  }
  const named = namedAgreement(c);
  if (!named) return deniedReply(agency, 'no-agreement', everyCategory('no-agreement'));
  const record = c.register;
  const protectedIdentity = record?.protectedIdentity === true || query.protectedIdentityKnown === true;
  const decision = decide({
    agreements: named,
    consents: consentsOf(query.consent, query.consentId, query.subject, revokedAt(c, query.consentId)),
    catalogues: catalogueOf(c.adapter),
    staff: query.requester,
    protectedIdentity,
    request: {
      subject: query.subject,
      purpose: c.message.purpose,
      agencies: [agency],
      categories: { [agency]: query.categories },
      consentId: query.consentId,
      justification: query.justification,
    },
    now: new Date(c.now),
  }).agencies[0];
  // the named version must be the one in force: a newer one in force supersedes it
  if (decision.agreement && decision.agreement.version !== c.message.agreement.version) {
    return deniedReply(agency, 'agreement-inactive', everyCategory('agreement-inactive'));
  }
  const denied = decision.categories
    .filter((x) => x.status === 'deny')
    .map((x) => ({ category: x.category, reason: x.reason! }));
  if (decision.status === 'deny') {
    const reply = deniedReply(agency, decision.reason ?? 'category-not-covered', denied);
    return decision.reason === 'justification-missing' ? markProtected(reply) : reply;
  }
  const released = record
    ? decision.categories
        .filter((x) => x.status === 'release')
        .map((x) => ({
          category: x.category,
          data: { records: withholdFields(record.categories[x.category] ?? [], x.withheldFields) },
        }))
    : [];
  const reply: QueryReplyV1 = {
    agency,
    status: 'ok',
    found: record !== null,
    protectedIdentity: false,
    released,
    denied,
  };
  return protectedIdentity ? markProtected(reply) : reply;
}

/** What an adapter must do on the case's referral.created.v1: take it in, or decline or cancel it at once. */
export function expectedReferralOutcome(c: Omit<ReferralCase, 'expected'>): ReferralOutcome {
  const referral = c.message.payload;
  const named = namedAgreement(c);
  if (!named) return { statuses: ['received', 'declined'], reason: 'no-agreement' };
  const revoked = revokedAt(c, referral.consentId);
  const decision = decideReferral({
    agreements: named,
    consents: consentsOf(referral.consent, referral.consentId, referral.subject, revoked),
    catalogues: catalogueOf(c.adapter),
    staff: referral.requester,
    request: {
      subject: referral.subject,
      purpose: c.message.purpose,
      agency: c.adapter.agency,
      referralType: referral.referralType,
      consentId: referral.consentId,
    },
    now: new Date(c.now),
  });
  if (decision.agreement && decision.agreement.version !== c.message.agreement.version) {
    return { statuses: ['received', 'declined'], reason: 'agreement-inactive' };
  }
  if (decision.status === 'allow') return { statuses: ['received'] };
  if (revoked && decision.reason === 'consent-missing') {
    return { statuses: ['received', 'cancelled'], reason: 'consent-revoked' };
  }
  return { statuses: ['received', 'declined'], reason: decision.reason };
}

export function withExpected(c: CaseInput): DecisionTableCase {
  return c.kind === 'query'
    ? { ...c, expected: { reply: expectedQueryReply(c) } }
    : { ...c, expected: expectedReferralOutcome(c) };
}
