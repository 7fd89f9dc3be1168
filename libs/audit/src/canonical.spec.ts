import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  canonicalEntry,
  canonicalJson,
  CHAINED_FIELDS,
  entryHash,
  entryTemplate,
  fillTemplate,
  GENESIS_HASH,
  type ChainedFields,
} from './canonical.js';

const entry = (): ChainedFields => ({
  seq: 7,
  at: '2026-03-01T09:30:00.123Z',
  kind: 'query',
  actorKind: 'staff',
  actor: 'staff-41',
  organisation: '2120001967',
  unit: 'Servicecenter',
  agreementId: '6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10',
  agreementVersion: 2,
  purpose: 'vagledning',
  subjectKey: 'ab'.repeat(32),
  categoriesRequested: ['fk.utbetalningar', 'skv.inkomst'],
  categoriesReleased: ['fk.utbetalningar'],
  categoriesDenied: [{ category: 'skv.inkomst', reason: 'legal-basis-missing' }],
  outcome: 'partial',
  correlationId: 'c-1',
  protectedIdentity: false,
  details: { agencies: { fk: 'ok', skv: 'denied' } },
  prevHash: GENESIS_HASH,
});

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps list order and writes no whitespace', () => {
    expect(canonicalJson({ b: [3, 1, { d: true, c: null }], a: 'é\n"', '': 0 })).toBe(
      '{"":0,"a":"é\\n\\"","b":[3,1,{"c":null,"d":true}]}',
    );
  });

  it('writes numbers and strings as JSON.stringify does (RFC 8785)', () => {
    expect(canonicalJson([1e21, 0.1, -0, 5e-324, 1.5, -12])).toBe('[1e+21,0.1,0,5e-324,1.5,-12]');
    expect(canonicalJson('\u2028\u0001')).toBe('"\u2028\\u0001"');
  });

  it('sorts keys by UTF-16 code units', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '\u{1F600}': 4, '\uFB33': 5 })).toBe(
      '{"Z":3,"z":2,"é":1,"\u{1F600}":4,"\uFB33":5}',
    );
  });

  it('leaves out undefined object members, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a bigint', 1n],
    ['undefined in a list', [undefined]],
    ['a function', () => 1],
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('does not depend on key order, and reads back as what it encodes (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const encoded = canonicalJson(value);
        expect(canonicalJson(JSON.parse(encoded))).toBe(encoded);
        expect(canonicalJson(reverseKeys(value))).toBe(encoded);
      }),
    );
  });
});

describe('entry hash', () => {
  it('is SHA-256 over the documented encoding', () => {
    const expected =
      '{"actor":"staff-41","actorKind":"staff","agreementId":"6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10",' +
      '"agreementVersion":2,"at":"2026-03-01T09:30:00.123Z",' +
      '"categoriesDenied":[{"category":"skv.inkomst","reason":"legal-basis-missing"}],' +
      '"categoriesReleased":["fk.utbetalningar"],"categoriesRequested":["fk.utbetalningar","skv.inkomst"],' +
      '"correlationId":"c-1","details":{"agencies":{"fk":"ok","skv":"denied"}},"kind":"query",' +
      '"organisation":"2120001967","outcome":"partial","prevHash":"' +
      GENESIS_HASH +
      '","protectedIdentity":false,"purpose":"vagledning","seq":7,"subjectKey":"' +
      'ab'.repeat(32) +
      '","unit":"Servicecenter","v":1}';
    expect(canonicalEntry(entry())).toBe(expected);
    expect(entryHash(entry())).toBe(createHash('sha256').update(expected, 'utf8').digest('hex'));
    expect(entryHash(entry())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is stable and independent of the order fields and details were built in', () => {
    const reordered = Object.fromEntries(Object.entries(entry()).reverse()) as unknown as ChainedFields;
    reordered.details = { agencies: { skv: 'denied', fk: 'ok' } };
    expect(entryHash(reordered)).toBe(entryHash(entry()));
    expect(entryHash(entry())).toBe(entryHash(entry()));
  });

  it('ignores properties outside the fixed field list', () => {
    expect(entryHash({ ...entry(), hash: 'x' } as ChainedFields)).toBe(entryHash(entry()));
  });

  const changes: Record<(typeof CHAINED_FIELDS)[number], unknown[]> = {
    seq: [8, 6],
    at: ['2026-03-01T09:30:00.124Z', '2026-03-01T10:30:00.123+01:00'],
    kind: ['referral'],
    actorKind: ['service'],
    actor: ['staff-42', 'staff-4'],
    organisation: ['2120001968', null],
    unit: ['Servicecenter ', null],
    agreementId: ['6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f11', null],
    agreementVersion: [1, null, '2'],
    purpose: ['etablering', null],
    subjectKey: ['ac'.repeat(32), null],
    categoriesRequested: [['skv.inkomst', 'fk.utbetalningar'], ['fk.utbetalningar'], []],
    categoriesReleased: [[], ['fk.utbetalningar', 'skv.inkomst']],
    categoriesDenied: [[], [{ category: 'skv.inkomst', reason: 'consent-missing' }]],
    outcome: ['ok'],
    correlationId: ['c-2', null],
    protectedIdentity: [true],
    details: [{}, { agencies: { fk: 'ok', skv: 'ok' } }, { agencies: { fk: 'ok', skv: 'denied' }, x: null }],
    prevHash: ['1'.repeat(64)],
  };

  it.each(CHAINED_FIELDS.flatMap((field) => changes[field].map((value) => [field, value] as const)))(
    'changes when %s becomes %j',
    (field, value) => {
      expect(entryHash({ ...entry(), [field]: value })).not.toBe(entryHash(entry()));
    },
  );

  it('is the same when built from a template before the chain head is known (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1 }),
          actor: fc.string({ minLength: 1 }),
          unit: fc.option(fc.string()),
          categoriesReleased: fc.array(fc.string()),
          details: fc.dictionary(fc.string(), fc.jsonValue()),
          prevHash: fc.stringMatching(/^[0-9a-f]{64}$/),
        }),
        (change) => {
          const fields = { ...entry(), ...change } as ChainedFields;
          const { seq, at, prevHash, ...rest } = fields;
          expect(fillTemplate(entryTemplate(rest), { seq, at, prevHash })).toBe(canonicalEntry(fields));
        },
      ),
    );
  });

  it('refuses an entry with a field missing rather than hashing it as absent', () => {
    const { unit: _unit, ...rest } = entry();
    expect(() => entryHash(rest as ChainedFields)).toThrow(/unit is missing/);
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}
