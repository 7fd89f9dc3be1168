import { subjectPeriodEnd } from '@hub/audit';

/**
 * A municipality's retention periods (gallringsfrister), from its document-management plan (dokumenthanteringsplan).
 * Each counts from the end of a record's life: a contact from when it was taken, a consent from when it ended
 * (revoked, or its last valid day), a referral or an errand from when it closed, a query outcome from the query,
 * a session from when it expired; the audit log's subject keys from the end of the year they were used in.
 */
export interface RetentionPeriods {
  /** a contact that names a person is anonymised (personnummer, masked form and note removed) after this; kept as statistics */
  contactMonths: number;
  /** a consent, with its signing, is deleted this long after it ended */
  consentMonths: number;
  /** a referral and its events are deleted this long after it was closed, declined or cancelled */
  referralYears: number;
  /** an errand, its events and its complaint are deleted this long after it was closed or withdrawn */
  errandYears: number;
  /** a query's per-agency outcome (statistics for the follow-up) is deleted after this */
  queryOutcomeMonths: number;
  /** a staff session (and an unfinished login) is deleted this long after it expired */
  sessionDays: number;
  /**
   * the audit log's entries stay linked to a person this long after the end of the year they were written in; then
   * that year's subject key is destroyed (crypto-shredding). The key is the whole hub's: the longest of every
   * municipality's periods applies.
   */
  auditYears: number;
}

export type RetentionField = keyof RetentionPeriods;

/**
 * Defaults after a typical municipal document-management plan: working material of the front office (contacts) a
 * year; consents two years after they ended, to show what a query relied on; referrals and errands two years after
 * they closed ("gallras 2 år efter avslut"); the follow-up's query statistics three years, for comparisons over
 * years; expired sessions a month; the access log five years after its year, so a citizen can ask who looked.
 */
export const DEFAULT_RETENTION: Readonly<RetentionPeriods> = Object.freeze({
  contactMonths: 12,
  consentMonths: 24,
  referralYears: 2,
  errandYears: 2,
  queryOutcomeMonths: 36,
  sessionDays: 30,
  auditYears: 5,
});

export const RETENTION_BOUNDS: Readonly<Record<RetentionField, { min: number; max: number }>> = Object.freeze({
  contactMonths: { min: 1, max: 120 },
  consentMonths: { min: 1, max: 120 },
  referralYears: { min: 1, max: 50 },
  errandYears: { min: 1, max: 50 },
  queryOutcomeMonths: { min: 1, max: 120 },
  sessionDays: { min: 1, max: 365 },
  auditYears: { min: 1, max: 50 },
});

export const RETENTION_FIELDS = Object.keys(DEFAULT_RETENTION) as RetentionField[];

/** What one run of the job does, in this order; the subject keys last, once the records of their years are gone. */
export const RETENTION_KINDS = ['contacts', 'consents', 'referrals', 'errands', 'query-outcomes', 'sessions'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** `at` minus whole months, the day kept where the month has it (31 March − 1 month = 28/29 February). */
export function monthsBefore(at: Date, months: number): Date {
  const target = new Date(at.getTime());
  const day = at.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/** Records that ended before this instant are due, for a kind under a municipality's periods. */
export function cutoffOf(kind: RetentionKind, periods: RetentionPeriods, asOf: Date): Date {
  switch (kind) {
    case 'contacts':
      return monthsBefore(asOf, periods.contactMonths);
    case 'consents':
      return monthsBefore(asOf, periods.consentMonths);
    case 'referrals':
      return monthsBefore(asOf, periods.referralYears * 12);
    case 'errands':
      return monthsBefore(asOf, periods.errandYears * 12);
    case 'query-outcomes':
      return monthsBefore(asOf, periods.queryOutcomeMonths);
    case 'sessions':
      return new Date(asOf.getTime() - periods.sessionDays * 86_400_000);
  }
}

/** The periods of subject keys (calendar years) whose key may go at `asOf`: ended `auditYears` years before it. */
export function shreddablePeriods(
  periods: readonly { period: string; shreddedAt: string | null }[],
  auditYears: number,
  asOf: Date,
): string[] {
  return periods
    .filter((p) => p.shreddedAt === null)
    .filter((p) => monthsBefore(asOf, auditYears * 12) >= subjectPeriodEnd(p.period))
    .map((p) => p.period)
    .sort();
}

/** The longest audit period of all, which the hub-wide subject keys must honour. */
export function longestAuditYears(all: readonly RetentionPeriods[]): number {
  return Math.max(DEFAULT_RETENTION.auditYears, ...all.map((p) => p.auditYears));
}
