import { createPublicKey, verify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import asyncapiSpecs from '@asyncapi/specs';
import { Ajv, type AnySchema, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ASYNCAPI_PATH, GENERATED_DIR, generateContracts, schemaPath } from './generate.js';
import { describeSystem } from '../../scripts/describe-system.js';
import { exampleEnvelope, MESSAGE_TYPES, messageTypes } from './messages/index.js';
import { validateMessage } from './validate.js';
import { MessageValidator } from './message-validator.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const generated = generateContracts(describeSystem());
const read = (path: string) => JSON.parse(generated[path]) as Record<string, any>;

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));

// ajv-formats is CommonJS: under nodenext its default import is the module object
const withFormats = <A extends Ajv | Ajv2020>(ajv: A): A => {
  addFormats.default(ajv);
  return ajv;
};

// strictRequired would reject the `anyOf: [{ required: [a] }, { required: [b] }]` idiom for "at least one of"
const ajv2020 = withFormats(new Ajv2020({ strict: true, strictRequired: false, allErrors: true }));
const schemaValidators = new Map<string, ValidateFunction>(
  MESSAGE_TYPES.map((spec) => [spec.type, ajv2020.compile(read(schemaPath(spec.type)))]),
);
const validateBySchema = (type: string, message: unknown): boolean => schemaValidators.get(type)!(message);

const clone = <T>(value: T): T => structuredClone(value);
const example = (type: string) => clone(exampleEnvelope(messageTypes.get(type)!)) as Record<string, any>;

const runtimeValidator = new MessageValidator(messageTypes);

describe('generated contract files', () => {
  it('are what `npm run contracts` generates now', () => {
    // decision-tables/ is generated from libs/policy by `npm run decision-tables` and checked there
    const onDisk = listFiles(join(ROOT, GENERATED_DIR))
      .filter((path) => !path.startsWith(`${GENERATED_DIR}/decision-tables/`))
      .sort();
    expect(onDisk).toEqual(Object.keys(generated).sort());
    for (const [path, content] of Object.entries(generated)) {
      // a mismatch means the contract classes changed: run `npm run contracts` and commit the result
      expect({ path, content: readFileSync(join(ROOT, path), 'utf8') }).toEqual({ path, content });
    }
  });

  it('are deterministic', () => {
    expect(generateContracts(describeSystem())).toEqual(generated);
  });

  it('has one schema per message type, with $id, title and description', () => {
    for (const spec of MESSAGE_TYPES) {
      const schema = read(schemaPath(spec.type));
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`urn:samtjanst-hub:contracts:${spec.type}`);
      expect(schema.title).toBe(spec.type);
      expect(schema.description).toContain(spec.summary);
      expect(schema.properties.type).toEqual({ const: spec.type });
    }
  });

  it('bounds every string and array, and closes every object but free-form category data', () => {
    const unbounded: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${path}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, any>;
      if (
        schema.type === 'string' &&
        !('maxLength' in schema || 'enum' in schema || isBoundedPattern(schema.pattern))
      ) {
        unbounded.push(path);
      }
      if (schema.type === 'array' && !('maxItems' in schema)) unbounded.push(path);
      if (schema.type === 'object' && schema.additionalProperties !== false && !('maxProperties' in schema)) {
        unbounded.push(path);
      }
      for (const [key, child] of Object.entries(schema)) if (key !== 'examples') visit(child, `${path}/${key}`);
    };
    for (const spec of MESSAGE_TYPES) visit(read(schemaPath(spec.type)), spec.type);
    expect(unbounded).toEqual([]);
  });
});

/** A pattern that is anchored and has no unbounded repetition outside character classes bounds the string's length. */
function isBoundedPattern(pattern: unknown): boolean {
  if (typeof pattern !== 'string' || !pattern.startsWith('^') || !pattern.endsWith('$')) return false;
  return !/[*+]|\{\d+,\}/.test(pattern.replace(/\\./g, '').replace(/\[[^\]]*\]/g, ''));
}

