import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { AGENCY_CODE_PATTERN, REFERRAL_TYPE_PATTERN } from './codes.js';
import { SchemaBuilder, type JsonSchema } from './json-schema.js';
import { exampleEnvelope } from './messages/index.js';
import {
  BUNDLE_CONTENT_TYPE,
  BUNDLE_ITEM_PROPERTIES,
  BUNDLE_VECTOR_ITEMS,
  frameBundle,
  type BundleVectorItem,
} from './bundle-format.js';
import type { MessageTypeRegistry, MessageTypeSpec, Party } from './registry.js';
import {
  DEPARTMENT_SLUG_PATTERN,
  receiversOf,
  SENDER_RULES,
  type SenderRule,
  type ServiceParty,
} from './sender-rules.js';
import type { QueueDescription, SystemDescription } from './system-description.js';
import { BUNDLE_TYPE, ERROR_REPLY_TYPE, EXCHANGES, HEADERS, replyQueueName } from './topology.js';

export const ASYNCAPI_VERSION = '3.0.0';
export const CONTRACT_VERSION = '1.1.0';
const AMQP_BINDING_VERSION = '0.3.0';
const DEFAULT_QUERY_DEADLINE_MS = 3000;
const SCHEMA_REF = '#/components/schemas/';

const JWS_DETACHED_PATTERN = '^[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+$';

// A fixed, published key: Ed25519 signatures are deterministic, so the examples carry real, verifiable signatures
// that implementers in other languages can test their verifier against. It signs nothing but the examples.
const EXAMPLE_SEED = createHash('sha256').update('samtjanst-hub example signing key').digest();
const EXAMPLE_KEY = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), EXAMPLE_SEED]),
  format: 'der',
  type: 'pkcs8',
});
const EXAMPLE_PUBLIC_X = (createPublicKey(EXAMPLE_KEY).export({ format: 'jwk' }) as { x: string }).x;

/** `BASE64URL(header) '..' BASE64URL(signature)` over `BASE64URL(header) '.' BASE64URL(body)` (RFC 7515 appendix F). */
export function exampleSignature(body: Buffer, keyId: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: keyId })).toString('base64url');
  const signature = sign(null, Buffer.from(`${header}.${body.toString('base64url')}`), EXAMPLE_KEY);
  return `${header}..${signature.toString('base64url')}`;
}

const channelId = (type: string) => type.replace(/\.v[0-9]+$/, '');
const camel = (...words: string[]) =>
  words
    .flatMap((w) => w.split(/[.-]/))
    .map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
const routeKey = (exchange: string, routingKey: string) => `${exchange}\u0000${routingKey}`;

/** Channels named otherwise than after their first message type: the referral and errand keys carry statuses too. */
const CHANNEL_IDS: Record<string, string> = {
  [routeKey(EXCHANGES.referral, 'referral.{agency}.{referralType}')]: 'referral',
  [routeKey(EXCHANGES.referral, 'errand.{organisation}.{department}')]: 'errand',
};

/** The hub publishes these whether or not anyone is bound (not `mandatory`): notices nobody may be deployed for. */
const BROADCAST_TYPES = new Set([
  'consent.revoked.v1',
  'agreement.changed.v1',
  'audit.checkpoint.v1',
  // a department without a system of its own works its errands in the hub's inbox
  'errand.forwarded.v1',
  'errand.status.v1',
]);

const PARTY_OF_ROLE: Record<ServiceParty['role'], Party> = { hub: 'hub', agency: 'adapter', department: 'department' };
const partyOf = (rule: SenderRule): Party => PARTY_OF_ROLE[rule.sender];

const PARTY_TEXT: Record<Party, string> = {
  hub: 'The hub',
  adapter: "An agency's adapter",
  department: "A department's own system",
};

