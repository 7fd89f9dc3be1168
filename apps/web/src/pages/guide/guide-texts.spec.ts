import {
  addMonths,
  fieldLabel,
  fieldValue,
  inAgencyOrder,
  isCalendarDay,
  responseTimeText,
  swedishToday,
} from './guide-texts.js';

describe('the guide pages’ words and dates', () => {
  it('shows register values the Swedish way', () => {
    expect(fieldValue(true)).toBe('Ja');
    expect(fieldValue(null)).toBe('–');
    expect(fieldValue(12500).replace(/\s/g, ' ')).toBe('12 500');
    expect(fieldValue('2026-03-01')).toBe('2026-03-01');
    expect(fieldValue('sjukpenning')).toBe('sjukpenning');
    expect(fieldLabel('civilStatus')).toBe('Civilstånd');
    expect(fieldLabel('unknownField')).toBe('unknownField');
  });

  it('adds months within the month and knows the Swedish day', () => {
    expect(addMonths('2026-11-23', 12)).toBe('2027-11-23');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2027-12-15', 6)).toBe('2028-06-15');
    expect(swedishToday(new Date('2026-11-23T23:30:00Z'))).toBe('2026-11-24');
  });

  it('writes an agreed response time in days or hours', () => {
    expect(responseTimeText(72)).toBe('inom 3 dagar');
    expect(responseTimeText(24)).toBe('inom 1 dag');
    expect(responseTimeText(5)).toBe('inom 5 timmar');
  });

  it('lists the agencies as people know them, a new one last', () => {
    const order = inAgencyOrder([{ agency: 'skv' }, { agency: 'pm' }, { agency: 'af' }, { agency: 'fk' }]);
    expect(order.map((a) => a.agency)).toEqual(['fk', 'af', 'skv', 'pm']);
  });

  it('tells a real calendar day from a mistyped one', () => {
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2027-02-29')).toBe(false);
    expect(isCalendarDay('2027-13-01')).toBe(false);
    expect(isCalendarDay('23/5 2027')).toBe(false);
  });
});
