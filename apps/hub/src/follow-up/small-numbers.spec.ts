import {
  breakdownCells,
  breakdownCounts,
  breakdownRows,
  breakdownShares,
  countCell,
  countRows,
  secondarySuppression,
  shareCell,
  SMALL_NUMBER_THRESHOLD,
  statistic,
  totalCell,
  totalShareCell,
} from './small-numbers.js';

describe('small numbers are not shown', () => {
  it('is five, as official statistics have it', () => {
    expect(SMALL_NUMBER_THRESHOLD).toBe(5);
  });

  it.each([1, 2, 3, 4])('suppresses a count of %i', (n) => {
    expect(countCell(n)).toEqual({ count: null, suppressed: true });
  });

  it.each([0, 5, 6, 500_000])('shows a count of %i', (n) => {
    expect(countCell(n)).toEqual({ count: n, suppressed: false });
  });

  it('suppresses a share whose base is under five, whatever its part', () => {
    expect(shareCell(4, 4)).toEqual({ part: null, base: null, percent: null, suppressed: true });
    expect(shareCell(0, 1)).toEqual({ part: null, base: null, percent: null, suppressed: true });
  });

  it('shows a share of five or more in per cent with one decimal', () => {
    expect(shareCell(5, 5)).toEqual({ part: 5, base: 5, percent: 100, suppressed: false });
    expect(shareCell(7, 9)).toEqual({ part: 7, base: 9, percent: 77.8, suppressed: false });
  });

  it('hides a small part and its per cent too, which times the base would give it back', () => {
    // 6.0 % of 50 is 3
    expect(shareCell(3, 50)).toEqual({ part: null, base: 50, percent: null, suppressed: true });
    expect(shareCell(2, 3000)).toEqual({ part: null, base: 3000, percent: null, suppressed: true });
  });

  it('has no share without a base', () => {
    expect(shareCell(0, 0)).toEqual({ part: 0, base: 0, percent: null, suppressed: false });
  });

  it('shows a median or percentile only from five samples or more', () => {
    expect(statistic(4, 12.5)).toBeNull();
    expect(statistic(0, null)).toBeNull();
    expect(statistic(5, 12.5)).toBe(12.5);
  });

  it('suppresses the small counts of rows and keeps the rest of each row', () => {
    expect(
      countRows([
        { channel: 'besok', count: 12 },
        { channel: 'chatt', count: 3 },
      ]),
    ).toEqual([
      { channel: 'besok', count: 12, suppressed: false },
      { channel: 'chatt', count: null, suppressed: true },
    ]);
  });
});

