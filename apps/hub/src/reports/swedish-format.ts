import { SUPPRESSED_TEXT } from '../follow-up/small-numbers.js';

const integer = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('sv-SE', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
// the days are calendar days already: formatted as UTC so that no time zone moves them
const longDate = new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthYear = new Intl.DateTimeFormat('sv-SE', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** 1234 → "1 234" (with the no-break space Swedish uses); a suppressed count → "färre än 5". */
export function count(value: number | null): string {
  return value === null ? SUPPRESSED_TEXT : integer.format(value);
}

/** 2.5 → "2,5"; null → "–". */
export function oneDecimal(value: number | null): string {
  return value === null ? '–' : decimal.format(value);
}

/** "2026-11-01" → "1 november 2026". */
export function swedishDate(day: string): string {
  return longDate.format(new Date(`${day}T00:00:00Z`));
}

/** "2026-11" → "november 2026". */
export function swedishMonth(month: string): string {
  return monthYear.format(new Date(`${month}-01T00:00:00Z`));
}
