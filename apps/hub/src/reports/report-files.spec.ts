import type { PartyFollowUp } from '../party-follow-up/party-follow-up.dto.js';
import { renderReportCsv } from './report-csv.js';
import { renderReportHtml } from './report-html.js';
import { parseMonth, previousMonth } from './report-month.js';
import { count, oneDecimal, swedishDate, swedishMonth } from './swedish-format.js';

const ROW = {
  municipality: '2120001967',
  municipalityName: 'Örebro kommun',
  unit: 'Servicecenter',
  agency: 'fk',
  agencyName: 'Försäkringskassan',
};
const DATA: PartyFollowUp = {
  period: { from: '2026-11-01', to: '2026-11-30', days: 30, timeZone: 'Europe/Stockholm' },
  scope: { organisation: '2021005521', name: 'Försäkringskassan', kind: 'agency', unit: null },
  generatedAt: '2026-12-01T05:00:00.000Z',
  smallNumberThreshold: 5,
  queries: {
    results: 1234,
    byPurpose: [{ ...ROW, purpose: 'vagledning', results: 1234, answered: 1230, denied: null }],
    byCategory: [],
    denialReasons: [{ ...ROW, reason: 'consent-missing', count: null }],
  },
  referrals: {
    sent: 12,
    byType: [
      {
        ...ROW,
        referralType: 'fk.bostadsbidrag-ansokan',
        sent: 12,
        answered: 10,
        answeredInTime: 9,
        answerMedianHours: 26.5,
        agreedHours: 72,
      },
    ],
    overdue: { count: 0, byType: [] },
  },
  complaints: {
    total: 7,
    byTopic: [
      {
        municipality: ROW.municipality,
        municipalityName: 'Örebro kommun',
        topic: 'myndigheter.forsakringskassan',
        topicName: 'Försäkringskassan',
        kind: 'klagomal',
        count: 7,
      },
    ],
    byParty: [
      {
        municipality: ROW.municipality,
        municipalityName: 'Örebro kommun',
        partyKind: 'agency',
        party: '2021005521',
        partyName: 'Försäkringskassan',
        kind: 'klagomal',
        count: 7,
        answered: null,
      },
    ],
  },
};

describe('the monthly report files', () => {
  it('writes numbers and dates as Swedes do', () => {
    expect(count(1234)).toBe('1\u00a0234');
    expect(count(null)).toBe('färre än 5');
    expect(oneDecimal(26.5)).toBe('26,5');
    expect(swedishDate('2026-11-01')).toBe('1 november 2026');
    expect(swedishMonth('2026-11')).toBe('november 2026');
  });

  it('takes a month YYYY-MM as its whole days, and knows the previous one', () => {
    expect(parseMonth('2028-02')).toEqual({
      ok: true,
      month: '2028-02',
      period: { from: '2028-02-01', to: '2028-02-29', days: 29 },
    });
    expect(parseMonth('2026-13')).toEqual({ ok: false, problem: 'month must be YYYY-MM, got "2026-13"' });
    expect(previousMonth(new Date('2026-01-15T12:00:00Z'))).toBe('2025-12');
  });

  it('writes a CSV with a BOM, semicolons, decimal commas and suppressed counts in words', () => {
    const lines = renderReportCsv(DATA).split('\r\n');
    expect(lines[0]).toBe('\uFEFFAvsnitt;Kommun;Enhet;Myndighet;Indelning;Mått;Värde');
    expect(lines).toContain('Frågor per ändamål;Örebro kommun;Servicecenter;Försäkringskassan;Vägledning;Svar;1234');
    expect(lines).toContain(
      'Frågor per ändamål;Örebro kommun;Servicecenter;Försäkringskassan;Vägledning;Nekade;färre än 5',
    );
    expect(lines).toContain(
      'Remisser;Örebro kommun;Servicecenter;Försäkringskassan;fk.bostadsbidrag-ansokan;Median till besked (h);26,5',
    );
    expect(lines).toContain('Summa;;;;;Klagomål och synpunkter;7');
    expect(lines).toContain('Klagomål per ämne;Örebro kommun;;;Försäkringskassan;Klagomål;7');
    expect(lines).toContain('Klagomål per huvudman;Örebro kommun;;;Försäkringskassan;Klagomål, besvarade;färre än 5');
  });

  it('renders an HTML page with the party, the period in Swedish, a chart and its tables, escaping what it shows', () => {
    const html = renderReportHtml({ ...DATA, scope: { ...DATA.scope, name: 'Myndighet <&>' } }, '2026-11');
    expect(html).toContain('<title>Månadsrapport november 2026 – Myndighet &lt;&amp;&gt;</title>');
    expect(html).toContain('Period: 1 november 2026 – 30 november 2026');
    expect(html).toContain('<svg role="img" aria-label="Myndighetssvar per kommun och enhet"');
    expect(html).toContain('<td>1\u00a0234</td>');
    expect(html).toContain('<td>färre än 5</td>');
    expect(html).toContain('<caption>Klagomål och synpunkter per ansvarig huvudman</caption>');
    expect(html).toContain(
      '<tr><th scope="row">Örebro kommun</th><td>Försäkringskassan</td><td>Klagomål</td><td>7</td><td>färre än 5</td></tr>',
    );
  });
});