describe('secondary suppression: no hidden count can be computed back from a shown total', () => {
  const hiddenOf = (counts: number[]) => {
    const r = secondarySuppression(counts);
    return {
      hidden: [...r.hidden].sort((a, b) => a - b),
      secondary: [...r.secondary].sort((a, b) => a - b),
      total: r.total,
    };
  };
  /** A reader who knows the total and every count shown computes a hidden count when it is the only one hidden. */
  const recoverable = (counts: number[]) => {
    const { hidden, total } = secondarySuppression(counts);
    if (total) return false;
    return hidden.size === 1;
  };

  it('hides nothing more when no count is small', () => {
    expect(hiddenOf([40, 12, 5, 0])).toEqual({ hidden: [], secondary: [], total: false });
  });

  it('hides the next smallest count beside a lone small one, so the total minus the others gives only their sum', () => {
    // 40 + 12 + 7 + 3 = 62: with only the 3 hidden, 62 − 40 − 12 − 7 would give it back
    expect(hiddenOf([40, 12, 7, 3])).toEqual({ hidden: [2, 3], secondary: [2], total: false });
    expect(recoverable([40, 12, 7, 3])).toBe(false);
  });

  it('never takes a zero as the second count: a zero shown is known, hidden or not', () => {
    expect(hiddenOf([0, 3, 0, 9, 50])).toEqual({ hidden: [1, 3], secondary: [3], total: false });
  });

  it('takes the first of equal next smallest counts, so the same figures hide the same cells', () => {
    expect(hiddenOf([8, 2, 8, 30])).toEqual({ hidden: [0, 1], secondary: [0], total: false });
  });

  it('needs no second count when two small ones hide each other', () => {
    expect(hiddenOf([20, 1, 3])).toEqual({ hidden: [1, 2], secondary: [], total: false });
  });

  it('hides one more when the small ones’ sum tells each of them (all 1, or all 4)', () => {
    expect(hiddenOf([20, 1, 1, 9])).toEqual({ hidden: [1, 2, 3], secondary: [3], total: false });
    expect(hiddenOf([4, 4, 30, 6])).toEqual({ hidden: [0, 1, 3], secondary: [3], total: false });
  });

  it('hides the total when nothing is left to hide beside the small count', () => {
    // 4 + 4 = 8 shown as a total would tell both
    expect(hiddenOf([4, 4])).toEqual({ hidden: [0, 1], secondary: [], total: true });
  });

  it('leaves a small total to its own suppression', () => {
    expect(hiddenOf([3, 0, 0])).toEqual({ hidden: [0], secondary: [], total: false });
  });

  it('leaves no breakdown of a shown total with one hidden count, whatever the counts', () => {
    for (let seed = 1; seed < 2000; seed++) {
      // Park–Miller: the same 2,000 breakdowns every run
      let x = seed;
      const random = () => {
        x = (x * 16807) % 2147483647;
        return x / 2147483647;
      };
      const counts = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
        random() < 0.4 ? Math.floor(random() * 5) : Math.floor(random() * 60),
      );
      const total = counts.reduce((a, b) => a + b, 0);
      const { hidden, total: totalHidden } = secondarySuppression(counts);
      counts.forEach((n, i) => n > 0 && n < SMALL_NUMBER_THRESHOLD && expect(hidden.has(i)).toBe(true));
      if (!totalHidden && total >= SMALL_NUMBER_THRESHOLD) expect(hidden.size).not.toBe(1);
    }
  });

  it('marks the cells it hides secondarily apart from the small ones', () => {
    expect(breakdownCells([40, 7, 3]).cells).toEqual([
      { count: 40, suppressed: false },
      { count: null, suppressed: true, secondary: true },
      { count: null, suppressed: true },
    ]);
    expect(
      breakdownRows([
        { channel: 'besok', count: 12 },
        { channel: 'chatt', count: 3 },
      ]).rows,
    ).toEqual([
      { channel: 'besok', count: null, suppressed: true, secondary: true },
      { channel: 'chatt', count: null, suppressed: true },
    ]);
    expect(breakdownCounts([40, 7, 3])).toEqual({
      counts: [40, null, null],
      secondary: new Set([1]),
      totalHidden: false,
    });
  });

  it('hides a total secondarily only when its breakdown asks, and a small one always', () => {
    expect(totalCell(8, true)).toEqual({ count: null, suppressed: true, secondary: true });
    expect(totalCell(8, false)).toEqual({ count: 8, suppressed: false });
    expect(totalCell(3, false)).toEqual({ count: null, suppressed: true });
  });
});

describe('secondary suppression of shares', () => {
  it('hides a second department’s part when one part is small and the total part is shown', () => {
    const { cells, totalPartHidden, totalBaseHidden } = breakdownShares([
      { part: 40, base: 50 },
      { part: 3, base: 20 },
      { part: 9, base: 10 },
    ]);
    expect(cells).toEqual([
      { part: 40, base: 50, percent: 80, suppressed: false },
      { part: null, base: 20, percent: null, suppressed: true },
      { part: null, base: 10, percent: null, suppressed: true, secondary: true },
    ]);
    expect([totalPartHidden, totalBaseHidden]).toEqual([false, false]);
    expect(totalShareCell(52, 80, { part: totalPartHidden, base: totalBaseHidden })).toEqual({
      part: 52,
      base: 80,
      percent: 65,
      suppressed: false,
    });
  });

  it('hides a second share whole when one base is small', () => {
    const { cells } = breakdownShares([
      { part: 40, base: 50 },
      { part: 2, base: 3 },
      { part: 6, base: 8 },
    ]);
    expect(cells[1]).toEqual({ part: null, base: null, percent: null, suppressed: true });
    expect(cells[2]).toEqual({ part: null, base: null, percent: null, suppressed: true, secondary: true });
  });
});
