import type { TargetFigure } from '../follow-up/figures.dto.js';
import type { PartyFollowUp } from '../party-follow-up/party-follow-up.dto.js';
import { SECONDARY_TEXT, SMALL_NUMBER_THRESHOLD, SUPPRESSED_TEXT } from '../follow-up/small-numbers.js';
import type { NkiFigure } from '../surveys/nki.js';
import { COMPLAINT_KIND_TEXT, MEASURE_TEXT, purposeText, TARGET_STATUS_TEXT, trendText } from './report-texts.js';
import { count, oneDecimal, swedishDate, swedishMonth } from './swedish-format.js';

/**
 * A party's report: its follow-up, and for a municipality its NKI and each measure against its target
 * (FollowUpService.service).
 */
export type ReportData = PartyFollowUp & { service?: { nki: NkiFigure; targets: TargetFigure[] } };

/** The count at `path` of the report as text: hidden secondarily ("dold"), suppressed ("färre än 5") or the count. */
export function countAt(data: PartyFollowUp, path: string, value: number | null): string {
  if (value === null && data.secondarySuppressed.includes(path)) return SECONDARY_TEXT;
  return count(value);
}

/** The NKI's answers as a count: under five is not shown (the index is not either). */
export const nkiAnswers = (nki: NkiFigure) =>
  count(nki.answers > 0 && nki.answers < SMALL_NUMBER_THRESHOLD ? null : nki.answers);

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

interface Bar {
  label: string;
  value: number | null;
}

/** Horizontal bars drawn as SVG, so that Chromium prints them as vectors; a suppressed value has no bar. */
function barChart(title: string, bars: Bar[]): string {
  if (bars.length === 0) return '';
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  const row = 22;
  const height = bars.length * row + 8;
  const body = bars
    .map((b, i) => {
      const y = i * row + 4;
      const width = b.value === null ? 0 : Math.round((b.value / max) * 300);
      return (
        `<text x="0" y="${y + 14}" font-size="11">${escape(b.label)}</text>` +
        `<rect x="260" y="${y + 3}" width="${width}" height="14" fill="#0b4f8a"/>` +
        `<text x="${266 + width}" y="${y + 14}" font-size="11">${escape(count(b.value))}</text>`
      );
    })
    .join('');
  return `<figure><figcaption>${escape(title)}</figcaption><svg role="img" aria-label="${escape(title)}" width="640" height="${height}" viewBox="0 0 640 ${height}">${body}</svg></figure>`;
}

/** A cell's text, or its text with a class (a judgement against a target: met or missed). */
type Cell = string | { text: string; className: 'met' | 'missed' };

