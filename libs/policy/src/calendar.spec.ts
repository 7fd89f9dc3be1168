import fc from 'fast-check';
import { dayKey, oneYearAfter, swedishDay, swedishDayKey } from './calendar.js';

const stockholm = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

describe('calendar', () => {
  it('gives the Swedish calendar day as Intl does, around every switch to and from summer time', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1997-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
        (d) => {
          expect(swedishDay(d)).toBe(stockholm.format(d));
        },
      ),
      { numRuns: 5000 },
    );
    for (const iso of [
      '2025-03-30T00:59:59.999Z',
      '2025-03-30T01:00:00Z',
      '2025-10-25T21:59:59.999Z',
      '2025-10-25T22:00:00Z',
      '2025-10-26T00:59:59.999Z',
      '2025-10-26T01:00:00Z',
      '2025-10-26T22:59:59.999Z',
      '2025-10-26T23:00:00Z',
      '2024-02-28T23:00:00Z',
      '2025-12-31T23:00:00Z',
    ]) {
      expect(swedishDay(new Date(iso))).toBe(stockholm.format(new Date(iso)));
    }
  });

  it('reads only real dates', () => {
    expect(dayKey('2024-02-29')).toBe(20240229);
    for (const bad of ['2025-02-29', '2025-13-01', '2025-00-10', '2025-1-01', '2025/01/01', '', 20250101, undefined]) {
      expect(dayKey(bad)).toBeNaN();
    }
    expect(swedishDayKey(new Date(NaN))).toBeNaN();
  });

  it('allows a validity up to the same day a year later', () => {
    expect(dayKey('2026-03-05')).toBeLessThanOrEqual(oneYearAfter(dayKey('2025-03-05')));
    expect(dayKey('2026-03-06')).toBeGreaterThan(oneYearAfter(dayKey('2025-03-05')));
    expect(dayKey('2025-02-28')).toBeLessThanOrEqual(oneYearAfter(dayKey('2024-02-29')));
    expect(dayKey('2025-03-01')).toBeGreaterThan(oneYearAfter(dayKey('2024-02-29')));
  });
});
