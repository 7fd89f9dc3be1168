import { createHmac } from 'node:crypto';
import { luhnValid, parsePersonnummer } from '@hub/contracts';

/** Its message never repeats the input: errors end up in logs, and the input is a personnummer. */
export class InvalidPersonnummerError extends Error {
  constructor(reason: string) {
    super(`invalid personnummer: ${reason}`);
    this.name = 'InvalidPersonnummerError';
  }
}

/**
 * Normalises a personnummer or samordningsnummer (day + 60) to 12 digits, YYYYMMDDNNNC, by the contract's one
 * parser (with or without century and separator; without century, `+` means a hundred years or older).
 */
export function normalisePersonnummer(input: string, today: Date = new Date()): string {
  const parsed = parsePersonnummer(input, today);
  if (!parsed.ok) throw new InvalidPersonnummerError(parsed.reason);
  return parsed.value;
}

export { luhnValid };

export const MIN_SUBJECT_KEY_SECRET_BYTES = 32;

/**
 * The subject's keyed hash: HMAC-SHA-256 with the deployment's secret over the normalised 12 digits, lowercase hex.
 * Keyed, because a plain hash of a personnummer is reversed by trying the few hundred million valid numbers.
 */
export function subjectKey(personnummer: string, secret: string | Uint8Array): string {
  checkSubjectKeySecret(secret);
  return createHmac('sha256', secret).update(normalisePersonnummer(personnummer), 'utf8').digest('hex');
}

export function checkSubjectKeySecret(secret: string | Uint8Array): void {
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret, 'utf8') : secret.byteLength;
  if (bytes < MIN_SUBJECT_KEY_SECRET_BYTES) {
    throw new Error(`the subject key secret must be at least ${MIN_SUBJECT_KEY_SECRET_BYTES} bytes`);
  }
}

export const SUBJECT_KEY_FORMAT = /^[0-9a-f]{64}$/;

/**
 * Subject keys are made per period (crypto-shredding, issue 19): an entry's subject key is the HMAC of the
 * personnummer under the key of the calendar year (UTC) it was written in. A period's key is derived from the
 * deployment's secret and a random 32-byte seed stored in the audit schema (`subject_period_key`); destroying the seed
 * destroys the key, and with it every link from that year's entries (and records) to a person, while the chain,
 * which hashes the stored subject keys, still checks. A calendar year, because retention periods are whole months
 * and years counted from the end of a record's life, so a year's key can go once the longest of them has passed for
 * everything written in that year; a quarter would shred no sooner in practice and make four times the keys a
 * lookup by person tries.
 */
export const SUBJECT_PERIOD_FORMAT = /^[0-9]{4}$/;

/** The period (calendar year, UTC) an instant falls in: `2026`. */
export function subjectPeriodOf(at: Date): string {
  const year = at.getUTCFullYear();
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Error('a subject period is a four-digit year');
  return String(year);
}

/** The first instant of the period after `period`: when it ends. */
export function subjectPeriodEnd(period: string): Date {
  if (!SUBJECT_PERIOD_FORMAT.test(period)) throw new Error('a subject period is a four-digit year');
  return new Date(Date.UTC(Number(period) + 1, 0, 1));
}

export function subjectPeriodStart(period: string): Date {
  if (!SUBJECT_PERIOD_FORMAT.test(period)) throw new Error('a subject period is a four-digit year');
  return new Date(Date.UTC(Number(period), 0, 1));
}

export const SUBJECT_PERIOD_SEED_BYTES = 32;

/**
 * A period's HMAC key: HMAC-SHA-256 under the deployment's secret over the period and its stored seed. Neither the
 * database (seeds) nor the configuration (secret) alone can compute a subject key; without the seed nobody can.
 */
export function periodSubjectKeySecret(secret: string | Uint8Array, period: string, seed: Uint8Array): Buffer {
  checkSubjectKeySecret(secret);
  if (!SUBJECT_PERIOD_FORMAT.test(period)) throw new Error('a subject period is a four-digit year');
  if (seed.byteLength !== SUBJECT_PERIOD_SEED_BYTES) {
    throw new Error(`a subject period seed is ${SUBJECT_PERIOD_SEED_BYTES} bytes`);
  }
  return createHmac('sha256', secret).update(`samtjanst subject period ${period}\u0000`, 'utf8').update(seed).digest();
}