describe.each(MESSAGE_TYPES.map((spec) => [spec.type]))('%s', (type) => {
  it('its schema accepts its example envelope', () => {
    const validate = schemaValidators.get(type)!;
    expect(validate(example(type)) ? [] : validate.errors).toEqual([]);
  });

  it('validateMessage accepts its example envelope', () => {
    expect(validateMessage(example(type), messageTypes)).toMatchObject({ ok: true });
  });

  it('the runtime MessageValidator accepts its example envelope', () => {
    expect(runtimeValidator.validate(JSON.parse(JSON.stringify(example(type))))).toMatchObject({ ok: true });
  });

  it('its example envelope round-trips through JSON unchanged', () => {
    const result = validateMessage(JSON.parse(JSON.stringify(example(type))), messageTypes);
    expect(result.ok && JSON.parse(JSON.stringify(result.envelope))).toEqual(example(type));
  });
});

type Mutation = [string, string, (message: Record<string, any>) => void];

const BAD_MESSAGES: Mutation[] = [
  // missing fields
  ['query.request.v1', 'missing payload.subject', (m) => delete m.payload.subject],
  ['query.request.v1', 'missing envelope id', (m) => delete m.id],
  ['query.request.v1', 'missing payload', (m) => delete m.payload],
  ['query.request.v1', 'missing agreement where one is required', (m) => delete m.agreement],
  ['query.request.v1', 'missing purpose where one is required', (m) => delete m.purpose],
  ['query.request.v1', 'missing requester.staffId', (m) => delete m.payload.requester.staffId],
  ['query.reply.v1', 'missing denied', (m) => delete m.payload.denied],
  [
    'referral.status.v1',
    'actor with neither name nor service',
    (m) => (m.payload.actor = { organisation: '2021002114' }),
  ],
  // unknown fields
  ['query.request.v1', 'unknown envelope property', (m) => (m.signature = 'abc')],
  ['query.request.v1', 'unknown payload property', (m) => (m.payload.personnummer = '191212121212')],
  ['query.request.v1', 'unknown nested property', (m) => (m.payload.requester.name = 'Anna')],
  ['query.reply.v1', 'unknown property in an array item', (m) => (m.payload.denied[0].note = 'x')],
  ['query.request.v1', 'unknown sender property', (m) => (m.sender.role = 'guide')],
  // wrong patterns
  ['query.request.v1', 'personnummer with separator', (m) => (m.payload.subject = '19121212-1212')],
  ['query.request.v1', 'ten-digit personnummer', (m) => (m.payload.subject = '1212121212')],
  ['query.request.v1', 'organisation with separator', (m) => (m.sender.organisation = '212000-1967')],
  ['query.request.v1', 'category without agency prefix', (m) => (m.payload.categories = ['utbetalningar'])],
  ['query.request.v1', 'consentId not a uuid', (m) => (m.payload.consentId = 'samtycke-1')],
  ['consent.revoked.v1', 'subjectKey is a personnummer', (m) => (m.payload.subjectKey = '191212121212')],
  ['referral.created.v1', 'respondBy without offset', (m) => (m.payload.respondBy = '2025-03-06T09:15:00')],
  ['referral.created.v1', 'respondBy an impossible date', (m) => (m.payload.respondBy = '2025-02-30T09:15:00Z')],
  ['agreement.changed.v1', 'validTo a date-time', (m) => (m.payload.validTo = '2026-12-31T00:00:00Z')],
  ['query.request.v1', 'issuedAt not a date', (m) => (m.issuedAt = 'igår')],
  // wrong enum values
  ['query.request.v1', 'free-text purpose', (m) => (m.purpose = 'kontroll av bidrag')],
  ['query.request.v1', 'unknown staff role', (m) => (m.payload.requester.roles = ['chef'])],
  ['query.reply.v1', 'responder answers timeout', (m) => (m.payload.status = 'timeout')],
  ['query.reply.v1', 'unknown reason code', (m) => (m.payload.denied[0].reason = 'nope')],
  ['catalogue.announced.v1', 'unknown secrecy class', (m) => (m.payload.categories[0].secrecyClass = 'secret')],
  ['agreement.changed.v1', 'unknown change', (m) => (m.payload.change = 'renegotiated')],
  // oversized
  ['query.request.v1', 'justification over 2000 characters', (m) => (m.payload.justification = 'x'.repeat(2001))],
  ['referral.created.v1', 'message over 4000 characters', (m) => (m.payload.message = 'å'.repeat(4001))],
  ['query.request.v1', 'too many categories', (m) => (m.payload.categories = many(51, (i) => `fk.kategori-${i}`))],
  ['query.reply.v1', 'category data with too many keys', (m) => (m.payload.released[0].data = keys(101))],
  [
    'agreement.changed.v1',
    'too many parties',
    (m) => (m.payload.parties = many(11, () => ({ organisation: '2021005521' }))),
  ],
  ['query.request.v1', 'oversized unit', (m) => (m.payload.requester.unit = 'S'.repeat(121))],
  // other array rules
  ['query.request.v1', 'no categories', (m) => (m.payload.categories = [])],
  [
    'query.request.v1',
    'duplicate categories',
    (m) => (m.payload.categories = ['fk.utbetalningar', 'fk.utbetalningar']),
  ],
  ['agreement.changed.v1', 'one party', (m) => (m.payload.parties = [{ organisation: '2021005521' }])],
  // wrong JSON types
  ['query.reply.v1', 'boolean as string', (m) => (m.payload.found = 'true')],
  ['query.request.v1', 'agreement version as string', (m) => (m.agreement.version = '3')],
  ['agreement.changed.v1', 'fractional version', (m) => (m.payload.version = 2.5)],
  ['agreement.changed.v1', 'version 0', (m) => (m.payload.version = 0)],
  ['query.request.v1', 'categories as a string', (m) => (m.payload.categories = 'fk.utbetalningar')],
  ['query.request.v1', 'requester as a string', (m) => (m.payload.requester = 'orebro-sc-0042')],
  ['query.request.v1', 'payload as an array', (m) => (m.payload = [m.payload])],
  ['query.request.v1', 'null for an optional property', (m) => (m.payload.consentId = null)],
  ['query.request.v1', 'null for an optional object', (m) => (m.agreement = null)],
  ['query.reply.v1', 'category data as an array', (m) => (m.payload.released[0].data = [1, 2])],
  // wrong type for the type
  ['query.request.v1', 'type of another version', (m) => (m.type = 'query.request.v2')],
  ['query.request.v1', 'type as a number', (m) => (m.type = 1)],
  ['query.request.v1', "another type's payload", (m) => (m.payload = example('query.reply.v1').payload)],
];

