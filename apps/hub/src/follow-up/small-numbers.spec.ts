import { countCell, countRows, shareCell, SMALL_NUMBER_THRESHOLD, statistic } from './small-numbers.js';

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

  it('shows a share of five or more in per cent with one decimal, its small part hidden', () => {
    expect(shareCell(5, 5)).toEqual({ part: 5, base: 5, percent: 100, suppressed: false });
    expect(shareCell(2, 3000)).toEqual({ part: null, base: 3000, percent: 0.1, suppressed: false });
    expect(shareCell(7, 9)).toEqual({ part: 7, base: 9, percent: 77.8, suppressed: false });
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
