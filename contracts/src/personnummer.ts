/**
 * Swedish personnummer and samordningsnummer (SPEC section 3): parsed from what people type, normalised to the
 * 12 digits YYYYMMDDNNNC that the hub and every agency use. A reason never repeats the input, because reasons end up
 * in logs and error answers, and the input is a personnummer.
 */

export type PersonnummerResult =
  | {
      ok: true;
      /** YYYYMMDDNNNC; a samordningsnummer keeps its day + 60 */
      value: string;
      /** a samordningsnummer (day + 60) rather than a personnummer */
      coordinationNumber: boolean;
    }
  | { ok: false; reason: string };

const FORM = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$/;

const fail = (reason: string): PersonnummerResult => ({ ok: false, reason });

/**
 * Takes YYYYMMDD-NNNC, YYMMDD-NNNC, YYYYMMDDNNNC or YYMMDDNNNC (and `+` for `-`). Without century the person is taken
 * to be under 100 on `today` (UTC calendar day), or 100 or older with `+`, as Skatteverket writes it.
 */
export function parsePersonnummer(input: unknown, today: Date = new Date()): PersonnummerResult {
  if (typeof input !== 'string') return fail('a personnummer must be a string');
  const match = input.length <= 20 ? FORM.exec(input.trim()) : null;
  if (!match) return fail('expected YYYYMMDD-NNNC, YYMMDD-NNNC or the same without separator');
  const [, century, yy, mm, dd, separator, serial] = match as unknown as [
    string,
    string | undefined,
    string,
    string,
    string,
    string,
    string,
  ];
  if (century !== undefined && separator === '+') return fail('"+" only goes with a two-digit year');
  const month = Number(mm);
  const coordinationNumber = Number(dd) > 60;
  const day = coordinationNumber ? Number(dd) - 60 : Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > 31) return fail('no such birth date');
  if (!luhnValid(`${yy}${mm}${dd}${serial}`)) return fail('wrong check digit');
  const year =
    century !== undefined ? Number(`${century}${yy}`) : inferYear(Number(yy), month, day, separator === '+', today);
  if (day > daysInMonth(year, month)) return fail('no such birth date');
  if (year * 10_000 + month * 100 + day > todayKey(today)) return fail('birth date in the future');
  if (year < 1800) return fail('birth year before 1800');
  return { ok: true, value: `${year}${mm}${dd}${serial}`, coordinationNumber };
}

/** `YYYYMMDD-****`: what a screen or an answer may show of a normalised personnummer. */
export function maskPersonnummer(normalised: string): string {
  return `${normalised.slice(0, 8)}-****`;
}

/** Luhn (mod 10) over digits, doubling the first and every other one: the check of YYMMDDNNNC. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(i) - 48;
    if ((digits.length - i) % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function todayKey(today: Date): number {
  return today.getUTCFullYear() * 10_000 + (today.getUTCMonth() + 1) * 100 + today.getUTCDate();
}

function inferYear(yy: number, month: number, day: number, hundredOrOlder: boolean, today: Date): number {
  const thisYear = today.getUTCFullYear();
  let year = thisYear - ((((thisYear - yy) % 100) + 100) % 100);
  if (year * 10_000 + month * 100 + day > todayKey(today)) year -= 100;
  return hundredOrOlder ? year - 100 : year;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
