import { ORGANISATIONS } from '../codes.js';
import type { Envelope } from '../envelope.js';
import { MessageTypeRegistry, type MessageTypeSpec } from '../registry.js';
import { agencyService, departmentService, REPLY_ROUTING_KEY } from '../sender-rules.js';
import { EXCHANGES, routingKeys } from '../topology.js';
import { AgreementChangedV1 } from './agreement.js';
import { AuditCheckpointV1, AuditWitnessedV1 } from './audit.js';
import { CatalogueAnnouncedV1 } from './catalogue.js';
import { ConsentRevokedV1 } from './consent.js';
import { ErrandForwardedV1, ErrandStatusV1 } from './errand.js';
import { QueryReplyV1, QueryRequestV1 } from './query.js';
import { ReferralCreatedV1, ReferralStatusV1 } from './referral.js';

// Checks each example against its payload class at compile time.
const define = <P extends object>(spec: MessageTypeSpec<P>): MessageTypeSpec => spec;

const SUBJECT = '191212121212';
const CONSENT_ID = 'e3e9b77e-b941-4200-8be9-305e792c9027';
const REFERRAL_ID = '849939b2-1bf5-47eb-9fe3-7b10cb5225b1';
const CHECKPOINT_ID = '4b7f1c1e-2f61-4d55-9a3c-0d2b6e8f9a41';
const ERRAND_ID = '5d0c2a8e-3f4b-4c71-9a26-8e1b7f0d4c93';
const GUIDE = { organisation: ORGANISATIONS.orebro, unit: 'Servicecenter', staffId: 'orebro-sc-0042' };

