import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { SchemaBuilder, type JsonSchema } from './json-schema.js';
import { exampleEnvelope } from './messages/index.js';
import type { MessageTypeRegistry, MessageTypeSpec, Party } from './registry.js';
import { REPLY_ROUTING_KEY } from './sender-rules.js';
import { BUNDLE_TYPE, ERROR_REPLY_TYPE, EXCHANGES, HEADERS, replyQueueName } from './topology.js';

export const ASYNCAPI_VERSION = '3.0.0';
export const CONTRACT_VERSION = '1.0.0';
const AMQP_BINDING_VERSION = '0.3.0';
const DEFAULT_QUERY_DEADLINE_MS = 3000;
const SCHEMA_REF = '#/components/schemas/';

const EXCHANGE_TYPES: Record<string, 'topic' | 'direct' | 'default'> = {
  [EXCHANGES.query]: 'topic',
  [EXCHANGES.referral]: 'topic',
  [EXCHANGES.event]: 'topic',
  [EXCHANGES.deadLetter]: 'topic',
  [EXCHANGES.reply]: 'topic',
  [EXCHANGES.default]: 'default',
};

const ROUTING_KEY_PARAMETERS: Record<string, JsonSchema> = {
  agency: { description: 'the agency code, e.g. `fk`, `af`, `skv`', examples: ['fk', 'af', 'skv'] },
  referralType: {
    description: "the referral type code from the agency's catalogue",
    examples: ['af.inskrivning-arbetssokande', 'fk.bostadsbidrag-ansokan', 'skv.adressandring'],
  },
  instance: {
    description: "the requesting hub instance's id; the whole key is the request's `reply_to`",
    examples: ['3f2b8c1e-5d7a-4a52-9a43-1c0e6b7d9f20'],
  },
};

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

const channelId = (spec: MessageTypeSpec) => spec.type.replace(/\.v[0-9]+$/, '');
const camel = (...words: string[]) =>
  words
    .flatMap((w) => w.split(/[.-]/))
    .map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');

