import { createHmac } from 'node:crypto';

/** Its message never repeats the input: errors end up in logs, and the input is a personnummer. */
export class InvalidPersonnummerError extends Error {
  constructor(reason: string) {
    super(`invalid personnummer: ${reason}`);
    this.name = 'InvalidPersonnummerError';
  }
}

const FORM = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$/;

/**
 * Normalises a personnummer or samordningsnummer (day + 60) to 12 digits, YYYYMMDDNNNC. Takes it with or without
 * century and separator; without century, `+` means a hundred years or older, as Skatteverket writes it.
 */
export function normalisePersonnummer(input: string, today: Date = new Date()): string {
  const match = FORM.exec(input.trim());
  if (!match) throw new InvalidPersonnummerError('expected YYYYMMDD-NNNC, YYMMDD-NNNC or the same without separator');
  const [, century, yy, mm, dd, separator, serial] = match as unknown as string[];
  const month = Number(mm);
  const day = Number(dd) > 60 ? Number(dd) - 60 : Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > 31) throw new InvalidPersonnummerError('no such date');
  if (century !== undefined && separator === '+') throw new InvalidPersonnummerError('"+" only goes with YYMMDD');
  if (!luhnValid(`${yy}${mm}${dd}${serial}`)) throw new InvalidPersonnummerError('wrong check digit');
  const year = century !== undefined ? Number(`${century}${yy}`) : inferYear(Number(yy), month, day, separator, today);
  return `${String(year).padStart(4, '0')}${mm}${dd}${serial}`;
}

function inferYear(yy: number, month: number, day: number, separator: string | undefined, today: Date): number {
  const thisYear = today.getUTCFullYear();
  let year = thisYear - ((thisYear - yy) % 100);
  const notYetBorn = month * 100 + day > (today.getUTCMonth() + 1) * 100 + today.getUTCDate();
  if (year === thisYear && notYetBorn) year -= 100;
  return separator === '+' ? year - 100 : year;
}

/** Luhn over the ten digits YYMMDDNNNC. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

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