export const MESSAGE_TYPES: MessageTypeSpec[] = [
  define({
    type: 'query.request.v1',
    payload: QueryRequestV1,
    delivery: 'request',
    requiresAgreement: true,
    exchange: EXCHANGES.query,
    routingKey: routingKeys.query('{agency}'),
    summary: 'The hub asks one agency about one subject for one purpose.',
    publishers: ['hub'],
    replyType: 'query.reply.v1',
    example: {
      subject: SUBJECT,
      categories: ['fk.utbetalningar', 'fk.pagaende-arenden', 'fk.bostadsbidrag'],
      requester: { ...GUIDE, roles: ['guide'] },
      consentId: CONSENT_ID,
      consent: {
        id: CONSENT_ID,
        organisation: ORGANISATIONS.orebro,
        unit: 'Servicecenter',
        purposes: ['vagledning'],
        agencies: ['fk', 'af'],
        categories: ['fk.utbetalningar', 'fk.pagaende-arenden', 'af.inskrivning'],
        method: 'in-person-written',
        recordedBy: 'orebro-sc-0042',
        validFrom: '2025-03-04',
        validUntil: '2025-09-04',
      },
    },
  }),
  define({
    type: 'query.reply.v1',
    payload: QueryReplyV1,
    delivery: 'reply',
    requiresAgreement: false,
    exchange: EXCHANGES.reply,
    routingKey: REPLY_ROUTING_KEY,
    summary: 'An agency answers a query: released and denied categories.',
    publishers: ['adapter'],
    example: {
      agency: 'fk',
      status: 'ok',
      found: true,
      protectedIdentity: false,
      released: [
        {
          category: 'fk.utbetalningar',
          data: { records: [{ benefit: 'barnbidrag', amount: 1250, period: '2025-02', paidOn: '2025-02-20' }] },
        },
        {
          category: 'fk.pagaende-arenden',
          data: { records: [{ type: 'sjukpenning', status: 'under-utredning', received: '2025-01-20' }] },
        },
      ],
      denied: [{ category: 'fk.bostadsbidrag', reason: 'legal-basis-missing' }],
    },
  }),
  define({
    type: 'referral.created.v1',
    payload: ReferralCreatedV1,
    delivery: 'persistent',
    requiresAgreement: true,
    exchange: EXCHANGES.referral,
    routingKey: routingKeys.referral('{agency}', '{referralType}'),
    summary: 'The front office sends a referral (remiss) to an agency.',
    publishers: ['hub'],
    example: {
      referralId: REFERRAL_ID,
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
      subject: SUBJECT,
      message: 'Personen har blivit uppsagd och vill skriva in sig som arbetssökande. Behöver tolk (arabiska).',
      contactPreference: 'phone',
      consentId: CONSENT_ID,
      requester: { ...GUIDE, roles: ['guide'] },
      respondBy: '2025-03-06T09:15:00Z',
    },
  }),
  define({
    type: 'referral.status.v1',
    payload: ReferralStatusV1,
    delivery: 'persistent',
    requiresAgreement: true,
    exchange: EXCHANGES.event,
    routingKey: routingKeys.referralStatus('{agency}'),
    summary: 'A referral changed status: the agency reports progress, the hub reports cancellations.',
    publishers: ['adapter', 'hub'],
    example: {
      referralId: REFERRAL_ID,
      agency: 'af',
      status: 'accepted',
      at: '2025-03-04T13:02:11Z',
      actor: { organisation: ORGANISATIONS.af, name: 'Arbetsförmedlingen Örebro', service: agencyService('af') },
      note: 'Tid bokad 2025-03-12 kl. 10.00.',
    },
  }),
  define({
    type: 'consent.revoked.v1',
    payload: ConsentRevokedV1,
    delivery: 'persistent',
    requiresAgreement: false,
    exchange: EXCHANGES.event,
    routingKey: routingKeys.consentRevoked(),
    summary: 'A citizen revoked a consent; adapters drop queued work that relied on it.',
    publishers: ['hub'],
    example: {
      consentId: CONSENT_ID,
      subjectKey: '7f01aabe52cbdb12295c10f7cd214f54838d52355ae06ea920d44449e282cd9b',
      organisation: ORGANISATIONS.orebro,
      unit: 'Servicecenter',
      revokedAt: '2025-03-05T08:40:00+01:00',
      revokedBy: 'orebro-sc-0042',
    },
  }),
  define({
    type: 'agreement.changed.v1',
    payload: AgreementChangedV1,
    delivery: 'persistent',
    requiresAgreement: false,
    exchange: EXCHANGES.event,
    routingKey: routingKeys.agreementChanged(),
    summary: 'A samtjänst agreement was proposed, approved, suspended, resumed, amended, terminated or expired.',
    publishers: ['hub'],
    example: {
      agreementId: 'da905105-7c95-4dc4-bf65-9d5dc8a81fcc',
      version: 3,
      status: 'active',
      change: 'approved',
      validFrom: '2025-01-01',
      validTo: '2026-12-31',
      parties: [{ organisation: ORGANISATIONS.orebro, unit: 'Servicecenter' }, { organisation: ORGANISATIONS.fk }],
      agency: 'fk',
      approvals: [
        { organisation: ORGANISATIONS.orebro, approvedBy: 'maria.admin', approvedAt: '2024-12-02T10:00:00Z' },
        { organisation: ORGANISATIONS.fk, approvedBy: 'fredrik.fk', approvedAt: '2024-12-09T14:30:00Z' },
      ],
      purposes: [
        {
          purpose: 'vagledning',
          categories: ['fk.utbetalningar', 'fk.pagaende-arenden'],
          referralTypes: ['fk.bostadsbidrag-ansokan'],
          roles: ['guide', 'caseworker'],
          consentRequired: true,
        },
        {
          purpose: 'ekonomiskt-bistand',
          categories: ['fk.utbetalningar', 'fk.bostadsbidrag'],
          referralTypes: [],
          roles: ['caseworker'],
          consentRequired: false,
          legalBasis: { reference: 'SFS 2001:453 11 kap. 11 §', text: 'Uppgiftsskyldighet enligt socialtjänstlagen' },
        },
      ],
    },
  }),
  define({
    type: 'catalogue.announced.v1',
    payload: CatalogueAnnouncedV1,
    delivery: 'persistent',
    requiresAgreement: false,
    exchange: EXCHANGES.event,
    routingKey: routingKeys.catalogueAnnounced('{agency}'),
    summary: 'An agency announces its data categories, their secrecy classes, and its referral types.',
    publishers: ['adapter'],
    example: {
      agency: 'fk',
      organisation: ORGANISATIONS.fk,
      name: 'Försäkringskassan',
      categories: [
        {
          code: 'fk.utbetalningar',
          secrecyClass: 'consent',
          description: 'Utbetalningar de senaste 12 månaderna: förmån, belopp, period',
          fields: [
            { name: 'benefit', kind: 'other' },
            { name: 'amount', kind: 'other' },
            { name: 'period', kind: 'other' },
          ],
        },
        {
          code: 'fk.pagaende-arenden',
          secrecyClass: 'consent',
          description: 'Pågående ärenden: typ, status, inkommet datum',
          fields: [
            { name: 'type', kind: 'other' },
            { name: 'status', kind: 'other' },
            { name: 'received', kind: 'other' },
          ],
        },
        {
          code: 'fk.bostadsbidrag',
          secrecyClass: 'legal-basis',
          description: 'Beslut om bostadsbidrag och belopp',
          fields: [
            { name: 'decision', kind: 'other' },
            { name: 'amount', kind: 'other' },
            { name: 'dwellingAddress', kind: 'address' },
          ],
        },
        {
          code: 'fk.medicinskt-underlag',
          secrecyClass: 'never',
          description: 'Läkarintyg',
          fields: [{ name: 'certificate', kind: 'other' }],
        },
      ],
      referralTypes: [
        { code: 'fk.bostadsbidrag-ansokan', description: 'Hjälp att ansöka om bostadsbidrag', responseTimeHours: 120 },
      ],
    },
  }),
  define({
    type: 'audit.checkpoint.v1',
    payload: AuditCheckpointV1,
    delivery: 'persistent',
    requiresAgreement: false,
    exchange: EXCHANGES.event,
    routingKey: routingKeys.auditCheckpoint(),
    summary: 'The hub publishes the signed head of its audit log; every agency keeps it as a witness.',
    publishers: ['hub'],
    example: {
      position: 48213,
      hash: '9c4f2b1de07a6c3815b9e2f4a7d0c6e1b3a59f8d2c7e4b1a0f6d3c9e8b2a7f41',
      takenAt: '2025-03-05T08:41:00.000Z',
    },
  }),
  define({
    type: 'audit.witnessed.v1',
    payload: AuditWitnessedV1,
    delivery: 'persistent',
    requiresAgreement: false,
    exchange: EXCHANGES.event,
    routingKey: routingKeys.auditWitnessed('{agency}'),
    summary: 'An agency cosigns an audit checkpoint it holds, saying whether it follows on from the last it held.',
    publishers: ['adapter'],
    example: {
      agency: 'fk',
      checkpointId: CHECKPOINT_ID,
      position: 48213,
      hash: '9c4f2b1de07a6c3815b9e2f4a7d0c6e1b3a59f8d2c7e4b1a0f6d3c9e8b2a7f41',
      verdict: 'consistent',
    },
  }),
  define({
    type: 'errand.forwarded.v1',
    payload: ErrandForwardedV1,
    delivery: 'persistent',
    requiresAgreement: false,
    exchange: EXCHANGES.referral,
    routingKey: routingKeys.errandForwarded('{organisation}', '{department}'),
    summary: "A guide forwards an errand to a department of the municipality, for the department's own case system.",
    publishers: ['hub'],
    example: {
      errandId: ERRAND_ID,
      organisation: ORGANISATIONS.orebro,
      department: 'tekniska-forvaltningen',
      departmentName: 'Tekniska förvaltningen',
      topic: 'gata-park.gatubelysning',
      secrecySensitive: false,
      message: 'Gatlyktan utanför Storgatan 12 har varit släckt i en vecka.',
      citizen: { name: 'Kim Andersson', phone: '070-123 45 67' },
      preferredChannel: 'phone',
      forwardedBy: { organisation: ORGANISATIONS.orebro, unit: 'Servicecenter', staffId: 'orebro-sc-0042' },
      forwardedAt: '2025-03-04T09:20:00Z',
      respondBy: '2025-03-09T09:20:00Z',
    },
  }),
  define({
    type: 'errand.status.v1',
    payload: ErrandStatusV1,
    delivery: 'persistent',
    requiresAgreement: false,
    exchange: EXCHANGES.event,
    routingKey: routingKeys.errandStatus('{organisation}', '{department}'),
    summary:
      "A department's own system takes, answers or closes an errand forwarded to it; the hub tells it of the same " +
      'changes made in the hub, a hand-over and a withdrawal by the front office.',
    publishers: ['department', 'hub'],
    example: {
      errandId: ERRAND_ID,
      organisation: ORGANISATIONS.orebro,
      department: 'tekniska-forvaltningen',
      status: 'answered',
      at: '2025-03-05T10:02:00Z',
      actor: {
        organisation: ORGANISATIONS.orebro,
        name: 'Tove Teknik',
        service: departmentService(ORGANISATIONS.orebro, 'tekniska-forvaltningen'),
      },
      answer: 'Felanmälan är registrerad; lampan byts inom tre arbetsdagar.',
    },
  }),
];

