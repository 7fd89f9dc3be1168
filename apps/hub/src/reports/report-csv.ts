import type { PartyFollowUp } from '../party-follow-up/party-follow-up.dto.js';
import { SUPPRESSED_TEXT } from '../follow-up/small-numbers.js';
import { COMPLAINT_KIND_TEXT, purposeText } from './report-texts.js';

/** Swedish Excel opens a CSV file by its BOM as UTF-8, with `;` between fields and a decimal comma. */
const BOM = '\uFEFF';
const HEAD = ['Avsnitt', 'Kommun', 'Enhet', 'Myndighet', 'Indelning', 'Mått', 'Värde'];

const field = (value: string) => (/[";\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
// plain digits, no thousands separator: Excel reads "1 234" as text
const countCell = (value: number | null) => (value === null ? SUPPRESSED_TEXT : String(value));
const decimalCell = (value: number | null) => (value === null ? '' : value.toFixed(1).replace('.', ','));

/** The report's figures as one long table: one row per section, parties, breakdown and measure. */
export function renderReportCsv(data: PartyFollowUp): string {
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
  add('Summa', null, '', 'Myndighetssvar', countCell(data.queries.results));
  add('Summa', null, '', 'Skickade remisser', countCell(data.referrals.sent));
  add('Summa', null, '', 'Försenade remisser nu', countCell(data.referrals.overdue.count));
  for (const r of data.queries.byPurpose) {
    const purpose = purposeText(r.purpose);
    add('Frågor per ändamål', r, purpose, 'Svar', countCell(r.results));
    add('Frågor per ändamål', r, purpose, 'Besvarade', countCell(r.answered));
    add('Frågor per ändamål', r, purpose, 'Nekade', countCell(r.denied));
  }
  for (const r of data.queries.byCategory) {
    add('Uppgiftskategorier', r, r.category, 'Lämnade', countCell(r.released));
    add('Uppgiftskategorier', r, r.category, 'Nekade', countCell(r.denied));
  }
  for (const r of data.queries.denialReasons) add('Nekade svar', r, r.reason, 'Antal', countCell(r.count));
  for (const r of data.referrals.byType) {
    add('Remisser', r, r.referralType, 'Skickade', countCell(r.sent));
    add('Remisser', r, r.referralType, 'Besvarade', countCell(r.answered));
    add('Remisser', r, r.referralType, 'Inom avtalad tid', countCell(r.answeredInTime));
    add('Remisser', r, r.referralType, 'Median till besked (h)', decimalCell(r.answerMedianHours));
    add('Remisser', r, r.referralType, 'Avtalad svarstid (h)', decimalCell(r.agreedHours));
  }
  for (const r of data.referrals.overdue.byType) {
    add('Försenade remisser nu', r, r.referralType, 'Antal', countCell(r.count));
  }
  const complaintParty = (r: { municipalityName: string }) => ({
    municipalityName: r.municipalityName,
    unit: '',
    agencyName: '',
  });
  const kind = (k: string) => COMPLAINT_KIND_TEXT[k] ?? k;
  add('Summa', null, '', 'Klagomål och synpunkter', countCell(data.complaints.total));
  for (const r of data.complaints.byTopic) {
    add('Klagomål per ämne', complaintParty(r), r.topicName, kind(r.kind), countCell(r.count));
  }
  for (const r of data.complaints.byParty) {
    add('Klagomål per huvudman', complaintParty(r), r.partyName, kind(r.kind), countCell(r.count));
    add('Klagomål per huvudman', complaintParty(r), r.partyName, `${kind(r.kind)}, besvarade`, countCell(r.answered));
  }
  return BOM + rows.map((r) => r.map(field).join(';')).join('\r\n') + '\r\n';
}
