import { luhnValid } from './personnummer.js';

/**
 * Swedish organisationsnummer (SPEC section 3): ten digits, the last a Luhn check digit, written NNNNNN-NNNN. The
 * third digit is at least 2, which tells it from a personnummer (a month); a sole trader's personnummer is not one.
 */
export type OrganisationsnummerResult = { ok: true; value: string } | { ok: false; reason: string };

const FORM = /^(\d{6})-?(\d{4})$/;

/** Takes NNNNNN-NNNN or the ten digits alone; the value is the ten digits. */
export function parseOrganisationsnummer(input: unknown): OrganisationsnummerResult {
  if (typeof input !== 'string') return { ok: false, reason: 'an organisationsnummer must be a string' };
  const match = input.length <= 20 ? FORM.exec(input.trim()) : null;
  if (!match) return { ok: false, reason: 'expected ten digits, NNNNNN-NNNN or NNNNNNNNNN' };
  const value = `${match[1]}${match[2]}`;
  if (Number(value[2]) < 2) return { ok: false, reason: 'the third digit of an organisationsnummer is at least 2' };
  if (!luhnValid(value)) return { ok: false, reason: 'wrong check digit' };
  return { ok: true, value };
}

/** NNNNNN-NNNN, as organisationsnummer are written. */
export function formatOrganisationsnummer(digits: string): string {
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 6)}-${digits.slice(6)}` : digits;
}