/** The AsyncAPI 3.0.0 document of every message type in the registry: hub and adapters, both sides. */
export function buildAsyncApi(registry: MessageTypeRegistry): JsonSchema {
  const specs = registry.all();
  const schemas = new SchemaBuilder(SCHEMA_REF);
  const envelopeSchemas: Record<string, JsonSchema> = {};
  const messages: Record<string, JsonSchema> = {};
  const channels: Record<string, JsonSchema> = {};
  const channelOf = new Map<string, string>();

  for (const spec of specs) {
    const envelopeName = `${spec.payload.name}Envelope`;
    envelopeSchemas[envelopeName] = schemas.envelopeSchema(spec);
    messages[spec.type] = message(spec, envelopeName);

    const key = `${spec.exchange}\u0000${spec.routingKey}`;
    const id = channelOf.get(key) ?? channelId(spec);
    channelOf.set(key, id);
    channels[id] ??= channel(spec);
    (channels[id].messages as Record<string, JsonSchema>)[spec.type] = { $ref: `#/components/messages/${spec.type}` };
  }

  const operations: Record<string, JsonSchema> = {};
  for (const spec of specs) {
    if (spec.delivery === 'reply') continue; // described by the `reply` of its request's operations
    if (!spec.publishers?.length) throw new Error(`${spec.type}: publishers are needed for AsyncAPI`);
    const channelRef = `#/channels/${channelOf.get(`${spec.exchange}\u0000${spec.routingKey}`)}`;
    for (const party of ['hub', 'adapter'] as const) {
      const other: Party = party === 'hub' ? 'adapter' : 'hub';
      if (spec.publishers.includes(party))
        operations[camel(party, 'send', spec.type)] = operation(spec, party, 'send', channelRef);
      if (spec.publishers.includes(other)) {
        operations[camel(party, 'receive', spec.type)] = operation(spec, party, 'receive', channelRef);
      }
    }
  }
  for (const op of Object.values(operations)) addReply(op, registry, channelOf);

  return {
    asyncapi: ASYNCAPI_VERSION,
    id: 'urn:samtjanst-hub:messaging',
    info: {
      title: 'Samtjänst hub messaging',
      version: CONTRACT_VERSION,
      description: [
        "The contract between the samtjänst hub and the agencies' adapters over RabbitMQ (AMQP 0-9-1).",
        '',
        'Every body is a JSON envelope (`id`, `correlationId`, `type`, `sender`, `agreement`, `purpose`, `issuedAt`,',
        "`expiresAt`, `payload`); `type` names the payload's schema and its major version. Unknown properties are",
        'rejected. A receiver re-checks the agreement before it releases data.',
        '',
        `The body is signed with a detached JWS in the \`${HEADERS.signature}\` header. Queries are request/reply`,
        'over direct reply-to with an expiry; referrals and events are persistent, publisher-confirmed and processed',
        'once per message id. A message that fails validation, or keeps failing, is parked on the dead-letter',
        `exchange \`${EXCHANGES.deadLetter}\` with its reason in \`${HEADERS.parkedReason}\`, never redelivered in a loop.`,
        '',
        "A reply's AMQP `correlation_id` is the request's `message_id`. A responder that cannot answer (an invalid",
        `request, a failed handler) replies with AMQP \`type\` \`${ERROR_REPLY_TYPE}\`, the body \`{}\` and the reason in the \`${HEADERS.error}\``,
        'header; the requester reports that agency as `error`.',
        '',
        `The requests of one turn to one routing key may travel as one AMQP message of \`type\` \`${BUNDLE_TYPE}\`,`,
        'with `reply_to` and the user of the bundle: its body frames each request as a 4-byte length and its own',
        'properties (`message_id`, `correlation_id`, `type`, `content_type`, `headers`) as JSON, then a 4-byte length',
        'and its body, byte for byte. Each request in it is checked, answered and parked as if it had come alone; the',
        'replies that are ready together may come back as a bundle too. A bundle that cannot be read is parked whole.',
        '',
        'Operations are tagged `hub` or `adapter` by the side that performs them.',
      ].join('\n'),
    },
    servers: {
      amqp: {
        host: '{host}:{port}',
        protocol: 'amqp',
        protocolVersion: '0-9-1',
        description: 'The RabbitMQ cluster of the hub. Each service has its own broker user.',
        variables: {
          host: { default: 'localhost', description: "the broker's host name" },
          port: { default: '5672', enum: ['5671', '5672'], description: '5671 for amqps' },
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
      },
      messages,
      securitySchemes: {
        brokerUser: {
          type: 'userPassword',
          description:
            'One RabbitMQ user per service. The broker rejects a message whose `user_id` property is not the ' +
            "connection's user, so `user_id` authenticates the sending service; it must equal `sender.service`.",
        },
      },
      correlationIds: {
        envelope: {
          description: "the envelope's correlationId; also in the AMQP correlation_id property",
          location: '$message.payload#/correlationId',
        },
      },
    },
  };
}

function channel(spec: MessageTypeSpec): JsonSchema {
  if (spec.delivery === 'reply') {
    return {
      address: REPLY_ROUTING_KEY,
      title: 'Replies',
      description:
        `Published to the topic exchange \`${EXCHANGES.reply}\` with the request's \`reply_to\` as routing key ` +
        `(the requester's own reply queue, \`${replyQueueName('hub', '<instance>')}\`) and the request's message id ` +
        'as correlation id. An agency may write to this exchange only with such a key, and to no other queue.',
      messages: {},
      parameters: { instance: ROUTING_KEY_PARAMETERS.instance },
      bindings: {
        amqp: {
          is: 'routingKey',
          exchange: { name: EXCHANGES.reply, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
          bindingVersion: AMQP_BINDING_VERSION,
        },
      },
    };
  }
  const exchangeType = EXCHANGE_TYPES[spec.exchange];
  if (!exchangeType) throw new Error(`${spec.type}: exchange ${spec.exchange} has no known type`);
  const names = [...spec.routingKey.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
  const parameters = Object.fromEntries(
    names.map((name) => {
      const parameter = ROUTING_KEY_PARAMETERS[name];
      if (!parameter) throw new Error(`${spec.type}: routing key parameter ${name} is not described`);
      return [name, parameter];
    }),
  );
  return {
    address: spec.routingKey,
    description: `Exchange \`${spec.exchange}\` (${exchangeType}), routing key \`${spec.routingKey}\`.`,
    ...(names.length > 0 && { parameters }),
    messages: {},
    bindings: {
      amqp: {
        is: 'routingKey',
        exchange: { name: spec.exchange, type: exchangeType, durable: true, autoDelete: false, vhost: '/' },
        bindingVersion: AMQP_BINDING_VERSION,
      },
    },
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

/** What the envelope's schema cannot say: how the message travels. Shared by the JSON Schema files. */
export function deliveryText(spec: MessageTypeSpec): string {
  const route = spec.exchange
    ? `Published to exchange \`${spec.exchange}\` with routing key \`${spec.routingKey}\`.`
    : `Published through the default exchange to the request's \`reply_to\` (\`${spec.routingKey}\`).`;
  const how = {
    request: `A request: transient, expires with the query deadline (AMQP \`expiration\`, default ${DEFAULT_QUERY_DEADLINE_MS} ms); answered with ${spec.replyType ?? 'a reply'}.`,
    reply: "A reply: transient, carries the request's correlation id; a late reply is dropped.",
    persistent: 'Persistent and publisher-confirmed; delivered at least once, processed once per envelope id.',
  }[spec.delivery];
  const agreement = spec.requiresAgreement
    ? ' The envelope must name the agreement (id, version) and the purpose.'
    : '';
  return `${route} ${how}${agreement}`;
}

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
  properties.delivery_mode = { type: 'integer', const: spec.delivery === 'persistent' ? 2 : 1 };
  properties.timestamp = { type: 'integer', description: 'seconds since the epoch' };
  if (spec.delivery === 'request') {
    properties.reply_to = {
      type: 'string',
      pattern: '^q\\.hub\\.reply\\.[A-Za-z0-9-]+$',
      description: `the routing key to answer with on \`${EXCHANGES.reply}\``,
    };
    properties.expiration = {
      type: 'string',
      pattern: '^[0-9]+$',
      description: `milliseconds until the query deadline (default ${DEFAULT_QUERY_DEADLINE_MS}); an expired query is dropped unanswered`,
    };
    required.push('reply_to', 'expiration');
  }
  return { description: 'AMQP basic properties of the message', type: 'object', properties, required };
}

function operation(spec: MessageTypeSpec, party: Party, action: 'send' | 'receive', channelRef: string): JsonSchema {
  const sends = action === 'send';
  const transient = spec.delivery === 'request';
  const amqp = sends
    ? {
        ...(transient && { expiration: DEFAULT_QUERY_DEADLINE_MS }),
        deliveryMode: transient ? 1 : 2,
        mandatory: true,
        timestamp: true,
      }
    : { ack: true };
  return {
    action,
    channel: { $ref: channelRef },
    summary: `${party === 'hub' ? 'The hub' : 'An adapter'} ${sends ? 'sends' : 'receives'} ${spec.type}.`,
    messages: [{ $ref: `${channelRef}/messages/${spec.type}` }],
    tags: [{ name: party }],
    bindings: { amqp: { ...amqp, bindingVersion: AMQP_BINDING_VERSION } },
  };
}

function addReply(op: JsonSchema, registry: MessageTypeRegistry, channelOf: Map<string, string>): void {
  const type = ((op.messages as JsonSchema[])[0].$ref as string).split('/').pop()!;
  const spec = registry.get(type)!;
  if (!spec.replyType) return;
  const reply = registry.get(spec.replyType);
  if (!reply) throw new Error(`${spec.type}: reply type ${spec.replyType} is not registered`);
  const channelRef = `#/channels/${channelOf.get(`${reply.exchange}\u0000${reply.routingKey}`)}`;
  op.reply = {
    address: { location: '$message.header#/reply_to', description: 'the AMQP `reply_to` property of the request' },
    channel: { $ref: channelRef },
    messages: [{ $ref: `${channelRef}/messages/${reply.type}` }],
  };
}

function signatureSchema(): JsonSchema {
  return {
    type: 'string',
    pattern: JWS_DETACHED_PATTERN,
    maxLength: 1024,
    description: [
      'Detached JWS (RFC 7515 appendix F) over the exact body bytes: `BASE64URL(header) ".." BASE64URL(signature)`,',
      'where the signing input is `BASE64URL(header) "." BASE64URL(body)`. Header `{"alg":"EdDSA","kid":<service>}`:',
      'Ed25519, and the key id is the sending service, which must equal the broker user (`user_id`).',
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
    properties: {
      [HEADERS.signature]: { $ref: `${SCHEMA_REF}Signature` },
      [HEADERS.parkedReason]: {
        type: 'string',
        maxLength: 1000,
        description: 'on a parked message: why it was parked',
      },
      [HEADERS.parkedAt]: { type: 'string', format: 'date-time', description: 'on a parked message: when' },
      [HEADERS.parkedFrom]: { type: 'string', description: 'on a parked message: the queue it was parked from' },
    },
    ...(signed && { required: [HEADERS.signature] }),
  };
}
