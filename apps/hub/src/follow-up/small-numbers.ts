/**
 * Small numbers (röjandekontroll): no figure of the follow-up may single out a person. As official statistics do,
 * a count of 1 to 4 is not shown, and a share, median or percentile computed from fewer than 5 is not shown either.
 * A zero is shown: it says nobody, which singles out no one.
 */
export const SMALL_NUMBER_THRESHOLD = 5;

/** What the UI and the reports write for a suppressed count. */
export const SUPPRESSED_TEXT = `färre än ${SMALL_NUMBER_THRESHOLD}`;

/** What they write for a count hidden only so that a suppressed one cannot be computed back (secondary). */
export const SECONDARY_TEXT = 'dold';

/**
 * A count as the figures show it: null and `suppressed` when it is 1 to 4; null, `suppressed` and `secondary` when
 * it is 5 or more but hidden so that a small count beside it cannot be computed from their shown total.
 */
export interface CountCell {
  count: number | null;
  suppressed: boolean;
  secondary?: true;
}

/**
 * A share in per cent of `base`: null and `suppressed` when the base is 1 to 4; null when there is no base at all.
 * A part of 1 to 4 is not shown, and neither is its per cent, which times the base would give it back; `secondary`
 * when the part or base is hidden only so that another cannot be computed back (secondarySuppression).
 */
export interface ShareCell {
  part: number | null;
  base: number | null;
  percent: number | null;
  suppressed: boolean;
  secondary?: true;
}

export const isSmall = (n: number) => n > 0 && n < SMALL_NUMBER_THRESHOLD;

export function countCell(n: number): CountCell {
  return isSmall(n) ? { count: null, suppressed: true } : { count: n, suppressed: false };
}

