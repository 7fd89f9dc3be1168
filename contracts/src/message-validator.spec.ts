import fc from 'fast-check';
import { MessageValidator } from './message-validator.js';
import { exampleEnvelope, messageTypes } from './messages/index.js';
import { findUnstorableInput } from './storable-input.js';

const validator = new MessageValidator(messageTypes);
const types = messageTypes.all().map((spec) => spec.type);
const example = (type: string) =>
  JSON.parse(JSON.stringify(exampleEnvelope(messageTypes.get(type)!))) as Record<string, any>;

/** Strings as a hostile sender writes them: any code unit, NUL and lone surrogates often, huge and odd numbers. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.array(fc.constantFrom('a', 'Å', '\u0000', '\ud800', '\udc00', '😀', '__proto__')).map((p) => p.join('')),
);
const hostileKey = fc.oneof(fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'type'), hostileText);
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileText,
    fc.constantFrom(1e308, -0, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, 0.1, null, true),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Every path to a value inside a message, to put something else there. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function replaced(message: Record<string, any>, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(message);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = value;
  return copy;
}

/** What a broker message body is after JSON.parse: the validator never sees anything JSON cannot carry. */
const asReceived = (value: unknown) => JSON.parse(JSON.stringify(value) ?? 'null') as unknown;

describe('MessageValidator on arbitrary input', () => {
  it('answers ok or not ok for any JSON and never throws', () => {
    fc.assert(
      fc.property(hostileJson, (value) => {
        const result = validator.validate(asReceived(value));
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(typeof result.reason).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('answers ok or not ok for every message type with any one value replaced by anything', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...types).chain((type) => {
          const message = example(type);
          return fc.tuple(fc.constant(message), fc.constantFrom(...paths(message)), hostileJson);
        }),
        ([message, path, value]) => {
          const input = asReceived(replaced(message, path, value));
          const result = validator.validate(input);
          expect(typeof result.ok).toBe('boolean');
          if (result.ok) expect(findUnstorableInput(input, 'message')).toBeUndefined();
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses a type the message spells as an object it cannot print, without throwing', () => {
    const message = { ...example('query.request.v1'), type: { toString: 1 } };
    expect(validator.validate(asReceived(message))).toEqual({
      ok: false,
      reason: 'type: unknown message type object',
    });
  });

  it('refuses NUL and unpaired surrogates anywhere, which the receiver could not store', () => {
    const referral = example('referral.created.v1');
    for (const text of ['Hej\u0000', 'Hej\ud800']) {
      const result = validator.validate(asReceived({ ...referral, payload: { ...referral.payload, message: text } }));
      expect(result).toEqual({ ok: false, reason: expect.stringMatching(/^message\.payload\.message contains a NUL/) });
    }
  });

  it('refuses nesting thousands of levels deep, in a free-form part of a message too', () => {
    const reply = example('query.reply.v1');
    reply.payload.released[0].data = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(validator.validate(reply)).toEqual({ ok: false, reason: 'message is nested deeper than 32 levels' });
  });
});