/** The AsyncAPI 3.0.0 document of every message type in the registry: hub and adapters, both sides. */
export function buildAsyncApi(registry: MessageTypeRegistry, system: SystemDescription): JsonSchema {
  const specs = registry.all();
  const rules = SENDER_RULES.filter((rule) => registry.get(rule.type));
  for (const spec of specs) {
    if (!rules.some((r) => r.type === spec.type)) throw new Error(`${spec.type} has no sender rule`);
  }
  const schemas = new SchemaBuilder(SCHEMA_REF);
  const envelopeSchemas: Record<string, JsonSchema> = {};
  const messages: Record<string, JsonSchema> = {};
  const channels: Record<string, JsonSchema> = {};
  const channelOf = new Map<string, string>();

  for (const spec of specs) {
    const envelopeName = `${spec.payload.name}Envelope`;
    envelopeSchemas[envelopeName] = schemas.envelopeSchema(spec);
    messages[spec.type] = message(spec, envelopeName);
  }
  messages[BUNDLE_MESSAGE] = bundleMessage();
  messages[ERROR_REPLY_MESSAGE] = errorReplyMessage();

  for (const rule of rules) {
    const key = routeKey(rule.exchange, rule.routingKey);
    const id = channelOf.get(key) ?? CHANNEL_IDS[key] ?? channelId(rule.type);
    channelOf.set(key, id);
    channels[id] ??= channel(rule, system);
    const listed = channels[id].messages as Record<string, JsonSchema>;
    for (const type of messagesOn(rule, registry)) listed[type] = { $ref: `#/components/messages/${type}` };
  }

  const operations: Record<string, JsonSchema> = {};
  for (const rule of rules) {
    const spec = registry.get(rule.type)!;
    if (spec.delivery === 'reply') continue; // described by the `reply` of its request's operations
    const channelRef = `#/channels/${channelOf.get(routeKey(rule.exchange, rule.routingKey))}`;
    const sender = partyOf(rule);
    const types = messagesOn(rule, registry);
    operations[camel(sender, 'send', rule.type)] = operation(rule, sender, 'send', channelRef, types, system);
    for (const receiver of receiversOf(rule).map((role) => PARTY_OF_ROLE[role])) {
      operations[camel(receiver, 'receive', rule.type)] = operation(
        rule,
        receiver,
        'receive',
        channelRef,
        types,
        system,
      );
    }
  }
  for (const op of Object.values(operations)) addReply(op, registry, rules, channelOf);

  return {
    asyncapi: ASYNCAPI_VERSION,
    id: 'urn:samtjanst-hub:messaging',
    info: {
      title: 'Samtjänst hub messaging',
      version: CONTRACT_VERSION,
      description: infoDescription(system),
    },
    servers: {
      amqp: {
        host: '{host}:{port}',
        pathname: '/{vhost}',
        protocol: 'amqp',
        protocolVersion: '0-9-1',
        description:
          'The RabbitMQ broker of the hub, one virtual host per deployment. Each service has its own broker user ' +
          '(`x-topology.permissions`). Every exchange and queue of this document lives in the `vhost` variable.',
        variables: {
          host: { default: 'localhost', description: "the broker's host name" },
          port: { default: '5672', enum: ['5671', '5672'], description: '5671 for amqps' },
          vhost: {
            default: '%2F',
            description:
              'the RabbitMQ virtual host, URL-encoded as in an AMQP URI (`%2F` is `/`); the deployment tells each ' +
              'agency its vhost, and the channel bindings below mean this one',
            examples: ['%2F', 'hub_test'],
          },
        },
        security: [{ $ref: '#/components/securitySchemes/brokerUser' }],
      },
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      schemas: {
        ...schemas.definitions(),
        ...envelopeSchemas,
        Signature: signatureSchema(),
        Headers: headersSchema(false),
        SignedHeaders: headersSchema(true),
        ErrorHeaders: errorHeadersSchema(),
        ParkedHeaders: parkedHeadersSchema(),
        Bundle: bundleSchema(),
        BundleItemProperties: bundleItemPropertiesSchema(),
        ErrorReply: { type: 'object', maxProperties: 0, description: 'always `{}`: the reason is in `x-error`' },
      },
      messages,
      securitySchemes: {
        brokerUser: {
          type: 'userPassword',
          description:
            'One RabbitMQ user per service: `hub`, and `adapter-<agency>` for each agency (`x-agencies`). The broker ' +
            "rejects a message whose `user_id` property is not the connection's user, so `user_id` authenticates " +
            'the sending service; it must equal `sender.service`.',
        },
      },
      correlationIds: {
        envelope: {
          description: "the envelope's correlationId; also in the AMQP correlation_id property",
          location: '$message.payload#/correlationId',
        },
        request: {
          description: "a reply's AMQP correlation_id: the request's AMQP message_id",
          location: '$message.header#/correlation_id',
        },
      },
    },
    'x-agencies': system.agencies,
    'x-topology': topology(system),
    'x-bundle': bundleFormat(),
  };
}

