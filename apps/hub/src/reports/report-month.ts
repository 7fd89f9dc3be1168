import { swedishDay } from '@hub/policy';
import type { Period } from '../follow-up/period.js';

/** A report month, `YYYY-MM`: whole Swedish calendar days from its first to its last. */
export type MonthParse = { ok: true; month: string; period: Period } | { ok: false; problem: string };

export function parseMonth(month: string): MonthParse {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) return { ok: false, problem: `month must be YYYY-MM, got "${month}"` };
  const [year, number] = [Number(match[1]), Number(match[2])];
  const days = new Date(Date.UTC(year, number, 0)).getUTCDate();
  return {
    ok: true,
    month,
    period: { from: `${month}-01`, to: `${month}-${String(days).padStart(2, '0')}`, days },
  };
}

/** The month before the one it is now in Sweden. */
export function previousMonth(now: Date): string {
  const [year, month] = swedishDay(now).split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}