function many<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

function keys(n: number): Record<string, number> {
  return Object.fromEntries(many(n, (i) => [`k${i}`, i]));
}

describe.each(BAD_MESSAGES)('%s with %s', (type, _name, mutate) => {
  const message = example(type);
  mutate(message);

  it('is rejected by its JSON Schema', () => {
    expect(validateBySchema(type, message)).toBe(false);
  });

  it('is rejected by validateMessage', () => {
    expect(validateMessage(message, messageTypes)).toEqual({ ok: false, reason: expect.any(String) });
  });

  it('is rejected by the runtime MessageValidator', () => {
    expect(runtimeValidator.validate(JSON.parse(JSON.stringify(message)))).toEqual({
      ok: false,
      reason: expect.any(String),
    });
  });
});

describe('AsyncAPI document', () => {
  const doc = read(ASYNCAPI_PATH);

  it('is valid against the AsyncAPI 3.0.0 JSON Schema', () => {
    const ajv = withFormats(new Ajv({ strict: false, allErrors: true }));
    // the bundle carries its own copy of the draft-07 meta-schema, which Ajv already has
    const { definitions, ...schema } = asyncapiSpecs.schemas['3.0.0'] as Record<string, any>;
    const { 'http://json-schema.org/draft-07/schema': _meta, ...rest } = definitions;
    const validate = ajv.compile({ ...schema, definitions: rest } as AnySchema);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);

    const broken = clone(doc);
    broken.operations.hubSendQueryRequestV1.action = 'publish';
    broken.channels['query.request'].bindings.amqp.exchange.type = 'fanout-ish';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining([
        '/operations/hubSendQueryRequestV1/action',
        '/channels/query.request/bindings/amqp/exchange/type',
      ]),
    );
  });

  it('resolves every local $ref', () => {
    const unresolved: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          if (resolve(doc, value) === undefined) unresolved.push(value);
        } else visit(value);
      }
    };
    visit(doc);
    expect(unresolved).toEqual([]);
  });

  it("sends and receives each operation's messages on its own channel, with declared address parameters", () => {
    for (const [id, operation] of Object.entries<Record<string, any>>(doc.operations)) {
      const channelRef: string = operation.channel.$ref;
      for (const message of operation.messages)
        expect([id, message.$ref.startsWith(`${channelRef}/messages/`)]).toEqual([id, true]);
      if (operation.reply) {
        for (const message of operation.reply.messages)
          expect(message.$ref.startsWith(`${operation.reply.channel.$ref}/messages/`)).toBe(true);
      }
    }
    for (const channel of Object.values<Record<string, any>>(doc.channels)) {
      const names = [...String(channel.address ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(channel.parameters ?? {})).toEqual(names);
    }
  });

  it('has hub, adapter and department operations for every message type', () => {
    const tagged = (party: string) =>
      Object.values<Record<string, any>>(doc.operations)
        .filter((op) => op.tags[0].name === party)
        .flatMap((op) =>
          [...op.messages, ...(op.reply?.messages ?? [])].map((m: { $ref: string }) => m.$ref.split('/').pop()),
        );
    const errands = ['errand.forwarded.v1', 'errand.status.v1'];
    const agencyTypes = MESSAGE_TYPES.map((s) => s.type).filter((type) => !errands.includes(type));
    expect(new Set(tagged('hub'))).toEqual(new Set([...MESSAGE_TYPES.map((s) => s.type), 'bundle', 'error-reply']));
    expect(new Set(tagged('adapter'))).toEqual(new Set([...agencyTypes, 'bundle', 'error-reply']));
    // a department's own system speaks of its errands and hears nothing else
    expect(new Set(tagged('department'))).toEqual(new Set(errands));
  });

  it('has message examples whose payloads and headers match the message schemas', () => {
    const ajv = withFormats(new Ajv({ strict: false, allErrors: true }));
    ajv.addSchema({ $id: 'urn:samtjanst-hub:asyncapi', components: { schemas: doc.components.schemas } });
    for (const message of Object.values<Record<string, any>>(doc.components.messages)) {
      const payload = ajv.compile({ $ref: `urn:samtjanst-hub:asyncapi${message.payload.$ref}` });
      const headers = message.headers && ajv.compile({ $ref: `urn:samtjanst-hub:asyncapi${message.headers.$ref}` });
      for (const ex of message.examples) {
        expect([message.name, payload(ex.payload) ? [] : payload.errors]).toEqual([message.name, []]);
        if (headers) expect([message.name, headers(ex.headers) ? [] : headers.errors]).toEqual([message.name, []]);
        if (messageTypes.get(message.name))
          expect(validateMessage(ex.payload, messageTypes)).toMatchObject({ ok: true });
      }
    }
  });
  it('signs its examples with the published example key, verifiably', () => {
    const x = /`([A-Za-z0-9_-]{43})`/.exec(doc.components.schemas.Signature.description)![1];
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    for (const message of MESSAGE_TYPES.map((spec) => doc.components.messages[spec.type])) {
      const [header, detached, signature] = message.examples[0].headers['x-signature'].split('.');
      const body = Buffer.from(JSON.stringify(message.examples[0].payload));
      const input = Buffer.from(`${header}.${body.toString('base64url')}`);
      expect(detached).toBe('');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
        alg: 'EdDSA',
        kid: message.examples[0].payload.sender.service,
      });
      expect([message.name, verify(null, input, key, Buffer.from(signature, 'base64url'))]).toEqual([
        message.name,
        true,
      ]);
    }
  });
});

function resolve(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      doc,
    );
}
