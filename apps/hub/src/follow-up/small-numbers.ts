/**
 * Small numbers (röjandekontroll): no figure of the follow-up may single out a person. As official statistics do,
 * a count of 1 to 4 is not shown, and a share, median or percentile computed from fewer than 5 is not shown either.
 * A zero is shown: it says nobody, which singles out no one.
 */
export const SMALL_NUMBER_THRESHOLD = 5;

/** What the UI and the reports write for a suppressed count. */
export const SUPPRESSED_TEXT = `färre än ${SMALL_NUMBER_THRESHOLD}`;

/** A count as the figures show it: null and `suppressed` when it is 1 to 4. */
export interface CountCell {
  count: number | null;
  suppressed: boolean;
}

/**
 * A share in per cent of `base`: null and `suppressed` when the base is 1 to 4; null when there is no base at all.
 * The part is a count like any other (null when 1 to 4).
 */
export interface ShareCell {
  part: number | null;
  base: number | null;
  percent: number | null;
  suppressed: boolean;
}

export const isSmall = (n: number) => n > 0 && n < SMALL_NUMBER_THRESHOLD;

export function countCell(n: number): CountCell {
  return isSmall(n) ? { count: null, suppressed: true } : { count: n, suppressed: false };
}

/** Percent with one decimal. */
export function shareCell(part: number, base: number): ShareCell {
  if (isSmall(base)) return { part: null, base: null, percent: null, suppressed: true };
  return {
    part: countCell(part).count,
    base,
    percent: base === 0 ? null : Math.round((part / base) * 1000) / 10,
    suppressed: false,
  };
}

/** A statistic (median, percentile, mean) of `samples` values: null when computed from fewer than 5. */
export function statistic(samples: number, value: number | null): number | null {
  return unlessFewSamples(samples, value);
}

/** A figure computed from `samples` people (a median, a share): null when they are too few to show it. */
export function unlessFewSamples<T>(samples: number, value: T): T | null {
  return samples < SMALL_NUMBER_THRESHOLD ? null : value;
}

/** The count, or null when it is too small to show. */
export const suppressSmall = (count: number): number | null => countCell(count).count;

/** Rows with a `count`, each with its count suppressed when small. */
export function countRows<T extends { count: number }>(rows: readonly T[]): Array<Omit<T, 'count'> & CountCell> {
  return rows.map((row) => ({ ...row, ...countCell(row.count) }));
}
