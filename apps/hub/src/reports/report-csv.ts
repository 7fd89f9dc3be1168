import { SECONDARY_TEXT, SMALL_NUMBER_THRESHOLD, SUPPRESSED_TEXT } from '../follow-up/small-numbers.js';
import type { ReportData } from './report-html.js';
import { COMPLAINT_KIND_TEXT, MEASURE_TEXT, purposeText, TARGET_STATUS_TEXT } from './report-texts.js';

/** Swedish Excel opens a CSV file by its BOM as UTF-8, with `;` between fields and a decimal comma. */
const BOM = '\uFEFF';
const HEAD = ['Avsnitt', 'Kommun', 'Enhet', 'Myndighet', 'Indelning', 'Mått', 'Värde'];

const field = (value: string) => (/[";\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
// plain digits, no thousands separator: Excel reads "1 234" as text
const countCell = (value: number | null) => (value === null ? SUPPRESSED_TEXT : String(value));
const decimalCell = (value: number | null) => (value === null ? '' : value.toFixed(1).replace('.', ','));
const signedCell = (value: number | null) => (value === null ? '' : `${value > 0 ? '+' : ''}${decimalCell(value)}`);

/** The report's figures as one long table: one row per section, parties, breakdown and measure. */
export function renderReportCsv(data: ReportData): string {
  // a count hidden secondarily (small-numbers.ts) says so: it is not under five
  const at = (path: string, value: number | null) =>
    value === null && data.secondarySuppressed.includes(path) ? SECONDARY_TEXT : countCell(value);
  const rows: string[][] = [HEAD];
  const add = (
    section: string,
    r: { municipalityName: string; unit: string; agencyName: string } | null,
    breakdown: string,
    measure: string,
    value: string,
  ) => rows.push([section, r?.municipalityName ?? '', r?.unit ?? '', r?.agencyName ?? '', breakdown, measure, value]);

  add('Period', null, '', 'Från och med', data.period.from);
  add('Period', null, '', 'Till och med', data.period.to);
  add('Summa', null, '', 'Myndighetssvar', at('queries.results', data.queries.results));
  add('Summa', null, '', 'Skickade remisser', at('referrals.sent', data.referrals.sent));
  add('Summa', null, '', 'Försenade remisser nu', at('referrals.overdue.count', data.referrals.overdue.count));
  if (data.service) {
    const { nki, targets } = data.service;
    const answers = nki.answers > 0 && nki.answers < SMALL_NUMBER_THRESHOLD ? null : nki.answers;
    add('Kundnöjdhet', null, '', 'Antal svar', countCell(answers));
    add('Kundnöjdhet', null, '', 'Nöjd-Kund-Index', nki.suppressed ? SUPPRESSED_TEXT + ' svar' : decimalCell(nki.nki));
    add('Kundnöjdhet', null, '', 'Konfidensintervall 95 %, nedre', decimalCell(nki.ciLow));
    add('Kundnöjdhet', null, '', 'Konfidensintervall 95 %, övre', decimalCell(nki.ciHigh));
    for (const t of targets) {
      const measure = MEASURE_TEXT[t.measure] ?? t.measure;
      add('Mål och utfall', null, measure, 'Mål (minst)', decimalCell(t.target));
      add('Mål och utfall', null, measure, 'Utfall', decimalCell(t.value));
      add('Mål och utfall', null, measure, 'Föregående period', decimalCell(t.previous));
      add('Mål och utfall', null, measure, 'Förändring', signedCell(t.change));
      add('Mål och utfall', null, measure, 'Bedömning', TARGET_STATUS_TEXT[t.status] ?? t.status);
    }
  }
  for (const [i, r] of data.queries.byPurpose.entries()) {
    const purpose = purposeText(r.purpose);
    add('Frågor per ändamål', r, purpose, 'Svar', at(`queries.byPurpose.${i}.results`, r.results));
    add('Frågor per ändamål', r, purpose, 'Besvarade', countCell(r.answered));
    add('Frågor per ändamål', r, purpose, 'Nekade', countCell(r.denied));
  }
  for (const r of data.queries.byCategory) {
    add('Uppgiftskategorier', r, r.category, 'Lämnade', countCell(r.released));
    add('Uppgiftskategorier', r, r.category, 'Nekade', countCell(r.denied));
  }
  for (const r of data.queries.denialReasons) add('Nekade svar', r, r.reason, 'Antal', countCell(r.count));
  for (const [i, r] of data.referrals.byType.entries()) {
    add('Remisser', r, r.referralType, 'Skickade', at(`referrals.byType.${i}.sent`, r.sent));
    add('Remisser', r, r.referralType, 'Besvarade', countCell(r.answered));
    add('Remisser', r, r.referralType, 'Inom avtalad tid', countCell(r.answeredInTime));
    add('Remisser', r, r.referralType, 'Median till besked (h)', decimalCell(r.answerMedianHours));
    add('Remisser', r, r.referralType, 'Avtalad svarstid (h)', decimalCell(r.agreedHours));
    if (r.answerMedianHours !== null && r.agreedHours !== null) {
      const within = r.answerMedianHours <= r.agreedHours;
      add('Remisser', r, r.referralType, 'Mot avtalad tid', within ? 'Inom' : 'Över');
    }
  }
  for (const [i, r] of data.referrals.overdue.byType.entries()) {
    add('Försenade remisser nu', r, r.referralType, 'Antal', at(`referrals.overdue.byType.${i}.count`, r.count));
  }
  const complaintParty = (r: { municipalityName: string }) => ({
    municipalityName: r.municipalityName,
    unit: '',
    agencyName: '',
  });
  const kind = (k: string) => COMPLAINT_KIND_TEXT[k] ?? k;
  add('Summa', null, '', 'Klagomål och synpunkter', at('complaints.total', data.complaints.total));
  for (const [i, r] of data.complaints.byTopic.entries()) {
    add(
      'Klagomål per ämne',
      complaintParty(r),
      r.topicName,
      kind(r.kind),
      at(`complaints.byTopic.${i}.count`, r.count),
    );
  }
  for (const [i, r] of data.complaints.byParty.entries()) {
    add(
      'Klagomål per huvudman',
      complaintParty(r),
      r.partyName,
      kind(r.kind),
      at(`complaints.byParty.${i}.count`, r.count),
    );
    add('Klagomål per huvudman', complaintParty(r), r.partyName, `${kind(r.kind)}, besvarade`, countCell(r.answered));
  }
  return BOM + rows.map((r) => r.map(field).join(';')).join('\r\n') + '\r\n';
}