function table(caption: string, head: string[], rows: Cell[][]): string {
  if (rows.length === 0) return `<p>${escape(caption)}: inget under perioden.</p>`;
  const th = head.map((h) => `<th scope="col">${escape(h)}</th>`).join('');
  const td = (c: Cell) =>
    typeof c === 'string' ? `<td>${escape(c)}</td>` : `<td class="${c.className}">${escape(c.text)}</td>`;
  const tr = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (i === 0 && typeof c === 'string' ? `<th scope="row">${escape(c)}</th>` : td(c))).join('')}</tr>`,
    )
    .join('');
  return `<table><caption>${escape(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/** Sums per key of counts that are shown; a group with only suppressed counts stays suppressed. */
function totals<T>(rows: T[], key: (row: T) => string, value: (row: T) => number | null): Bar[] {
  const sums = new Map<string, number | null>();
  for (const row of rows) {
    const k = key(row);
    const v = value(row);
    const before = sums.get(k);
    sums.set(k, v === null ? (before ?? null) : (before ?? 0) + v);
  }
  return [...sums].map(([label, sum]) => ({ label, value: sum }));
}

/**
 * The monthly report of one party as a printable HTML page: key figures, charts with their tables, every count
 * under the small-number threshold written "färre än 5". Rendered on the server; Chromium prints it to PDF.
 */
export function renderReportHtml(data: ReportData, month: string): string {
  const { queries, referrals, complaints } = data;
  const at = (path: string, value: number | null) => countAt(data, path, value);
  const kind = (k: string) => COMPLAINT_KIND_TEXT[k] ?? k;
  const agency = data.scope.kind === 'agency';
  const counterpart = (r: { municipalityName: string; unit: string; agencyName: string }) =>
    agency ? `${r.municipalityName}, ${r.unit}` : `${r.unit} – ${r.agencyName}`;
  const title = `Månadsrapport ${swedishMonth(month)} – ${data.scope.name}`;
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
  body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 11px; color: #1b1b1b; margin: 0; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px; border-bottom: 1px solid #999; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; page-break-inside: auto; }
  caption { text-align: left; font-weight: bold; margin-bottom: 2px; }
  th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; } td { text-align: right; }
  figure { margin: 6px 0; } figcaption { font-weight: bold; }
  .figures { display: flex; gap: 24px; margin: 10px 0; } .figures strong { display: block; font-size: 18px; }
  td.met { background: #d8efdc; color: #0b5d1e; font-weight: bold; }
  td.missed { background: #f8d9d9; color: #8a1010; font-weight: bold; }
</style></head>
<body>
<h1>${escape(title)}</h1>
<p>Period: ${escape(swedishDate(data.period.from))} – ${escape(swedishDate(data.period.to))}.
${agency ? 'Trafiken under myndighetens samtjänstavtal med alla kommuner.' : 'Kommunens trafik med myndigheterna, alla enheter.'}
Antal under ${SMALL_NUMBER_THRESHOLD} redovisas inte utan skrivs ”${SUPPRESSED_TEXT}”; där en summa annars skulle
avslöja ett sådant antal döljs också nästa minsta antal, som skrivs ”${SECONDARY_TEXT}”.
Inga personuppgifter ingår.</p>
<div class="figures">
  <div><strong>${escape(at('queries.results', queries.results))}</strong>myndighetssvar på frågor</div>
  <div><strong>${escape(at('referrals.sent', referrals.sent))}</strong>skickade remisser</div>
  <div><strong>${escape(at('referrals.overdue.count', referrals.overdue.count))}</strong>försenade remisser nu</div>
  <div><strong>${escape(at('complaints.total', complaints.total))}</strong>klagomål och synpunkter</div>
</div>
${data.service ? serviceSection(data.service) : ''}
<h2>Frågor</h2>
${barChart(
  agency ? 'Myndighetssvar per kommun och enhet' : 'Myndighetssvar per enhet och myndighet',
  totals(queries.byPurpose, counterpart, (r) => r.results),
)}
${table(
  'Myndighetssvar per ändamål',
  [agency ? 'Kommun, enhet' : 'Enhet – myndighet', 'Ändamål', 'Svar', 'Besvarade', 'Nekade'],
  queries.byPurpose.map((r, i) => [
    counterpart(r),
    purposeText(r.purpose),
    at(`queries.byPurpose.${i}.results`, r.results),
    count(r.answered),
    count(r.denied),
  ]),
)}
${table(
  'Uppgiftskategorier',
  [agency ? 'Kommun, enhet' : 'Enhet – myndighet', 'Kategori', 'Lämnade', 'Nekade'],
  queries.byCategory.map((r) => [counterpart(r), r.category, count(r.released), count(r.denied)]),
)}
${table(
  'Nekade svar och skäl',
  [agency ? 'Kommun, enhet' : 'Enhet – myndighet', 'Skäl', 'Antal'],
  queries.denialReasons.map((r) => [counterpart(r), r.reason, count(r.count)]),
)}

<h2>Remisser</h2>
${barChart(
  'Skickade remisser per remisstyp',
  totals(
    referrals.byType,
    (r) => r.referralType,
    (r) => r.sent,
  ),
)}
${table(
  'Remisser och svarstider mot avtalad svarstid',
  [
    agency ? 'Kommun, enhet' : 'Enhet – myndighet',
    'Remisstyp',
    'Skickade',
    'Besvarade',
    'Inom avtalad tid',
    'Median till besked (h)',
    'Avtalad svarstid (h)',
    'Mot avtalad tid',
  ],
  referrals.byType.map((r, i) => [
    counterpart(r),
    r.referralType,
    at(`referrals.byType.${i}.sent`, r.sent),
    count(r.answered),
    count(r.answeredInTime),
    oneDecimal(r.answerMedianHours),
    oneDecimal(r.agreedHours),
    againstAgreed(r.answerMedianHours, r.agreedHours),
  ]),
)}
${table(
  'Försenade remisser nu',
  [agency ? 'Kommun, enhet' : 'Enhet – myndighet', 'Remisstyp', 'Antal'],
  referrals.overdue.byType.map((r, i) => [
    counterpart(r),
    r.referralType,
    at(`referrals.overdue.byType.${i}.count`, r.count),
  ]),
)}

<h2>Klagomål och synpunkter</h2>
<p>${agency ? 'Klagomål och synpunkter som kommunerna har skickat till myndigheten.' : 'Klagomål och synpunkter som kommunens enheter har tagit emot.'}</p>
${table(
  'Klagomål och synpunkter per ämne',
  ['Kommun', 'Ämne', 'Slag', 'Antal'],
  complaints.byTopic.map((r, i) => [
    r.municipalityName,
    r.topicName,
    kind(r.kind),
    at(`complaints.byTopic.${i}.count`, r.count),
  ]),
)}
${table(
  'Klagomål och synpunkter per ansvarig huvudman',
  ['Kommun', 'Huvudman', 'Slag', 'Antal', 'Besvarade'],
  complaints.byParty.map((r, i) => [
    r.municipalityName,
    r.partyName,
    kind(r.kind),
    at(`complaints.byParty.${i}.count`, r.count),
    count(r.answered),
  ]),
)}
<p>Framtagen ${escape(swedishDate(data.generatedAt.slice(0, 10)))} av samtjänsthubben.</p>
</body></html>`;
}

/** The agreement's response time is the referral type's target: the median answer within it is green, else red. */
function againstAgreed(median: number | null, agreed: number | null): Cell {
  if (median === null || agreed === null) return '–';
  return median <= agreed ? { text: 'Inom', className: 'met' } : { text: 'Över', className: 'missed' };
}

/** A target's or figure's value: per cent or index with one decimal, "–" when none. */
const measureValue = (value: number | null) => oneDecimal(value);

/** The municipality's kundnöjdhet (NKI with its interval) and every measure against its target, green or red. */
function serviceSection(service: { nki: NkiFigure; targets: TargetFigure[] }): string {
  const { nki } = service;
  const nkiText = nki.suppressed
    ? `Nöjd-Kund-Index redovisas inte: färre än ${SMALL_NUMBER_THRESHOLD} svar.`
    : `Nöjd-Kund-Index ${oneDecimal(nki.nki)} (95 % konfidensintervall ${oneDecimal(nki.ciLow)}–${oneDecimal(nki.ciHigh)}), ` +
      `${nkiAnswers(nki)} svar.`;
  const rows = service.targets
    .map((t) => {
      const status = TARGET_STATUS_TEXT[t.status] ?? t.status;
      const statusClass = t.status === 'met' || t.status === 'missed' ? ` class="${t.status}"` : '';
      return (
        `<tr><th scope="row">${escape(MEASURE_TEXT[t.measure] ?? t.measure)}</th>` +
        `<td>${escape(measureValue(t.target))}</td><td>${escape(measureValue(t.value))}</td>` +
        `<td>${escape(measureValue(t.previous))}</td><td>${escape(trendText(t.change))}</td>` +
        `<td${statusClass}>${escape(status)}</td></tr>`
      );
    })
    .join('');
  return `
<h2>Kundnöjdhet och mål</h2>
<div class="figures">
  <div><strong>${escape(nki.suppressed ? '–' : oneDecimal(nki.nki))}</strong>Nöjd-Kund-Index (NKI)</div>
  <div><strong>${escape(nkiAnswers(nki))}</strong>enkätsvar</div>
</div>
<p>${escape(nkiText)} NKI räknas som SCB gör, 0–100, av tre frågor efter kontakten; intervallet visar hur osäkert
indexet är med så här många svar.</p>
<table><caption>Mål och utfall</caption><thead><tr><th scope="col">Mått</th><th scope="col">Mål (minst)</th>
<th scope="col">Utfall</th><th scope="col">Föregående period</th><th scope="col">Förändring</th>
<th scope="col">Bedömning</th></tr></thead><tbody>${rows}</tbody></table>
<p>Grönt: målet är uppnått; rött: det är inte uppnått. Föregående period är lika många dagar närmast före.</p>`;
}
