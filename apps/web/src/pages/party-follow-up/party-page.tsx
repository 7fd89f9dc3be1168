import { useState, type FormEvent } from 'react';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDate, formatDateTime, formatNumber } from '../../format.js';
import { PURPOSE_TEXT } from '../../texts.js';
import { useLoad } from '../../use-load.js';

type PartyFollowUp = HubSchemas['PartyFollowUp'];

/** A count as the hub gives it: null when too small to show (1–4), which official statistics write "färre än 5". */
export function countText(value: number | null, threshold = 5): string {
  return value === null ? `färre än ${threshold}` : formatNumber(value);
}

function hoursText(value: number | null): string {
  return value === null ? '–' : `${formatNumber(value, 1)} h`;
}

/** The month before the current one, YYYY-MM: the last whole month, the report a manager most often wants. */
function lastMonth(today = new Date()): string {
  const month = new Date(today.getFullYear(), today.getMonth() - 1, 1);
  return `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, '0')}`;
}

export function PartyFollowUpPage() {
  const [period, setPeriod] = useState({ from: '', to: '' });
  const [asked, setAsked] = useState(period);
  const [month, setMonth] = useState(lastMonth());
  const query = new URLSearchParams({ ...(asked.from && { from: asked.from }), ...(asked.to && { to: asked.to }) });
  const data = useLoad(`/api/follow-up/party${query.size ? `?${query}` : ''}`, () =>
    answer(
      hub.GET('/api/follow-up/party', {
        params: { query: { from: asked.from || undefined, to: asked.to || undefined } },
      }),
    ),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    setAsked({ ...period });
  }
  const validMonth = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  return (
    <Page title="Uppföljning per part">
      <form className="period no-print" onSubmit={submit} noValidate>
        <Field label="Från och med" hint="Tomt: 30 dagar bakåt">
          {(props) => (
            <input
              {...props}
              type="date"
              value={period.from}
              onChange={(e) => setPeriod({ ...period, from: e.target.value })}
            />
          )}
        </Field>
        <Field label="Till och med" hint="Tomt: i dag">
          {(props) => (
            <input
              {...props}
              type="date"
              value={period.to}
              onChange={(e) => setPeriod({ ...period, to: e.target.value })}
            />
          )}
        </Field>
        <button type="submit">Visa perioden</button>
      </form>
      <section aria-labelledby="monthly-report" className="no-print">
        <h2 id="monthly-report">Månadsrapport</h2>
        <Field label="Månad" hint="År och månad, till exempel 2026-11">
          {(props) => <input {...props} type="month" value={month} onChange={(e) => setMonth(e.target.value)} />}
        </Field>
        {validMonth ? (
          <p>
            <a href={`/api/reports/monthly.pdf?month=${month}`} download>
              Ladda ned månadsrapporten som PDF
            </a>{' '}
            ·{' '}
            <a href={`/api/reports/monthly.csv?month=${month}`} download>
              Ladda ned månadsrapporten som CSV
            </a>
          </p>
        ) : (
          <p>Ange en månad för att ladda ned rapporten.</p>
        )}
      </section>
      {data.state === 'loading' && <Busy>Räknar samman perioden …</Busy>}
      {data.state === 'error' && <Alert>{data.error.message}</Alert>}
      {data.state === 'done' && <PartyFigures data={data.data} />}
    </Page>
  );
}

