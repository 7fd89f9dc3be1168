import type { CitizenExportView } from './citizen.dto.js';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const TIME = new Intl.DateTimeFormat('sv-SE', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Stockholm',
});
const DAY = new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export const swedishTime = (iso: string) => TIME.format(new Date(iso));
const swedishDay = (day: string) => DAY.format(new Date(`${day}T00:00:00Z`));

function table(caption: string, head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p>${escape(empty)}</p>`;
  const th = head.map((h) => `<th scope="col">${escape(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('');
  return `<table><caption>${escape(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/**
 * "Mina uppgifter" as a document (GDPR article 15), for Chromium to print: the same texts as the page, every entry
 * of the access log, with nothing from the network.
 */
export function citizenExportHtml(data: CitizenExportView): string {
  const consents = table(
    'Samtycken',
    ['Till', 'Myndigheter och uppgifter', 'Gäller', 'Hur', 'Status'],
    data.consents.map((c) => [
      `${c.unitName}, ${c.organisationName}`,
      `${c.agencies.map((a) => a.name).join(', ')}: ${c.categories.map((x) => x.name).join('; ')}`,
      `${swedishDay(c.validFrom)} – ${swedishDay(c.validUntil)}`,
      c.methodText,
      c.statusText,
    ]),
    'Du har inga samtycken registrerade.',
  );
  const referrals = table(
    'Remisser',
    ['Skickad', 'Från', 'Till', 'Gäller', 'Status', 'Händelser'],
    data.referrals.map((r) => [
      swedishTime(r.createdAt),
      `${r.unitName}, ${r.organisationName}`,
      r.agency.name,
      r.referralType.name,
      r.statusText,
      r.timeline.map((e) => `${swedishTime(e.at)} ${e.statusText} (${e.by})${e.note ? `: ${e.note}` : ''}`).join('\n'),
    ]),
    'Det finns inga remisser om dig.',
  );
  const errands = table(
    'Ärenden',
    ['Skapat', 'Ämne', 'Förvaltning', 'Status', 'Händelser'],
    data.errands.map((e) => [
      swedishTime(e.createdAt),
      e.topic.name,
      e.departmentName,
      e.statusText,
      e.timeline.map((t) => `${swedishTime(t.at)} ${t.eventText}`).join('\n'),
    ]),
    'Det finns inga ärenden om dig.',
  );
  const log = table(
    'Vem har tagit del av dina uppgifter',
    ['När', 'Vem', 'Ändamål', 'Vad hände'],
    data.accessLog.map((e) => [
      swedishTime(e.at),
      [e.unitName, e.organisationName].filter(Boolean).join(', '),
      e.purposeName ?? '',
      e.text,
    ]),
    'Ingen har tagit del av dina uppgifter genom samtjänst.',
  );
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Mina uppgifter</title>
<style>
  body { font-family: sans-serif; font-size: 10pt; color: #1b1b1b; }
  h1 { font-size: 18pt; } h2 { font-size: 13pt; margin-top: 18pt; }
  table { border-collapse: collapse; width: 100%; margin-top: 6pt; }
  caption { text-align: left; font-weight: bold; margin-bottom: 4pt; }
  th, td { border: 1px solid #999; padding: 3pt 4pt; vertical-align: top; text-align: left; white-space: pre-line; }
  th { background: #eef2f6; }
  tr { page-break-inside: avoid; }
</style></head>
<body>
<h1>Mina uppgifter</h1>
<p>${escape(data.name ? `${data.name}, ` : '')}personnummer ${escape(data.subject)}. Utdrag ${escape(swedishTime(data.generatedAt))}.</p>
<p>Det här är vad samtjänsthubben har registrerat om dig: dina samtycken, remisser och ärenden, och varje gång någon har tagit del av dina uppgifter (enligt artikel 15 i dataskyddsförordningen).</p>
<h2>Samtycken</h2>${consents}
<h2>Remisser</h2>${referrals}
<h2>Ärenden</h2>${errands}
<h2>Åtkomstlogg</h2>${log}
</body></html>`;
}
