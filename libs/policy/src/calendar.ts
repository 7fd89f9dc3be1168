/**
 * Calendar days as integers YYYYMMDD, so that validity checks are integer comparisons.
 * Validity ends are Swedish calendar days: an agreement valid to 2025-12-31 still holds at 00:30 on that night in
 * Stockholm, which is 23:30 UTC. The EU summer-time rule is computed here rather than through Intl so that the result
 * does not depend on the ICU data the runtime ships with, and costs no allocation.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

/** `YYYY-MM-DD` to YYYYMMDD, or NaN when malformed, so that every comparison with it is false. */
export function dayKey(day: unknown): number {
  if (typeof day !== 'string' || day.length !== 10 || day.charCodeAt(4) !== 45 || day.charCodeAt(7) !== 45) return NaN;
  const y = digit(day, 0) * 1000 + digit(day, 1) * 100 + digit(day, 2) * 10 + digit(day, 3);
  const m = digit(day, 5) * 10 + digit(day, 6);
  const d = digit(day, 8) * 10 + digit(day, 9);
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m))) return NaN;
  return y * 10_000 + m * 100 + d;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** The same day one year later, as a key; 29 February maps past 28 February, which is what `<=` needs. */
export function oneYearAfter(key: number): number {
  return key + 10_000;
}

// Days since 1970-01-01 to YYYYMMDD (H. Hinnant's civil_from_days).
function civilKey(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return (yoe + era * 400 + (m <= 2 ? 1 : 0)) * 10_000 + m * 100 + d;
}

// 01:00 UTC on the last Sunday of the month (0-based), when EU summer time starts (March) or ends (October).
function lastSundayOneUtc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const weekday = (Math.floor(lastDay / DAY_MS) + 4) % 7;
  return lastDay - weekday * DAY_MS + HOUR_MS;
}

/** The calendar day in Sweden (CET/CEST) at an instant, as YYYYMMDD. */
export function swedishDayKey(now: Date): number {
  const t = now.getTime();
  if (Number.isNaN(t)) return NaN;
  const year = now.getUTCFullYear();
  const summer = t >= lastSundayOneUtc(year, 2) && t < lastSundayOneUtc(year, 9);
  return civilKey(Math.floor((t + (summer ? 2 : 1) * HOUR_MS) / DAY_MS));
}

/** The calendar day in Sweden at an instant, `YYYY-MM-DD`; the agreement registry expires agreements with it. */
export function swedishDay(now: Date): string {
  const k = swedishDayKey(now);
  const y = Math.floor(k / 10_000);
  const m = Math.floor(k / 100) % 100;
  const d = k % 100;
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}