function PartyFigures({ data }: { data: PartyFollowUp }) {
  const { queries, referrals, complaints, smallNumberThreshold: threshold } = data;
  const complaintKind = (kind: string) => (kind === 'synpunkt' ? 'Synpunkt' : 'Klagomål');
  const agency = data.scope.kind === 'agency';
  const partyHead = agency ? ['Kommun', 'Enhet'] : ['Enhet', 'Myndighet'];
  const party = (r: { municipalityName: string; unit: string; agencyName: string }) =>
    agency ? [r.municipalityName, r.unit] : [r.unit, r.agencyName];
  const count = (value: number | null) => countText(value, threshold);
  // a count of a breakdown hidden only so that the total cannot give back a small one (secondary suppression)
  const at = (path: string, value: number | null) =>
    value === null && data.secondarySuppressed.includes(path) ? 'dold' : count(value);
  return (
    <>
      <p>
        {data.scope.name}
        {data.scope.unit ? `, ${data.scope.unit}` : ''}: {formatDate(data.period.from)} – {formatDate(data.period.to)}.{' '}
        {agency
          ? 'Trafiken under myndighetens samtjänstavtal med alla kommuner.'
          : 'Kommunens trafik med myndigheterna.'}{' '}
        Antal under {threshold} visas som ”färre än {threshold}”; där summan annars skulle avslöja ett sådant antal
        döljs också nästa minsta antal (”dold”). Uppdaterad {formatDateTime(data.generatedAt)}.
      </p>
      <ul className="key-figures">
        <li>
          <span className="figure">{at('queries.results', queries.results)}</span> myndighetssvar
        </li>
        <li>
          <span className="figure">{at('referrals.sent', referrals.sent)}</span> remisser
        </li>
        <li>
          <span className="figure">{at('referrals.overdue.count', referrals.overdue.count)}</span> försenade remisser nu
        </li>
        <li>
          <span className="figure">{at('complaints.total', complaints.total)}</span> klagomål och synpunkter
        </li>
      </ul>
      <h2>Frågor</h2>
      <FigureTable
        caption="Myndighetssvar per ändamål"
        head={[...partyHead, 'Ändamål', 'Svar', 'Besvarade', 'Nekade']}
        rows={queries.byPurpose.map((r, i) => [
          ...party(r),
          PURPOSE_TEXT[r.purpose as keyof typeof PURPOSE_TEXT] ?? r.purpose,
          at(`queries.byPurpose.${i}.results`, r.results),
          count(r.answered),
          count(r.denied),
        ])}
      />
      <FigureTable
        caption="Uppgiftskategorier"
        head={[...partyHead, 'Kategori', 'Lämnade', 'Nekade']}
        rows={queries.byCategory.map((r) => [...party(r), r.category, count(r.released), count(r.denied)])}
      />
      <FigureTable
        caption="Nekade svar och skäl"
        head={[...partyHead, 'Skäl', 'Antal']}
        rows={queries.denialReasons.map((r) => [...party(r), r.reason, count(r.count)])}
      />
      <h2>Remisser</h2>
      <FigureTable
        caption="Remisser och svarstider mot avtalad svarstid"
        head={[
          ...partyHead,
          'Remisstyp',
          'Skickade',
          'Besvarade',
          'Inom avtalad tid',
          'Median till besked',
          'Avtalad svarstid',
        ]}
        rows={referrals.byType.map((r, i) => [
          ...party(r),
          r.referralType,
          at(`referrals.byType.${i}.sent`, r.sent),
          count(r.answered),
          count(r.answeredInTime),
          hoursText(r.answerMedianHours),
          hoursText(r.agreedHours),
        ])}
      />
      <FigureTable
        caption="Försenade remisser nu"
        head={[...partyHead, 'Remisstyp', 'Antal']}
        rows={referrals.overdue.byType.map((r, i) => [
          ...party(r),
          r.referralType,
          at(`referrals.overdue.byType.${i}.count`, r.count),
        ])}
      />
      <h2>Klagomål och synpunkter</h2>
      <FigureTable
        caption="Klagomål och synpunkter per ämne"
        head={['Kommun', 'Ämne', 'Slag', 'Antal']}
        rows={complaints.byTopic.map((r, i) => [
          r.municipalityName,
          r.topicName,
          complaintKind(r.kind),
          at(`complaints.byTopic.${i}.count`, r.count),
        ])}
      />
      <FigureTable
        caption="Klagomål och synpunkter per ansvarig huvudman"
        head={['Kommun', 'Huvudman', 'Slag', 'Antal', 'Besvarade']}
        rows={complaints.byParty.map((r, i) => [
          r.municipalityName,
          r.partyName,
          complaintKind(r.kind),
          at(`complaints.byParty.${i}.count`, r.count),
          count(r.answered),
        ])}
      />
    </>
  );
}

/** A table whose first two columns name the parties and whose other cells are figures. */
function FigureTable({ caption, head, rows }: { caption: string; head: string[]; rows: string[][] }) {
  if (rows.length === 0) return <p>{caption}: inget under perioden.</p>;
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.slice(0, 3).join('|')}>
            <th scope="row">{row[0]}</th>
            {row.slice(1).map((cell, i) => (
              <td key={i} className={i >= 2 ? 'number' : undefined}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
