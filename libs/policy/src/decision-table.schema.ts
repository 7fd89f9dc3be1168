import {
  CONSENT_METHODS,
  FIELD_KINDS,
  PURPOSES,
  QUERY_REPLY_STATUSES,
  REASON_CODES,
  SECRECY_CLASSES,
} from '@hub/contracts';

/**
 * JSON Schema (2020-12) of a decision-table file. The payloads are the messages' own: their schemas are
 * contracts/generated/schemas/<type>.schema.json (`payload`), referred to here by $id.
 */
const payloadOf = (type: string) => ({
  description: `the payload of ${type}, as in contracts/generated/schemas/${type}.schema.json`,
  $ref: `urn:samtjanst-hub:contracts:${type}#/properties/payload`,
});

const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

const string = { type: 'string' };
const instant = { type: 'string', format: 'date-time', description: 'ISO 8601 instant in UTC' };
const reason = { enum: [...REASON_CODES] };

const common = {
  name: { ...string, description: 'unique within all files; stable between generations' },
  description: string,
  now: { ...instant, description: 'the instant the adapter decides at; validity days are read in Europe/Stockholm' },
  adapter: object({
    agency: string,
    organisation: string,
    trustedSenders: {
      type: 'array',
      items: string,
      description: 'sender services whose queries the adapter answers; a query from any other is sender-not-party',
    },
    catalogue: object({
      categories: {
        type: 'array',
        items: object({
          code: string,
          secrecyClass: { enum: [...SECRECY_CLASSES] },
          fields: { type: 'array', items: object({ name: string, kind: { enum: [...FIELD_KINDS] } }) },
        }),
      },
      referralTypes: { type: 'array', items: object({ code: string }) },
    }),
  }),
  agreements: {
    type: 'array',
    description: 'the agreement.changed.v1 payloads the adapter keeps: the latest of each (agreementId, version)',
    items: payloadOf('agreement.changed.v1'),
  },
  revocations: {
    type: 'array',
    description: 'consent.revoked.v1 received: consent id and when it was revoked',
    items: object({ consentId: string, revokedAt: instant }),
  },
};

const message = (type: string) =>
  object({
    type: { const: type },
    sender: object({ organisation: string, service: string }),
    purpose: { enum: [...PURPOSES] },
    agreement: object({ id: string, version: { type: 'integer' } }),
    payload: payloadOf(type),
  });

const queryCase = object({
  ...common,
  kind: { const: 'query' },
  register: {
    description: 'the subject in the agency register; null when the agency does not know the subject',
    oneOf: [
      { type: 'null' },
      object({
        protectedIdentity: { type: 'boolean' },
        categories: {
          type: 'object',
          description: 'per category code, the records (objects with the catalogue fields)',
          additionalProperties: { type: 'array', items: { type: 'object' } },
        },
      }),
    ],
  },
  message: message('query.request.v1'),
  expected: object({ reply: payloadOf('query.reply.v1') }),
});

const referralCase = object({
  ...common,
  kind: { const: 'referral' },
  message: message('referral.created.v1'),
  expected: object(
    {
      statuses: {
        description: 'the referral.status.v1 statuses the adapter publishes on arrival, in order',
        oneOf: [{ const: ['received'] }, { const: ['received', 'declined'] }, { const: ['received', 'cancelled'] }],
      },
      reason: { description: 'set when declined or cancelled', enum: [...REASON_CODES, 'consent-revoked'] },
    },
    ['statuses'],
  ),
});

export const DECISION_TABLE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:samtjanst-hub:decision-tables:case-file',
  title: 'decision table',
  description:
    "The adapter's re-check as test cases: what the adapter holds and receives, and what it must answer. " +
    'See README.md beside this file for how to run and compare them.',
  type: 'object',
  additionalProperties: false,
  required: ['description', 'cases'],
  properties: {
    $schema: string,
    description: string,
    cases: { type: 'array', items: { oneOf: [queryCase, referralCase] } },
  },
  $defs: {
    // listed so that a reader sees the vocabularies in one place; the payload schemas hold them as well
    reasonCode: reason,
    replyStatus: { enum: [...QUERY_REPLY_STATUSES] },
    consentMethod: { enum: [...CONSENT_METHODS] },
  },
} as const;