const BUNDLE_MESSAGE = 'bundle';
const ERROR_REPLY_MESSAGE = 'error-reply';

/** The messages that travel on a rule's channel: queries may go bundled, and replies may be errors. */
function messagesOn(rule: SenderRule, registry: MessageTypeRegistry): string[] {
  const delivery = registry.get(rule.type)!.delivery;
  if (delivery === 'request') return [rule.type, BUNDLE_MESSAGE];
  if (delivery === 'reply') return [rule.type, BUNDLE_MESSAGE, ERROR_REPLY_MESSAGE];
  return [rule.type];
}

function infoDescription(system: SystemDescription): string {
  const agencies = system.agencies.map((a) => `\`${a.agency}\` ${a.name} (${a.organisation}, user \`${a.service}\`)`);
  return [
    "The contract between the samtjänst hub and the agencies' adapters over RabbitMQ (AMQP 0-9-1).",
    '',
    '## Envelope',
    'Every body is a JSON envelope (`id`, `correlationId`, `type`, `sender`, `agreement`, `purpose`, `issuedAt`,',
    "`expiresAt`, `payload`); `type` names the payload's schema and its major version. Unknown properties are",
    'rejected. AMQP properties: `message_id` = `id`, `correlation_id` = `correlationId` (on a reply: the',
    "request's `message_id`), `type` = `type`, `user_id` = the broker user = `sender.service`, `content_type`",
    "`application/json` (each message's `x-amqp-properties` lists exactly what is set).",
    '',
    `The body is signed with a detached JWS in the \`${HEADERS.signature}\` header (\`Signature\`); how the keys are`,
    'distributed and rotated is described under JWKS (key distribution) in docs/agency-adapter-guide.md.',
    '',
    '## Delivery',
    'Queries are request/reply: transient, with an AMQP `expiration`, answered on `hub.reply` to the `reply_to`.',
    'Referrals and events are persistent, publisher-confirmed and processed once per envelope id. A message that',
    'fails validation, or keeps failing, is parked on the dead-letter exchange',
    `\`${EXCHANGES.deadLetter}\` (routing key: the queue it came from) with its reason in \`${HEADERS.parkedReason}\`, never`,
    'redelivered in a loop (`x-topology`).',
    '',
    'A responder that cannot answer a query (an invalid request, a failed handler) replies with the message',
    `\`${ERROR_REPLY_MESSAGE}\`: AMQP \`type\` \`${ERROR_REPLY_TYPE}\`, the body \`{}\`, the reason in \`${HEADERS.error}\`; the`,
    'requester reports that agency as `error`.',
    '',
    '## Bundles',
    `The requests of one turn to one routing key may travel as one AMQP message of \`type\` \`${BUNDLE_TYPE}\` (\`x-bundle\`),`,
    `\`content_type\` \`${BUNDLE_CONTENT_TYPE}\`, with the \`reply_to\`, \`expiration\` and \`user_id\` of the bundle and`,
    'no correlation id of its own. Its body frames each item as a 4-byte unsigned big-endian length and the',
    `item's own properties as UTF-8 JSON with the keys ${BUNDLE_ITEM_PROPERTIES.map((k) => `\`${k}\``).join(', ')}`,
    '(camelCase, as the hub writes them; absent ones omitted), then a 4-byte unsigned big-endian length and its body,',
    'byte for byte. Each item is checked, answered and parked as if it had come alone, and answered with',
    "`correlationId` = the item's `messageId`; the replies that are ready together may come back as a bundle too.",
    'A bundle that cannot be read is parked whole. `x-bundle.testVector` is a bundle in hex.',
    '',
    '## The adapter re-checks every query',
    'The hub has decided already; the adapter decides again with the same rules (libs/policy) and releases',
    'nothing the second decision does not:',
    '- only the agreement version the envelope names (`agreement.id`, `agreement.version`), as last announced by',
    '  `agreement.changed.v1`; unknown → `denied`/`no-agreement`; a newer version in force → `agreement-inactive`;',
    '- agreement and consent validity dates are Swedish calendar days (Europe/Stockholm, CET/CEST), inclusive at',
    '  both ends: an agreement valid to 2025-12-31 still holds at 00:30 Swedish time that night;',
    '- the consent snapshot (`payload.consent`) counts only when its `id` equals `consentId`, and only if it is of',
    "  the query's subject, given to the requester's organisation and unit, by a known method, not revoked (as",
    "  announced by `consent.revoked.v1`, matched by `consentId`: the `subjectKey` there is keyed with the hub's",
    '  own secret and cannot be recomputed by an agency), in validity today, valid at most 12 months, and covers',
    "  the envelope's purpose and this agency; a `consent`-class category must be in its `categories`;",
    '- when no category is released (every category denied, or an agreement, purpose, role or justification rule',
    '  fails) the reply is `status: denied` with `reason` = the first failing rule and every category in',
    '  `denied`; when at least one is released it is `status: ok`, the rest in `denied` with their reasons;',
    '- a subject with protected identity: `protectedIdentity: true`, the handling instruction, and no fields of',
    '  kind `address` or `location`.',
    '',
    '## Agencies',
    ...agencies.map((a) => `- ${a}`),
    '',
    "## Departments' own systems",
    'A department of a municipality may take the errands forwarded to it in its own case system instead of the',
    "hub's inbox: its broker user `department-<organisation>-<department>` binds `errand.forwarded.v1` on its own",
    'routing key only, and reports `taken`, `answered` (with the answer) and `closed` as `errand.status.v1`, which the',
    "hub applies along the errand's lifecycle, as it applies an agency's referral status events. The hub tells it,",
    "as `errand.status.v1` on the errand's own routing key, of every change made in the hub: the same statuses when",
    "staff move the errand in the hub's inbox, `handed-over` when the errand goes to another department, and",
    '`withdrawn` (with the reason in `note`) when the front office withdraws it; a withdrawn errand moves no more.',
    '',
    'Operations are tagged `hub`, `adapter` or `department` by the side that performs them. Channel bindings name the exchange;',
    '`x-queues` on a channel, `x-queue` on a receive operation and `x-topology` give the queues, their arguments,',
    'prefetch, parking queues and the broker permissions of each service user.',
  ].join('\n');
}

function routingKeyParameters(system: SystemDescription): Record<string, JsonSchema> {
  return {
    agency: {
      description:
        'the agency code: ' + system.agencies.map((a) => `\`${a.agency}\` (${a.name}, ${a.organisation})`).join(', '),
      examples: system.agencies.map((a) => a.agency),
      'x-pattern': AGENCY_WORD,
    },
    referralType: {
      description: "the referral type code from the agency's catalogue, `<agency>.<name>` (two words)",
      examples: ['af.inskrivning-arbetssokande', 'fk.bostadsbidrag-ansokan', 'skv.adressandring'],
      'x-pattern': unanchored(REFERRAL_TYPE_PATTERN),
    },
    organisation: {
      description: "the municipality's organisationsnummer, of the department an errand is forwarded to",
      examples: ['2120001967'],
      'x-pattern': '[0-9]{10}',
    },
    department: {
      description:
        "the department's short name: its unit name in lower-case ASCII, words joined by `-`; its own system's broker " +
        'user is `department-<organisation>-<department>`',
      examples: ['tekniska-forvaltningen'],
      'x-pattern': unanchored(DEPARTMENT_SLUG_PATTERN),
    },
    instance: {
      description: "the requesting hub instance's id; the whole key is the request's `reply_to`",
      examples: ['3f2b8c1e-5d7a-4a52-9a43-1c0e6b7d9f20'],
      'x-pattern': '[A-Za-z0-9-]+',
    },
  };
}

