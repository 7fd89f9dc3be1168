import { luhnValid } from '@hub/contracts';

/** What a personnummer or samordningsnummer is replaced with in a log line. */
export const REDACTED_PERSONNUMMER = '[personnummer]';

/**
 * 10 or 12 digits, optionally with `-`, `+` or a space before the last four, not part of a longer digit run.
 * The date part must look like one (month 01–12, day 01–31, or 61–91 for a samordningsnummer) and the last ten
 * digits must pass the Luhn check; anything that passes is treated as a person, even if it is something else.
 */
const CANDIDATE = /(?<!\d)((?:\d{2})?)(\d{2})(\d{2})(\d{2})[-+ ]?(\d{4})(?!\d)/g;

function looksLikeIdentityNumber(month: string, day: string, tenDigits: string): boolean {
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12) return false;
  if (!((d >= 1 && d <= 31) || (d >= 61 && d <= 91))) return false;
  return luhnValid(tenDigits);
}

/** The text with every personnummer and samordningsnummer in it, in any of the usual formats, replaced. */
export function redactPersonnummer(text: string): string {
  // the cheap test first: most log lines have no run of ten digits at all
  if (!/\d{6}[-+ ]?\d{4}/.test(text)) return text;
  return text.replace(CANDIDATE, (match, _century: string, yy: string, mm: string, dd: string, last: string) =>
    looksLikeIdentityNumber(mm, dd, `${yy}${mm}${dd}${last}`) ? REDACTED_PERSONNUMMER : match,
  );
}

/** Whether the text names a personnummer or samordningsnummer, in any of the usual formats. */
export function containsPersonnummer(text: string): boolean {
  return redactPersonnummer(text) !== text;
}

/**
 * The text with every personnummer in it masked as the hub shows them to staff (`19121212-****`): the birth date
 * stays, so that an administrator can tell messages apart, and the digits that identify the person go.
 */
export function maskPersonnummerIn(text: string): string {
  if (!/\d{6}[-+ ]?\d{4}/.test(text)) return text;
  return text.replace(CANDIDATE, (match, century: string, yy: string, mm: string, dd: string, last: string) =>
    looksLikeIdentityNumber(mm, dd, `${yy}${mm}${dd}${last}`) ? `${century}${yy}${mm}${dd}-****` : match,
  );
}
