import { formatDate, formatDateTime, formatNumber, formatPersonnummer, formatShortDate } from './format.js';

describe('Swedish formats', () => {
  it('writes dates the Swedish way, in Swedish time', () => {
    expect(formatDate('2026-11-23')).toBe('23 november 2026');
    expect(formatShortDate('2026-01-05')).toBe('2026-01-05');
    // 23:30 UTC is already the next day in Stockholm
    expect(formatDateTime('2026-11-23T23:30:00Z')).toBe('2026-11-24 00:30');
  });

  it('groups thousands with a space and uses a decimal comma', () => {
    expect(formatNumber(12345).replace(/\s/g, ' ')).toBe('12 345');
    expect(formatNumber(2.5, 1)).toBe('2,5');
  });

  it('shows a personnummer with its dash', () => {
    expect(formatPersonnummer('199001011234')).toBe('19900101-1234');
    expect(formatPersonnummer('abc')).toBe('abc');
  });
});