const unanchored = (pattern: RegExp) => pattern.source.replace(/^\^/, '').replace(/\$$/, '');
const AGENCY_WORD = unanchored(AGENCY_CODE_PATTERN);

/** A routing key with `{parameter}`s as an anchored regular expression, each parameter by its `x-pattern`. */
export function routingKeyRegExp(address: string, parameters: Record<string, { 'x-pattern'?: string }>): RegExp {
  const source = address
    .split(/(\{[A-Za-z]+\})/)
    .map((part) => {
      const name = /^\{([A-Za-z]+)\}$/.exec(part)?.[1];
      if (!name) return part.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
      const pattern = parameters[name]?.['x-pattern'];
      if (!pattern) throw new Error(`routing key parameter ${name} has no x-pattern`);
      return `(?<${name}>${pattern})`;
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** AMQP topic matching: `*` one word, `#` zero or more. */
export function topicMatches(bindingKey: string, routingKey: string): boolean {
  const match = (b: string[], r: string[]): boolean => {
    if (b.length === 0) return r.length === 0;
    if (b[0] === '#') return match(b.slice(1), r) || (r.length > 0 && match(b, r.slice(1)));
    if (r.length === 0) return false;
    return (b[0] === '*' || b[0] === r[0]) && match(b.slice(1), r.slice(1));
  };
  return match(bindingKey.split('.'), routingKey.split('.'));
}

const SAMPLE_VALUES: Record<string, string> = {
  agency: 'fk',
  referralType: 'fk.bostadsbidrag-ansokan',
  instance: '3f2b8c1e-5d7a-4a52-9a43-1c0e6b7d9f20',
  organisation: '2120001967',
  department: 'tekniska-forvaltningen',
};
const sample = (key: string) => key.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => SAMPLE_VALUES[name] ?? name);

/** The queues bound to a channel: those with a binding on its exchange whose key matches its routing keys. */
export function queuesOf(system: SystemDescription, exchange: string, routingKey: string): QueueDescription[] {
  return system.queues.filter((q) =>
    q.bindings.some((b) => b.exchange === exchange && topicMatches(sample(b.routingKey), sample(routingKey))),
  );
}

function channel(rule: SenderRule, system: SystemDescription): JsonSchema {
  const names = [...rule.routingKey.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
  const described = routingKeyParameters(system);
  const parameters = Object.fromEntries(
    names.map((name) => {
      const parameter = described[name];
      if (!parameter) throw new Error(`${rule.type}: routing key parameter ${name} is not described`);
      return [name, parameter];
    }),
  );
  const queues = queuesOf(system, rule.exchange, rule.routingKey);
  const reply = rule.exchange === EXCHANGES.reply;
  const description = reply
    ? `Published to the topic exchange \`${EXCHANGES.reply}\` with the request's \`reply_to\` as routing key ` +
      `(the requester's own reply queue, \`${replyQueueName('hub', '<instance>')}\`) and the request's message id ` +
      'as correlation id. An agency may write to this exchange only with such a key, and to no other queue.'
    : `Exchange \`${rule.exchange}\` (topic), routing key \`${rule.routingKey}\`.`;
  return {
    address: rule.routingKey,
    ...(reply && { title: 'Replies' }),
    description,
    ...(names.length > 0 && { parameters }),
    messages: {},
    bindings: {
      amqp: {
        is: 'routingKey',
        exchange: { name: rule.exchange, type: 'topic', durable: true, autoDelete: false, vhost: '{vhost}' },
        bindingVersion: AMQP_BINDING_VERSION,
      },
    },
    'x-queues': queues.map((q) => ({
      queue: q.name,
      owner: q.owner,
      bindingKey: q.bindings.find((b) => b.exchange === rule.exchange)!.routingKey,
    })),
  };
}

function message(spec: MessageTypeSpec, envelopeName: string): JsonSchema {
  const envelope = exampleEnvelope(spec);
  const signed = spec.delivery === 'persistent';
  return {
    name: spec.type,
    title: spec.type,
    summary: spec.summary,
    description: deliveryText(spec),
    contentType: 'application/json',
    headers: { $ref: `${SCHEMA_REF}${signed ? 'SignedHeaders' : 'Headers'}` },
    payload: { $ref: `${SCHEMA_REF}${envelopeName}` },
    correlationId: { $ref: '#/components/correlationIds/envelope' },
    bindings: { amqp: { messageType: spec.type, bindingVersion: AMQP_BINDING_VERSION } },
    examples: [
      {
        name: 'example',
        headers: {
          [HEADERS.signature]: exampleSignature(Buffer.from(JSON.stringify(envelope)), envelope.sender.service),
        },
        payload: envelope,
      },
    ],
    'x-amqp-properties': amqpProperties(spec),
  };
}

function bundleMessage(): JsonSchema {
  const vector = bundleVector();
  return {
    name: BUNDLE_MESSAGE,
    title: 'bundle',
    summary: 'Several queries to one routing key, or the replies to them, in one AMQP message (`x-bundle`).',
    description:
      'Framing: per item a uint32 big-endian length, the properties as UTF-8 JSON (`BundleItemProperties`), a ' +
      'uint32 big-endian length and the body. The bundle has no correlation id and no headers of its own; a ' +
      "requests' bundle carries `reply_to` and the latest `expiration` of its items.",
    contentType: BUNDLE_CONTENT_TYPE,
    payload: { $ref: `${SCHEMA_REF}Bundle` },
    bindings: { amqp: { messageType: BUNDLE_TYPE, bindingVersion: AMQP_BINDING_VERSION } },
    examples: [{ name: 'test-vector', payload: vector.hex }],
    'x-amqp-properties': {
      description: "AMQP basic properties of a bundle; `reply_to`, `expiration` and `delivery_mode` on requests' only",
      type: 'object',
      properties: {
        message_id: { type: 'string', description: "the bundle's own id, no item's" },
        type: { type: 'string', const: BUNDLE_TYPE },
        user_id: { type: 'string', description: 'the sending service' },
        content_type: { type: 'string', const: BUNDLE_CONTENT_TYPE },
        reply_to: REPLY_TO,
        expiration: EXPIRATION,
        delivery_mode: { type: 'integer', const: 1 },
      },
      required: ['message_id', 'type', 'user_id', 'content_type'],
      additionalProperties: false,
    },
  };
}

function errorReplyMessage(): JsonSchema {
  return {
    name: ERROR_REPLY_MESSAGE,
    title: 'error reply',
    summary: 'A responder could not answer a query: the requester reports the agency as `error`.',
    contentType: 'application/json',
    headers: { $ref: `${SCHEMA_REF}ErrorHeaders` },
    payload: { $ref: `${SCHEMA_REF}ErrorReply` },
    bindings: { amqp: { messageType: ERROR_REPLY_TYPE, bindingVersion: AMQP_BINDING_VERSION } },
    examples: [
      { name: 'invalid request', headers: { [HEADERS.error]: 'invalid-message: payload.subject' }, payload: {} },
    ],
    'x-amqp-properties': {
      description: 'AMQP basic properties of an error reply: no message id and no content type',
      type: 'object',
      properties: {
        type: { type: 'string', const: ERROR_REPLY_TYPE },
        correlation_id: { type: 'string', description: "the request's `message_id`" },
        user_id: { type: 'string', description: 'the responding service' },
      },
      required: ['type', 'correlation_id', 'user_id'],
      additionalProperties: false,
    },
  };
}

/** What the envelope's schema cannot say: how the message travels. Shared by the JSON Schema files. */
export function deliveryText(spec: MessageTypeSpec): string {
  const rules = SENDER_RULES.filter((r) => r.type === spec.type);
  const route = rules
    .map((r) =>
      r.exchange === EXCHANGES.reply
        ? `An agency's adapter publishes it to \`${r.exchange}\` with the request's \`reply_to\` as routing key (\`${r.routingKey}\`).`
        : `${PARTY_TEXT[PARTY_OF_ROLE[r.sender]]} publishes it to exchange \`${r.exchange}\` with routing key \`${r.routingKey}\`.`,
    )
    .join(' ');
  const how = {
    request: `A request: transient, expires with the query deadline (AMQP \`expiration\`, default ${DEFAULT_QUERY_DEADLINE_MS} ms); answered with ${spec.replyType ?? 'a reply'}.`,
    reply: "A reply: transient, carries the request's message id as correlation id; a late reply is dropped.",
    persistent: 'Persistent and publisher-confirmed; delivered at least once, processed once per envelope id.',
  }[spec.delivery];
  const agreement = spec.requiresAgreement
    ? ' The envelope must name the agreement (id, version) and the purpose.'
    : '';
  return `${route} ${how}${agreement}`;
}

const REPLY_TO: JsonSchema = {
  type: 'string',
  pattern: '^q\\.hub\\.reply\\.[A-Za-z0-9-]+$',
  description: `the routing key to answer with on \`${EXCHANGES.reply}\``,
};
const EXPIRATION: JsonSchema = {
  type: 'string',
  pattern: '^[0-9]+$',
  description: `milliseconds until the query deadline (default ${DEFAULT_QUERY_DEADLINE_MS}); an expired query is dropped unanswered`,
};

/** Exactly the AMQP basic properties a message of the type is published with (headers apart). */
function amqpProperties(spec: MessageTypeSpec): JsonSchema {
  const correlation =
    spec.delivery === 'reply' ? "the request's `message_id`" : "equals the envelope's `correlationId`";
  const properties: Record<string, JsonSchema> = {
    message_id: { type: 'string', description: "equals the envelope's `id`" },
    correlation_id: { type: 'string', description: correlation },
    type: { type: 'string', const: spec.type, description: "equals the envelope's `type`" },
    user_id: {
      type: 'string',
      description: "the sending service's broker user, checked by RabbitMQ; equals `sender.service`",
    },
    content_type: { type: 'string', const: 'application/json' },
  };
  const required = Object.keys(properties);
  if (spec.delivery === 'persistent') {
    properties.delivery_mode = { type: 'integer', const: 2 };
    required.push('delivery_mode');
  }
  if (spec.delivery === 'request') {
    properties.delivery_mode = { type: 'integer', const: 1 };
    properties.reply_to = REPLY_TO;
    properties.expiration = EXPIRATION;
    required.push('delivery_mode', 'reply_to', 'expiration');
  }
  return {
    description: 'AMQP basic properties of the message, all of them (no `timestamp`, no `app_id`)',
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  };
}

function operation(
  rule: SenderRule,
  party: Party,
  action: 'send' | 'receive',
  channelRef: string,
  types: string[],
  system: SystemDescription,
): JsonSchema {
  const sends = action === 'send';
  const transient = types.includes(BUNDLE_MESSAGE);
  const amqp = sends
    ? {
        ...(transient && { expiration: DEFAULT_QUERY_DEADLINE_MS }),
        deliveryMode: transient ? 1 : 2,
        mandatory: !(party === 'hub' && BROADCAST_TYPES.has(rule.type)),
        timestamp: false,
      }
    : { ack: true };
  const queue = sends ? undefined : queuesOf(system, rule.exchange, rule.routingKey).find((q) => q.owner === party);
  if (!sends && !queue)
    throw new Error(`${rule.type}: no ${party} queue is bound to ${rule.exchange} ${rule.routingKey}`);
  return {
    action,
    channel: { $ref: channelRef },
    summary: `${party === 'adapter' ? 'An adapter' : PARTY_TEXT[party]} ${sends ? 'sends' : 'receives'} ${rule.type}${sends ? '' : ` from its queue \`${queue!.name}\``}.`,
    messages: types.map((type) => ({ $ref: `${channelRef}/messages/${type}` })),
    tags: [{ name: party }],
    bindings: { amqp: { ...amqp, bindingVersion: AMQP_BINDING_VERSION } },
    ...(queue && { 'x-queue': { name: queue.name, prefetch: queue.prefetch } }),
  };
}

function addReply(
  op: JsonSchema,
  registry: MessageTypeRegistry,
  rules: readonly SenderRule[],
  channelOf: Map<string, string>,
): void {
  const type = ((op.messages as JsonSchema[])[0].$ref as string).split('/').pop()!;
  const spec = registry.get(type)!;
  if (!spec.replyType) return;
  const reply = rules.find((r) => r.type === spec.replyType);
  if (!reply) throw new Error(`${spec.type}: reply type ${spec.replyType} has no sender rule`);
  const channelRef = `#/channels/${channelOf.get(routeKey(reply.exchange, reply.routingKey))}`;
  op.reply = {
    address: { location: '$message.header#/reply_to', description: 'the AMQP `reply_to` property of the request' },
    channel: { $ref: channelRef },
    messages: messagesOn(reply, registry).map((t) => ({ $ref: `${channelRef}/messages/${t}` })),
  };
}

function topology(system: SystemDescription): JsonSchema {
  const exchange = (name: string, description: string) => ({
    name,
    type: 'topic',
    durable: true,
    autoDelete: false,
    internal: false,
    description,
  });
  return {
    description:
      'What the services declare on the broker, read from their code. Exchanges are declared by the set-up step; ' +
      'each service declares its own queues (configure permission `q.<user>.*` only), `{agency}` standing for its ' +
      'agency code. Consumers acknowledge each message after processing; a persistent queue dead-letters a message ' +
      'after `x-delivery-limit` deliveries to its parking queue; a consumer parks what it cannot process itself by ' +
      `publishing it to \`${EXCHANGES.deadLetter}\` with the queue's name as routing key and \`ParkedHeaders\`. ` +
      "Permissions are RabbitMQ regular expressions: an adapter's user gets exactly `permissions.adapter`, a " +
      "department's own system `permissions.department`.",
    exchanges: [
      exchange(EXCHANGES.query, 'queries to the agencies: routing key `query.<agency>`'),
      exchange(EXCHANGES.referral, 'referrals and their withdrawals: `referral.<agency>.<referral type>`'),
      exchange(EXCHANGES.event, 'events and announcements, both ways'),
      exchange(EXCHANGES.reply, "replies to queries: routing key = the requester's reply queue"),
      exchange(EXCHANGES.deadLetter, 'parked messages: routing key = the queue they came from'),
    ],
    queues: system.queues,
    permissions: system.permissions,
    parkedHeaders: { $ref: `${SCHEMA_REF}ParkedHeaders` },
  };
}

function bundleVector(): { items: readonly BundleVectorItem[]; hex: string } {
  return { items: BUNDLE_VECTOR_ITEMS, hex: frameBundle(BUNDLE_VECTOR_ITEMS).toString('hex') };
}

function bundleFormat(): JsonSchema {
  return {
    type: BUNDLE_TYPE,
    contentType: BUNDLE_CONTENT_TYPE,
    lengthPrefix: 'uint32, big-endian (network byte order), counting bytes',
    itemProperties: [...BUNDLE_ITEM_PROPERTIES],
    correlationId: 'none: a bundle has no correlation id; each item has its own in its properties',
    maxItems: 1000,
    testVector: bundleVector(),
  };
}

function bundleSchema(): JsonSchema {
  return {
    type: 'string',
    contentEncoding: 'binary',
    description:
      'Bytes: for each item, uint32 big-endian length, item properties as UTF-8 JSON, uint32 big-endian length, ' +
      'item body. Shown as hex in the example.',
  };
}

function bundleItemPropertiesSchema(): JsonSchema {
  return {
    type: 'object',
    description:
      "An item's own AMQP properties inside a bundle, camelCase; the bundle's `user_id`, `reply_to` and " +
      '`expiration` apply to every item.',
    properties: {
      messageId: { type: 'string', description: "the item's message id (absent on an error reply)" },
      correlationId: {
        type: 'string',
        description: "equals the envelope's correlationId; on a reply the request's messageId",
      },
      type: { type: 'string', description: 'the message type, or `error`' },
      contentType: { type: 'string', const: 'application/json' },
      headers: { type: 'object', description: "as the item's AMQP headers: `x-signature`, or `x-error`" },
    },
    required: ['type'],
    additionalProperties: false,
  };
}

function signatureSchema(): JsonSchema {
  return {
    type: 'string',
    pattern: JWS_DETACHED_PATTERN,
    maxLength: 1024,
    description: [
      'Detached JWS (RFC 7515 appendix F) over the exact body bytes: `BASE64URL(header) ".." BASE64URL(signature)`,',
      'where the signing input is `BASE64URL(header) "." BASE64URL(body)`. Header `{"alg":"EdDSA","kid":<key id>}`:',
      'Ed25519; the key must belong to the sending service (`user_id`), see JWKS (key distribution).',
      'The examples are signed with a published example key (Ed25519 public key, JWK `x`:',
      `\`${EXAMPLE_PUBLIC_X}\`) that signs nothing else.`,
    ].join(' '),
  };
}

function headersSchema(signed: boolean): JsonSchema {
  return {
    type: 'object',
    description: signed
      ? 'AMQP headers. Persistent messages are always signed.'
      : 'AMQP headers. Requests and replies are signed when the deployment turns request signing on.',
    properties: { [HEADERS.signature]: { $ref: `${SCHEMA_REF}Signature` } },
    ...(signed && { required: [HEADERS.signature] }),
    additionalProperties: false,
  };
}

function errorHeadersSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      [HEADERS.error]: { type: 'string', maxLength: 500, description: 'why the responder could not answer' },
    },
    required: [HEADERS.error],
    additionalProperties: false,
  };
}

function parkedHeadersSchema(): JsonSchema {
  return {
    type: 'object',
    description:
      "A parked message keeps its properties and headers (but `expiration`) and gets these; user_id is the parking service's.",
    properties: {
      [HEADERS.signature]: { $ref: `${SCHEMA_REF}Signature` },
      [HEADERS.parkedReason]: { type: 'string', maxLength: 1000, description: 'why it was parked' },
      [HEADERS.parkedAt]: { type: 'string', format: 'date-time', description: 'when' },
      [HEADERS.parkedFrom]: { type: 'string', description: 'the queue it was parked from' },
      [HEADERS.originalUser]: { type: ['string', 'null'], description: 'the user_id it arrived with' },
    },
    required: [HEADERS.parkedReason, HEADERS.parkedAt, HEADERS.parkedFrom],
  };
}