/** Percent with one decimal. */
export function shareCell(part: number, base: number): ShareCell {
  if (isSmall(base)) return { part: null, base: null, percent: null, suppressed: true };
  if (isSmall(part)) return { part: null, base, percent: null, suppressed: true };
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

/**
 * Which counts of a breakdown to hide, when their total is shown (secondary suppression, sekundär röjandekontroll):
 * a total minus the counts shown beside a hidden one gives it back. So, as official statistics do, in a breakdown
 * whose total is shown:
 *
 * - every count of 1 to 4 is hidden (primary);
 * - when that leaves one count hidden, the next smallest count (more than 0, ties by position) is hidden too, so that
 *   the total gives only the sum of the two;
 * - when the hidden counts are all small and their sum still tells each of them (all 1, or all 4), one more is;
 * - when nothing is left to hide, the total is hidden instead.
 *
 * A total of 1 to 4 is itself suppressed, which protects its counts; a zero is shown and never hidden (it says
 * nobody). `counts` are the whole breakdown: they sum to the total.
 */
export function secondarySuppression(
  counts: readonly number[],
  options: {
    /** cells hidden already, for another reason (their share's base is hidden) */
    hidden?: Iterable<number>;
    /** cells whose count is shown elsewhere: hiding them here would hide nothing */
    shownElsewhere?: ReadonlySet<number>;
  } = {},
): { hidden: Set<number>; secondary: Set<number>; total: boolean } {
  const hidden = new Set<number>();
  const secondary = new Set<number>();
  counts.forEach((n, i) => isSmall(n) && hidden.add(i));
  for (const i of options.hidden ?? []) {
    hidden.add(i);
    if (!isSmall(counts[i]!)) secondary.add(i);
  }
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (hidden.size === 0 || isSmall(total)) return { hidden, secondary, total: false };
  const pinned = () => {
    if (hidden.size === 1) return true;
    if (secondary.size > 0) return false;
    const sum = [...hidden].reduce((s, i) => s + counts[i]!, 0);
    return sum === hidden.size || sum === (SMALL_NUMBER_THRESHOLD - 1) * hidden.size;
  };
  while (pinned()) {
    let next = -1;
    counts.forEach((n, i) => {
      if (n > 0 && !hidden.has(i) && !options.shownElsewhere?.has(i) && (next < 0 || n < counts[next]!)) next = i;
    });
    if (next < 0) return { hidden, secondary, total: true };
    hidden.add(next);
    secondary.add(next);
  }
  return { hidden, secondary, total: false };
}

/**
 * The cells of a breakdown of a shown total: each count as countCell has it, and the counts secondary suppression
 * hides as well. (When it would rather hide the total, which happens only when no other count is left, the cells
 * stay as they are and `totalHidden` says so.)
 */
export function breakdownCells(
  counts: readonly number[],
  shownElsewhere?: ReadonlySet<number>,
): { cells: CountCell[]; totalHidden: boolean } {
  const { hidden, secondary, total } = secondarySuppression(counts, { shownElsewhere });
  return {
    cells: counts.map((n, i): CountCell => {
      if (secondary.has(i)) return { count: null, suppressed: true, secondary: true };
      return hidden.has(i) ? { count: null, suppressed: true } : countCell(n);
    }),
    totalHidden: total,
  };
}

/** Rows with a `count` that make up a shown total, with small counts suppressed and secondary suppression. */
export function breakdownRows<T extends { count: number }>(
  rows: readonly T[],
  shownElsewhere?: (row: T) => boolean,
): { rows: Array<Omit<T, 'count'> & CountCell>; totalHidden: boolean } {
  const elsewhere = shownElsewhere && new Set(rows.flatMap((r, i) => (shownElsewhere(r) ? [i] : [])));
  const { cells, totalHidden } = breakdownCells(
    rows.map((r) => r.count),
    elsewhere,
  );
  return { rows: rows.map((row, i) => ({ ...row, ...cells[i]! })), totalHidden };
}

/** A total as a cell: as countCell, or hidden (secondary) when its breakdown asked for it. */
export function totalCell(n: number, hidden: boolean): CountCell {
  return hidden && !isSmall(n) ? { count: null, suppressed: true, secondary: true } : countCell(n);
}

/**
 * Plain counts (null when not shown) of a breakdown of a shown total, and which of them are hidden secondarily:
 * for the views and reports that keep counts as numbers.
 */
export function breakdownCounts(counts: readonly number[]): {
  counts: Array<number | null>;
  secondary: Set<number>;
  totalHidden: boolean;
} {
  const { hidden, secondary, total } = secondarySuppression(counts);
  return { counts: counts.map((n, i) => (hidden.has(i) ? null : n)), secondary, totalHidden: total };
}

/**
 * The shares of a breakdown whose total share is shown (an errand figure per department and for all): their bases
 * and their parts are each a breakdown of the total's, so each gets secondary suppression; a share whose base is
 * hidden is hidden whole, one whose part is hidden keeps only its base. `totalPart` / `totalBase`: the total's
 * part or base is to be hidden instead.
 */
export function breakdownShares(shares: ReadonlyArray<{ part: number; base: number }>): {
  cells: ShareCell[];
  totalPartHidden: boolean;
  totalBaseHidden: boolean;
} {
  const bases = secondarySuppression(shares.map((s) => s.base));
  const parts = secondarySuppression(
    shares.map((s) => s.part),
    { hidden: [...bases.hidden] },
  );
  const cells = shares.map(({ part, base }, i): ShareCell => {
    if (bases.hidden.has(i)) {
      return {
        part: null,
        base: null,
        percent: null,
        suppressed: true,
        ...(bases.secondary.has(i) && { secondary: true as const }),
      };
    }
    if (parts.hidden.has(i)) {
      return {
        part: null,
        base,
        percent: null,
        suppressed: true,
        ...(parts.secondary.has(i) && { secondary: true as const }),
      };
    }
    return shareCell(part, base);
  });
  return { cells, totalPartHidden: parts.total, totalBaseHidden: bases.total };
}

/** A total share, with its part or base hidden when its breakdown asked for it (breakdownShares). */
export function totalShareCell(part: number, base: number, hidden: { part: boolean; base: boolean }): ShareCell {
  const cell = shareCell(part, base);
  if (cell.base !== null && hidden.base)
    return { part: null, base: null, percent: null, suppressed: true, secondary: true };
  if (cell.part !== null && hidden.part) return { part: null, base, percent: null, suppressed: true, secondary: true };
  return cell;
}
