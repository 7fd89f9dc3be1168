import type { PartyFollowUp } from '../party-follow-up/party-follow-up.dto.js';
import { renderReportCsv } from './report-csv.js';
import { renderReportHtml, type ReportData } from './report-html.js';
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
  secondarySuppressed: [],
};

/** A municipality's month: one count hidden secondarily, its NKI and its targets. */
const MUNICIPALITY: ReportData = {
  ...DATA,
  scope: { organisation: '2120001967', name: 'Örebro kommun', kind: 'municipality', unit: null },
  referrals: {
    ...DATA.referrals,
    sent: 15,
    byType: [
      { ...DATA.referrals.byType[0]!, sent: null },
      { ...DATA.referrals.byType[0]!, referralType: 'fk.annat', sent: null },
    ],
  },
  secondarySuppressed: ['referrals.byType.0.sent'],
  service: {
    nki: { answers: 143, suppressed: false, nki: 72.4, ciLow: 68.1, ciHigh: 76.7 },
    targets: [
      {
        measure: 'nki',
        target: 75,
        targetOf: 'municipality',
        value: 72.4,
        previous: 74.5,
        change: -2.1,
        status: 'missed',
      },
      {
        measure: 'first-contact-resolved',
        target: 70,
        targetOf: 'municipality',
        value: 71.2,
        previous: 70,
        change: 1.2,
        status: 'met',
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
    expect(lines).toContain(
      'Remisser;Örebro kommun;Servicecenter;Försäkringskassan;fk.bostadsbidrag-ansokan;Mot avtalad tid;Inom',
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
    // the median answer (26,5 h) within the agreed 72 h: green
    expect(html).toContain('<td>26,5</td><td>72,0</td><td class="met">Inom</td>');
    expect(html).toContain(
      '<tr><th scope="row">Örebro kommun</th><td>Försäkringskassan</td><td>Klagomål</td><td>7</td><td>färre än 5</td></tr>',
    );
  });

  it('writes a count hidden by secondary suppression as "dold", a small one as "färre än 5"', () => {
    const lines = renderReportCsv(MUNICIPALITY).split('\r\n');
    expect(lines).toContain(
      'Remisser;Örebro kommun;Servicecenter;Försäkringskassan;fk.bostadsbidrag-ansokan;Skickade;dold',
    );
    expect(lines).toContain('Remisser;Örebro kommun;Servicecenter;Försäkringskassan;fk.annat;Skickade;färre än 5');
    const html = renderReportHtml(MUNICIPALITY, '2026-11');
    expect(html).toContain('<td>dold</td>');
    expect(html).toContain('skrivs ”dold”');
  });

  it("puts a municipality's NKI with its interval and each figure against its target, green or red, in both", () => {
    const lines = renderReportCsv(MUNICIPALITY).split('\r\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'Kundnöjdhet;;;;;Antal svar;143',
        'Kundnöjdhet;;;;;Nöjd-Kund-Index;72,4',
        'Kundnöjdhet;;;;;Konfidensintervall 95 %, nedre;68,1',
        'Kundnöjdhet;;;;;Konfidensintervall 95 %, övre;76,7',
        'Mål och utfall;;;;Nöjd-Kund-Index (0–100);Mål (minst);75,0',
        'Mål och utfall;;;;Nöjd-Kund-Index (0–100);Utfall;72,4',
        'Mål och utfall;;;;Nöjd-Kund-Index (0–100);Förändring;-2,1',
        'Mål och utfall;;;;Nöjd-Kund-Index (0–100);Bedömning;Ej uppnått',
        'Mål och utfall;;;;Lösta vid första kontakten (%);Förändring;+1,2',
        'Mål och utfall;;;;Lösta vid första kontakten (%);Bedömning;Uppnått',
      ]),
    );
    const html = renderReportHtml(MUNICIPALITY, '2026-11');
    expect(html).toContain('Nöjd-Kund-Index 72,4 (95 % konfidensintervall 68,1–76,7), 143 svar.');
    expect(html).toContain('<td class="missed">Ej uppnått</td>');
    expect(html).toContain('<td class="met">Uppnått</td>');
    expect(html).toContain('<td>↓ −2,1</td>');
    expect(html).toContain('<td>↑ +1,2</td>');
    // an agency's report has neither
    expect(renderReportHtml(DATA, '2026-11')).not.toContain('Kundnöjdhet');
  });

  it('does not show an NKI of fewer than five answers, nor their number', () => {
    const few: ReportData = {
      ...MUNICIPALITY,
      service: { nki: { answers: 3, suppressed: true, nki: null, ciLow: null, ciHigh: null }, targets: [] },
    };
    const lines = renderReportCsv(few).split('\r\n');
    expect(lines).toContain('Kundnöjdhet;;;;;Antal svar;färre än 5');
    expect(lines).toContain('Kundnöjdhet;;;;;Nöjd-Kund-Index;färre än 5 svar');
    expect(renderReportHtml(few, '2026-11')).toContain('Nöjd-Kund-Index redovisas inte: färre än 5 svar.');
  });
});
