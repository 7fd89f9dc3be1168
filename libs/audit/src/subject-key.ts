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
