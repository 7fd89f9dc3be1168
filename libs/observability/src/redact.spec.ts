import fc from 'fast-check';
import { luhnValid } from '@hub/contracts';
import { maskPersonnummerIn, REDACTED_PERSONNUMMER, redactPersonnummer } from './redact.js';

/** A valid personnummer (or samordningsnummer) in its normalised 12 digits. */
function identityNumber(year: number, month: number, day: number, serial: number, coordination: boolean): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const body = `${pad(year % 100)}${pad(month)}${pad(coordination ? day + 60 : day)}${pad(serial, 3)}`;
  for (let check = 0; check <= 9; check++) {
    if (luhnValid(`${body}${check}`)) return `${Math.floor(year / 100)}${body}${check}`;
  }
  throw new Error('no check digit');
}

/** Every way people and programs write one. */
const formats = (twelve: string) => [
  twelve,
  `${twelve.slice(0, 8)}-${twelve.slice(8)}`,
  twelve.slice(2),
  `${twelve.slice(2, 8)}-${twelve.slice(8)}`,
  `${twelve.slice(2, 8)}+${twelve.slice(8)}`,
  `${twelve.slice(0, 8)} ${twelve.slice(8)}`,
];

const validNumbers = fc
  .record({
    year: fc.integer({ min: 1900, max: 2025 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    serial: fc.integer({ min: 0, max: 999 }),
    coordination: fc.boolean(),
  })
  .map(({ year, month, day, serial, coordination }) => identityNumber(year, month, day, serial, coordination));

describe('redactPersonnummer', () => {
  it('removes the test personnummer 19121212-1212 in every format', () => {
    for (const written of formats('191212121212')) {
      const line = `{"msg":"looked up ${written} for the guide","subject":"${written}"}`;
      const redacted = redactPersonnummer(line);
      expect(redacted).not.toContain(written);
      expect(redacted).toContain(REDACTED_PERSONNUMMER);
    }
  });

  it('removes any valid personnummer or samordningsnummer, in any format, wherever it stands in a line', () => {
    fc.assert(
      fc.property(validNumbers, fc.nat(5), fc.string(), fc.string(), (twelve, format, before, after) => {
        const written = formats(twelve)[format];
        // text around it must not extend its digit run, or it is a different (longer) number
        const line = `${before.replace(/\d+$/, '')} ${written}:${after}`;
        const redacted = redactPersonnummer(line);
        expect(redacted).not.toContain(written);
        expect(redacted.replace(/\D/g, '')).not.toContain(twelve.slice(2));
      }),
    );
  });

  it('leaves numbers alone that are no personnummer: wrong check digit, no date, longer runs, timestamps', () => {
    const keep = [
      '19121212-1213', // Luhn fails
      '8112189877',
      '1763900000', // epoch seconds: month 63
      '1763900000123', // epoch milliseconds: 13 digits
      'order 2026-11-23 12:00',
      'took 1234 ms, 5 agencies',
      '2120001967', // an organisationsnummer: month 00
    ];
    for (const text of keep) expect(redactPersonnummer(text)).toBe(text);
  });

  it('redacts several in one line and keeps the text around them', () => {
    expect(redactPersonnummer('a 191212121212 b 121212-1212 c')).toBe(
      `a ${REDACTED_PERSONNUMMER} b ${REDACTED_PERSONNUMMER} c`,
    );
  });
});

describe('maskPersonnummerIn', () => {
  it('keeps the birth date and hides the rest, in any format', () => {
    expect(maskPersonnummerIn('{"subject":"191212121212"}')).toBe('{"subject":"19121212-****"}');
    expect(maskPersonnummerIn('om 121212-1212 och 19121212+1212')).toBe('om 121212-**** och 19121212-****');
    expect(maskPersonnummerIn('19121212-1213 stays')).toBe('19121212-1213 stays');
  });
});
