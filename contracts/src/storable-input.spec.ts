import fc from 'fast-check';
import { findUnstorableInput, MAX_INPUT_DEPTH } from './storable-input.js';

const nested = (levels: number): unknown => {
  let value: unknown = 'innerst';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

const check = (value: unknown) => findUnstorableInput(value, 'body');

describe('findUnstorableInput', () => {
  it('takes ordinary text, paired surrogates and nesting up to the limit', () => {
    expect(check({ justification: 'Åsa: "hot" mot\nhandläggare 😀', tags: ['a', 1, null, true] })).toBeUndefined();
    expect(check(nested(MAX_INPUT_DEPTH))).toBeUndefined();
  });

  it('finds NUL and unpaired surrogates in values and field names, naming where but not echoing the text', () => {
    expect(check({ justification: 'ok\u0000' })).toEqual({
      code: 'invalid-text',
      message: expect.stringMatching(/^body\.justification contains a NUL/),
    });
    expect(check({ agencies: ['fk', '\ud800'] })).toMatchObject({
      message: expect.stringMatching(/^body\.agencies\[1\]/),
    });
    expect(check({ message: 'x\udc00' })).toMatchObject({ code: 'invalid-text' });
    expect(check({ message: '\udc00\ud800' })).toMatchObject({ code: 'invalid-text' });
    expect(check({ message: 'a\ud800' })).toMatchObject({ code: 'invalid-text' });
    expect(check({ ['a\u0000']: 1 })).toMatchObject({
      code: 'invalid-text',
      message: expect.stringMatching(/field name/),
    });
  });

  it('finds nesting past the limit without recursing, however deep', () => {
    expect(check(nested(MAX_INPUT_DEPTH + 1))).toEqual({
      code: 'too-deeply-nested',
      message: `body is nested deeper than ${MAX_INPUT_DEPTH} levels`,
    });
    expect(check(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`))).toMatchObject({
      code: 'too-deeply-nested',
    });
  });

  it('passes exactly the JSON whose text UTF-8 and PostgreSQL can carry', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 6 }),
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.array(fc.constantFrom('a', '\u0000', '\ud800', '\udc00', '😀')).map((parts) => parts.join('')),
        ),
        (value, text) => {
          const input = { value, [text]: text };
          // UTF-8 cannot carry an unpaired surrogate (it comes back as U+FFFD), and PostgreSQL text no NUL
          const storable = [...texts(input)].every(
            (s) => !s.includes('\u0000') && Buffer.from(s, 'utf8').toString('utf8') === s,
          );
          expect(check(input) === undefined).toBe(storable);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function* texts(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (!Array.isArray(value)) yield key;
      yield* texts(child);
    }
  }
}