export const messageTypes = new MessageTypeRegistry(MESSAGE_TYPES);

const SENDERS = {
  hub: { organisation: ORGANISATIONS.orebro, service: 'hub' },
  fk: { organisation: ORGANISATIONS.fk, service: agencyService('fk') },
  af: { organisation: ORGANISATIONS.af, service: agencyService('af') },
} as const;

const TEKNISKA = {
  organisation: ORGANISATIONS.orebro,
  service: departmentService(ORGANISATIONS.orebro, 'tekniska-forvaltningen'),
};

const EXAMPLE_HEADERS: Record<string, Omit<Envelope, 'type' | 'payload'>> = {
  'query.request.v1': {
    id: 'a55b9c93-2034-48ad-a906-3f010aef07c4',
    correlationId: '12abd3cc-5872-45dd-ae28-1e807bf3b2c7',
    sender: SENDERS.hub,
    agreement: { id: 'da905105-7c95-4dc4-bf65-9d5dc8a81fcc', version: 3 },
    purpose: 'vagledning',
    issuedAt: '2025-03-03T09:15:00.120Z',
    expiresAt: '2025-03-03T09:15:03.120Z',
  },
  'query.reply.v1': {
    id: 'dbb93183-b542-4bf8-8157-29dc8586899b',
    correlationId: '12abd3cc-5872-45dd-ae28-1e807bf3b2c7',
    sender: SENDERS.fk,
    agreement: { id: 'da905105-7c95-4dc4-bf65-9d5dc8a81fcc', version: 3 },
    purpose: 'vagledning',
    issuedAt: '2025-03-03T09:15:00.480Z',
  },
  'referral.created.v1': {
    id: '78d94be4-2b53-49d3-80a3-79bcbf82499b',
    correlationId: REFERRAL_ID,
    sender: SENDERS.hub,
    agreement: { id: '1d03307c-6ab5-4bae-b186-3557373ca8ff', version: 1 },
    purpose: 'arbetsmarknadsinsats',
    issuedAt: '2025-03-03T09:15:00Z',
  },
  'referral.status.v1': {
    id: '70968e32-eb53-44ca-821b-3a86a2d53ab4',
    correlationId: REFERRAL_ID,
    sender: SENDERS.af,
    agreement: { id: '1d03307c-6ab5-4bae-b186-3557373ca8ff', version: 1 },
    purpose: 'arbetsmarknadsinsats',
    issuedAt: '2025-03-04T13:02:12Z',
  },
  'consent.revoked.v1': {
    id: 'e4a083e8-3e42-401b-9927-d6926fa58462',
    correlationId: CONSENT_ID,
    sender: SENDERS.hub,
    issuedAt: '2025-03-05T07:40:00.950Z',
  },
  'agreement.changed.v1': {
    id: '66613e96-af93-47f9-b319-266290244fe3',
    correlationId: 'da905105-7c95-4dc4-bf65-9d5dc8a81fcc',
    sender: SENDERS.hub,
    issuedAt: '2024-12-18T14:30:00Z',
  },
  'catalogue.announced.v1': {
    id: 'ddd6eaa9-15b3-4b9f-adf1-633c98efa962',
    correlationId: 'ddd6eaa9-15b3-4b9f-adf1-633c98efa962',
    sender: SENDERS.fk,
    issuedAt: '2025-01-02T06:00:00Z',
  },
  'audit.checkpoint.v1': {
    id: CHECKPOINT_ID,
    correlationId: CHECKPOINT_ID,
    sender: SENDERS.hub,
    issuedAt: '2025-03-05T08:41:00.012Z',
  },
  'audit.witnessed.v1': {
    id: 'c0a8e6f2-7d3b-4e19-8b55-1f2a9c7d6e30',
    correlationId: CHECKPOINT_ID,
    sender: SENDERS.fk,
    issuedAt: '2025-03-05T08:41:00.230Z',
  },
  'errand.forwarded.v1': {
    id: '0f6b8d2a-91c4-4e57-b3a8-6d2e9c1f7a45',
    correlationId: ERRAND_ID,
    sender: SENDERS.hub,
    issuedAt: '2025-03-04T09:20:00.140Z',
  },
  'errand.status.v1': {
    id: 'b7e21f94-5c3a-4d86-8f10-2a9d6c4e8b73',
    correlationId: ERRAND_ID,
    sender: TEKNISKA,
    issuedAt: '2025-03-05T10:02:00.310Z',
  },
};

/** A complete, valid envelope around the spec's example payload. */
export function exampleEnvelope(spec: MessageTypeSpec): Envelope<object> {
  const headers = EXAMPLE_HEADERS[spec.type];
  if (!headers) throw new Error(`no example envelope for ${spec.type}`);
  const { id, correlationId, sender, agreement, purpose, issuedAt, expiresAt } = headers;
  // fixed key order: the examples are written into the generated, checked-in contract files
  return {
    id,
    correlationId,
    type: spec.type,
    sender,
    ...(agreement && { agreement }),
    ...(purpose && { purpose }),
    issuedAt,
    ...(expiresAt && { expiresAt }),
    payload: spec.example,
  };
}
