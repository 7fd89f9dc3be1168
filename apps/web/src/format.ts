/** Dates, times and numbers as Swedes write them, in Swedish time whatever the computer's zone. */
const ZONE = 'Europe/Stockholm';

const dateFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: 'long', day: 'numeric' });
const shortDateFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, dateStyle: 'short' });
const dateTimeFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, dateStyle: 'short', timeStyle: 'short' });
const numberFormat = new Intl.NumberFormat('sv-SE');

function toDate(value: string | Date): Date {
  // a bare calendar date (2026-11-23) is that day in Sweden, not midnight UTC
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(`${value}T12:00:00Z`)
    : new Date(value);
}

/** 23 november 2026 */
export function formatDate(value: string | Date): string {
  return dateFormat.format(toDate(value));
}

/** 2026-11-23 */
export function formatShortDate(value: string | Date): string {
  return shortDateFormat.format(toDate(value));
}

/** 2026-11-23 14:05 */
export function formatDateTime(value: string | Date): string {
  return dateTimeFormat.format(toDate(value));
}

/** 12 345 (with a narrow no-break space, as sv-SE has it) */
export function formatNumber(value: number, fractionDigits = 0): string {
  return fractionDigits === 0
    ? numberFormat.format(Math.round(value))
    : new Intl.NumberFormat('sv-SE', {
        minimumFractionDigits: fractionDigits,
        maximumFractionDigits: fractionDigits,
      }).format(value);
}

/** YYYYMMDD-NNNC, the way personnummer are read aloud and written on forms */
export function formatPersonnummer(twelveDigits: string): string {
  return /^\d{12}$/.test(twelveDigits) ? `${twelveDigits.slice(0, 8)}-${twelveDigits.slice(8)}` : twelveDigits;
}
