import { parsePeriod, previousPeriod } from './period.js';

// 23:30 UTC on 24 November is already 25 November in Stockholm (CET, UTC+1).
const LATE_EVENING_UTC = new Date('2026-11-24T23:30:00Z');

describe('follow-up period', () => {
  it('defaults to the last 30 Swedish calendar days, today included', () => {
    expect(parsePeriod({}, LATE_EVENING_UTC)).toEqual({
      ok: true,
      period: { from: '2026-10-27', to: '2026-11-25', days: 30 },
    });
  });

  it('counts 30 days back from a given end, and up to today from a given start', () => {
    expect(parsePeriod({ to: '2026-03-01' }, LATE_EVENING_UTC)).toEqual({
      ok: true,
      period: { from: '2026-01-31', to: '2026-03-01', days: 30 },
    });
    expect(parsePeriod({ from: '2026-11-20' }, LATE_EVENING_UTC)).toEqual({
      ok: true,
      period: { from: '2026-11-20', to: '2026-11-25', days: 6 },
    });
  });

  it('takes one day, and a leap year of 366 days', () => {
    expect(parsePeriod({ from: '2026-06-01', to: '2026-06-01' }, LATE_EVENING_UTC)).toMatchObject({
      ok: true,
      period: { days: 1 },
    });
    expect(parsePeriod({ from: '2024-01-01', to: '2024-12-31' }, LATE_EVENING_UTC)).toMatchObject({
      ok: true,
      period: { days: 366 },
    });
  });

  it('refuses a period longer than 366 days', () => {
    expect(parsePeriod({ from: '2025-01-01', to: '2026-01-02' }, LATE_EVENING_UTC)).toEqual({
      ok: false,
      problem: 'the period is 367 days; at most 366 are allowed',
    });
    expect(parsePeriod({ to: '2026-11-25', from: '2020-01-01' }, LATE_EVENING_UTC).ok).toBe(false);
  });

  it('refuses from after to', () => {
    expect(parsePeriod({ from: '2026-11-02', to: '2026-11-01' }, LATE_EVENING_UTC)).toEqual({
      ok: false,
      problem: 'from (2026-11-02) is after to (2026-11-01)',
    });
  });

  it.each(['2026-02-29', '2026-13-01', '2026-1-01', '20261101', '2026-11-01T00:00:00Z', '', 'yesterday'])(
    'refuses "%s" as a day',
    (day) => {
      expect(parsePeriod({ from: day, to: '2026-11-01' }, LATE_EVENING_UTC)).toEqual({
        ok: false,
        problem: `from must be a calendar day YYYY-MM-DD, got "${day}"`,
      });
      expect(parsePeriod({ to: day }, LATE_EVENING_UTC)).toMatchObject({
        ok: false,
        problem: expect.stringMatching(/^to must/),
      });
    },
  );
});

describe('the previous period', () => {
  it('has the same length and ends the day before, across a month and a leap day', () => {
    expect(previousPeriod({ from: '2024-03-01', to: '2024-03-31', days: 31 })).toEqual({
      from: '2024-01-30',
      to: '2024-02-29',
      days: 31,
    });
    expect(previousPeriod({ from: '2026-06-01', to: '2026-06-01', days: 1 })).toEqual({
      from: '2026-05-31',
      to: '2026-05-31',
      days: 1,
    });
  });
});
