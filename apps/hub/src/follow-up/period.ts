import { dayKey, swedishDay } from '@hub/policy';

/** Follow-up counts whole calendar days as they are in Sweden, whatever the server's time zone. */
export const FOLLOW_UP_TIME_ZONE = 'Europe/Stockholm';
export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 366;

const DAY_MS = 86_400_000;

/** Swedish calendar days `from` to `to`, both included. */
export interface Period {
  from: string;
  to: string;
  days: number;
}

export type PeriodParse = { ok: true; period: Period } | { ok: false; problem: string };

/** `YYYY-MM-DD` as days since 1970-01-01; NaN for anything that is not a real calendar day. */
function epochDay(day: string): number {
  if (Number.isNaN(dayKey(day))) return NaN;
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

function dayOf(epoch: number): string {
  return new Date(epoch * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The period a follow-up covers. Without `to` it ends today in Sweden; without `from` it starts so that the period
 * is the last 30 days up to `to`.
 */
export function parsePeriod(input: { from?: string; to?: string }, now: Date): PeriodParse {
  const problems: string[] = [];
  const to = input.to ?? swedishDay(now);
  const toDay = epochDay(to);
  if (Number.isNaN(toDay)) problems.push(`to must be a calendar day YYYY-MM-DD, got "${input.to}"`);
  const fromDay = input.from === undefined ? toDay - (DEFAULT_PERIOD_DAYS - 1) : epochDay(input.from);
  if (input.from !== undefined && Number.isNaN(fromDay)) {
    problems.push(`from must be a calendar day YYYY-MM-DD, got "${input.from}"`);
  }
  if (problems.length) return { ok: false, problem: problems.join('; ') };
  const from = dayOf(fromDay);
  if (fromDay > toDay) return { ok: false, problem: `from (${from}) is after to (${to})` };
  const days = toDay - fromDay + 1;
  if (days > MAX_PERIOD_DAYS) {
    return { ok: false, problem: `the period is ${days} days; at most ${MAX_PERIOD_DAYS} are allowed` };
  }
  return { ok: true, period: { from, to, days } };
}

/** The period of the same length that ends the day before `period` starts: what a trend compares with. */
export function previousPeriod(period: Period): Period {
  const from = epochDay(period.from);
  return { from: dayOf(from - period.days), to: dayOf(from - 1), days: period.days };
}
