import { addDays, addMonths, ageOn, dayNumber, dayOfNumber, daysBetween, isoDate } from './dates.js';

describe('calendar days', () => {
  it('round-trips day numbers over four centuries', () => {
    for (let n = dayNumber(1900, 1, 1); n < dayNumber(2300, 1, 1); n += 17) {
      expect(dayNumber(...(dayOfNumber(n).split('-').map(Number) as [number, number, number]))).toBe(n);
      expect(dayOfNumber(n)).toBe(new Date(n * 86_400_000).toISOString().slice(0, 10));
    }
  });

  it('adds days and months across ends of months and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -365)).toBe('2025-01-01');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-03-15', -15)).toBe('2023-12-15');
    expect(addMonths('2008-02-29', 18 * 12)).toBe('2026-02-28');
    expect(daysBetween('2025-11-23', '2026-11-23')).toBe(365);
  });

  it('counts completed years', () => {
    expect(ageOn('2000-11-24', '2026-11-23')).toBe(25);
    expect(ageOn('2000-11-23', '2026-11-23')).toBe(26);
    expect(isoDate(new Date('2026-11-23T23:59:59Z'))).toBe('2026-11-23');
    expect(() => addDays('2026-1-1', 1)).toThrow(RangeError);
  });
});
