import {
  cutoffOf,
  DEFAULT_RETENTION,
  longestAuditYears,
  monthsBefore,
  RETENTION_BOUNDS,
  RETENTION_FIELDS,
  shreddablePeriods,
} from './retention-periods.js';

const AS_OF = new Date('2026-03-31T10:00:00Z');

describe('retention periods', () => {
  it('counts whole months back, keeping the day where the month has it', () => {
    expect(monthsBefore(AS_OF, 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(monthsBefore(AS_OF, 13).toISOString()).toBe('2025-02-28T10:00:00.000Z');
    expect(monthsBefore(new Date('2028-03-31T00:00:00Z'), 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(monthsBefore(new Date('2026-01-15T00:00:00Z'), 24).toISOString()).toBe('2024-01-15T00:00:00.000Z');
  });

  it('gives each kind its cutoff under a municipality’s periods', () => {
    const periods = { ...DEFAULT_RETENTION, contactMonths: 6, referralYears: 3, sessionDays: 10 };
    expect(cutoffOf('contacts', periods, AS_OF).toISOString()).toBe('2025-09-30T10:00:00.000Z');
    expect(cutoffOf('consents', periods, AS_OF).toISOString()).toBe('2024-03-31T10:00:00.000Z');
    expect(cutoffOf('referrals', periods, AS_OF).toISOString()).toBe('2023-03-31T10:00:00.000Z');
    expect(cutoffOf('errands', periods, AS_OF).toISOString()).toBe('2024-03-31T10:00:00.000Z');
    expect(cutoffOf('query-outcomes', periods, AS_OF).toISOString()).toBe('2023-03-31T10:00:00.000Z');
    expect(cutoffOf('sessions', periods, AS_OF).toISOString()).toBe('2026-03-21T10:00:00.000Z');
  });

  it('has a default within its bounds for every period', () => {
    for (const field of RETENTION_FIELDS) {
      expect(DEFAULT_RETENTION[field]).toBeGreaterThanOrEqual(RETENTION_BOUNDS[field].min);
      expect(DEFAULT_RETENTION[field]).toBeLessThanOrEqual(RETENTION_BOUNDS[field].max);
    }
  });

  it('lets a year’s subject key go once the audit period has passed since the year ended, never twice', () => {
    const periods = [
      { period: '2019', shreddedAt: null },
      { period: '2020', shreddedAt: '2026-01-02T00:00:00.000Z' },
      { period: '2021', shreddedAt: null },
      { period: '2022', shreddedAt: null },
      { period: '2026', shreddedAt: null },
    ];
    // 2021 ended 2022-01-01: five years later is 2027-01-01
    expect(shreddablePeriods(periods, 5, new Date('2026-12-31T23:59:59Z'))).toEqual(['2019']);
    expect(shreddablePeriods(periods, 5, new Date('2027-01-01T00:00:00Z'))).toEqual(['2019', '2021']);
    expect(shreddablePeriods(periods, 1, new Date('2026-06-01T00:00:00Z'))).toEqual(['2019', '2021', '2022']);
  });

  it('keeps subject keys for the longest audit period of every municipality, never shorter than the default', () => {
    expect(longestAuditYears([])).toBe(DEFAULT_RETENTION.auditYears);
    expect(longestAuditYears([{ ...DEFAULT_RETENTION, auditYears: 1 }])).toBe(DEFAULT_RETENTION.auditYears);
    expect(longestAuditYears([{ ...DEFAULT_RETENTION, auditYears: 12 }, DEFAULT_RETENTION])).toBe(12);
  });
});
