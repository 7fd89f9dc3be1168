import { luhnValid, parsePersonnummer } from '@hub/contracts';
import { composeSubject, luhnCheckDigit } from './personnummer.js';

describe('composing personnummer', () => {
  it('computes the check digit the contract checks, for every nine digits tried', () => {
    for (let n = 0; n < 5_000; n++) {
      const nine = String((n * 7_919_111) % 1_000_000_000).padStart(9, '0');
      expect(luhnValid(nine + luhnCheckDigit(nine))).toBe(true);
      expect(luhnValid(nine + ((luhnCheckDigit(nine) + 1) % 10))).toBe(false);
    }
  });

  it('composes the well-known test number 19121212-1212', () => {
    expect(composeSubject('1912-12-12', '121', false)).toBe('191212121212');
  });

  it('composes a samordningsnummer with day + 60 that the contract reads as one', () => {
    const subject = composeSubject('1970-10-03', '239', true);
    expect(subject).toBe('197010632391');
    expect(parsePersonnummer(subject)).toEqual({ ok: true, value: subject, coordinationNumber: true });
  });

  it('refuses malformed input', () => {
    expect(() => luhnCheckDigit('12345678')).toThrow(RangeError);
    expect(() => composeSubject('19121212', '121', false)).toThrow(RangeError);
    expect(() => composeSubject('1912-12-12', '12', false)).toThrow(RangeError);
  });
});
