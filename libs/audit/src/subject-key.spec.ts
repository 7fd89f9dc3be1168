import { createHmac } from 'node:crypto';
import {
  InvalidPersonnummerError,
  luhnValid,
  normalisePersonnummer,
  periodSubjectKeySecret,
  subjectKey,
  subjectPeriodEnd,
  subjectPeriodOf,
  subjectPeriodStart,
} from './subject-key.js';

const withCheckDigit = (nine: string): string => {
  const digit = [...'0123456789'].find((d) => luhnValid(nine + d))!;
  return nine + digit;
};

const SECRET = 'test-secret-of-at-least-32-bytes!!';
const today = new Date('2026-06-15T12:00:00Z');

describe('personnummer normalisation', () => {
  it.each([
    ['191212121212', '191212121212'],
    ['19121212-1212', '191212121212'],
    [' 19121212-1212 ', '191212121212'],
    ['121212-1212', '201212121212'],
    ['1212121212', '201212121212'],
    ['121212+1212', '191212121212'],
    ['811228-9874', '198112289874'],
    ['701063-2391', '197010632391'],
    ['000101-2384', '200001012384'],
  ])('reads %s as %s', (input, normalised) => {
    expect(normalisePersonnummer(input, today)).toBe(normalised);
  });

  it('puts a ten-digit number not yet born this year in the previous century', () => {
    expect(normalisePersonnummer(withCheckDigit('260101123'), today)).toMatch(/^2026/);
    expect(normalisePersonnummer(withCheckDigit('261231123'), today)).toMatch(/^1926/);
    expect(normalisePersonnummer(withCheckDigit('270101123'), today)).toMatch(/^1927/);
  });

  it.each([
    ['wrong check digit', '19121212-1213'],
    ['wrong check digit, ten digits', '1212121213'],
    ['an organisationsnummer', '202100-5521'],
    ['letters', '19121212-12A2'],
    ['eleven digits', '19121212121'],
    ['month 13', '19121312-1212'],
    ['"+" with century', '19121212+1212'],
    ['empty', ''],
  ])('refuses %s without repeating the number', (_name, input) => {
    expect(() => normalisePersonnummer(input, today)).toThrow(InvalidPersonnummerError);
    try {
      normalisePersonnummer(input, today);
    } catch (err) {
      if (input.length > 0) expect((err as Error).message).not.toContain(input.slice(-4));
    }
  });
});

describe('subject key', () => {
  it('is HMAC-SHA-256 of the normalised number, the same for every way of writing it', () => {
    const expected = createHmac('sha256', SECRET).update('191212121212').digest('hex');
    expect(subjectKey('19121212-1212', SECRET)).toBe(expected);
    expect(subjectKey('191212121212', SECRET)).toBe(expected);
    expect(subjectKey('121212+1212', SECRET)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('depends on the secret and on the person', () => {
    const key = subjectKey('191212121212', SECRET);
    expect(subjectKey('191212121212', `${SECRET}x`)).not.toBe(key);
    expect(subjectKey('198112289874', SECRET)).not.toBe(key);
  });

  it('refuses a short secret and an invalid number', () => {
    expect(() => subjectKey('191212121212', 'short')).toThrow(/at least 32 bytes/);
    expect(() => subjectKey('191212121213', SECRET)).toThrow(InvalidPersonnummerError);
  });
});

describe('periods of subject keys', () => {
  const seed = Buffer.alloc(32, 7);

  it('is the calendar year (UTC) an instant falls in, ending when the next begins', () => {
    expect(subjectPeriodOf(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026');
    expect(subjectPeriodOf(new Date('2027-01-01T00:00:00Z'))).toBe('2027');
    expect(subjectPeriodStart('2026').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(subjectPeriodEnd('2026').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(() => subjectPeriodEnd('26')).toThrow(/four-digit year/);
  });

  it('keys a period with the secret and its seed: neither alone, and another period or seed another key', () => {
    const key = periodSubjectKeySecret(SECRET, '2026', seed);
    expect(key).toHaveLength(32);
    expect(periodSubjectKeySecret(SECRET, '2026', seed)).toEqual(key);
    expect(periodSubjectKeySecret(SECRET, '2027', seed)).not.toEqual(key);
    expect(periodSubjectKeySecret(SECRET, '2026', Buffer.alloc(32, 8))).not.toEqual(key);
    expect(periodSubjectKeySecret(`${SECRET}x`, '2026', seed)).not.toEqual(key);
    const subject = subjectKey('191212121212', key);
    expect(subject).toMatch(/^[0-9a-f]{64}$/);
    expect(subject).not.toBe(subjectKey('191212121212', SECRET));
  });

  it('refuses a seed of the wrong size and a short secret', () => {
    expect(() => periodSubjectKeySecret(SECRET, '2026', Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => periodSubjectKeySecret('short', '2026', seed)).toThrow(/at least 32 bytes/);
  });
});
