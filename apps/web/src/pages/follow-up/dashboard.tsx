import { useState, type FormEvent } from 'react';
import { PURPOSES, type Purpose } from '@contracts/codes';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDate, formatDateTime, formatNumber } from '../../format.js';
import { usePersistedState } from '../../persisted-state.js';
import { agencyName, PURPOSE_TEXT, QUERY_STATUS_TEXT, reasonText, REFERRAL_STATUS_TEXT } from '../../texts.js';
import { useLoad } from '../../use-load.js';
import { GroupedBars, StackedColumns, type Series } from './charts.js';
import { FiguresSection, SECONDARY_TEXT, SUPPRESSED_TEXT } from './figures.js';
import { ComplaintsPanel } from './complaints-panel.js';
import { NkiPanel } from './nki-panel.js';

type Summary = HubSchemas['FollowUpSummary'];

type Row = { day: string; purpose: string; agency: string; count: number | null };

function agenciesOf(rows: Row[]): string[] {
  return [...new Set(rows.map((r) => r.agency))].sort();
}

function purposesOf(rows: Row[]): Purpose[] {
  return PURPOSES.filter((p) => rows.some((r) => r.purpose === p));
}

/** purpose × agency: one series per agency, one group per purpose */
function perPurposeAndAgency(rows: Row[]): { groups: string[]; series: Series[] } {
  const purposes = purposesOf(rows);
  return {
    groups: purposes.map((p) => PURPOSE_TEXT[p]),
    series: agenciesOf(rows).map((agency) => ({
      name: agencyName(agency),
      values: purposes.map((p) =>
        rows.filter((r) => r.purpose === p && r.agency === agency).reduce((sum, r) => sum + (r.count ?? 0), 0),
      ),
    })),
  };
}

function perDayAndAgency(days: string[], rows: Row[]): Series[] {
  return agenciesOf(rows).map((agency) => ({
    name: agencyName(agency),
    values: days.map((day) =>
      rows.filter((r) => r.day === day && r.agency === agency).reduce((sum, r) => sum + (r.count ?? 0), 0),
    ),
  }));
}

/** A count of the summary: null is 1 to 4, not shown so that no one can be singled out. */
function shown(n: number | null): string {
  return n === null ? SUPPRESSED_TEXT : formatNumber(n);
}

function hours(value: number | null): string {
  return value === null ? '–' : `${formatNumber(value, 1)} h`;
}

export function FollowUpPage() {
  const [period, setPeriod] = usePersistedState<{ from: string; to: string }>('follow-up-period', {
    from: '',
    to: '',
  });
  const [asked, setAsked] = useState(period);
  const query = new URLSearchParams({ ...(asked.from && { from: asked.from }), ...(asked.to && { to: asked.to }) });
  const summary = useLoad(`/api/follow-up/summary${query.size ? `?${query}` : ''}`, () =>
    answer(
      hub.GET('/api/follow-up/summary', {
        params: { query: { from: asked.from || undefined, to: asked.to || undefined } },
      }),
    ),
  );
  const figures = useLoad(`/api/follow-up/figures${query.size ? `?${query}` : ''}`, () =>
    answer(
      hub.GET('/api/follow-up/figures', {
        params: { query: { from: asked.from || undefined, to: asked.to || undefined } },
      }),
    ),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    setAsked({ ...period });
  }
  return (
    <Page title="Uppföljning">
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
      {summary.state === 'loading' && <Busy>Räknar samman perioden …</Busy>}
      {summary.state === 'error' && <Alert>{summary.error.message}</Alert>}
      {figures.state === 'error' && <Alert>{figures.error.message}</Alert>}
      {figures.state === 'done' && <FiguresSection figures={figures.data} />}
      {summary.state === 'done' && <Dashboard summary={summary.data} />}
      <NkiPanel from={asked.from || undefined} to={asked.to || undefined} />
      <ComplaintsPanel from={asked.from || undefined} to={asked.to || undefined} />
    </Page>
  );
}

function Dashboard({ summary }: { summary: Summary }) {
  const { queries, referrals } = summary;
  const days = queries.daily.map((d) => d.day);
  const queryRows = queries.perDay;
  const queryByPurpose = perPurposeAndAgency(queryRows);
  const referralByPurpose = perPurposeAndAgency(referrals.perDay);
  const denials = queries.denialReasons;
  const deniedAt = queries.byStatus.findIndex((s) => s.status === 'denied');
  const denied = deniedAt < 0 ? 0 : queries.byStatus[deniedAt]!.count;
  // a count hidden only so that the total cannot give back a small one (secondary suppression): "dold"
  const at = (path: string, n: number | null) =>
    n === null && summary.secondarySuppressed.includes(path) ? SECONDARY_TEXT : shown(n);
  return (
    <>
      <p>
        {formatDate(summary.period.from)} – {formatDate(summary.period.to)} ({formatNumber(summary.period.days)} dagar),{' '}
        {summary.scope.unit ?? 'hela organisationen'}. Uppdaterad {formatDateTime(summary.generatedAt)}.
      </p>
      <ul className="key-figures" aria-label="Frågor och remisser i siffror">
        <li>
          <span className="figure">{shown(queries.total.queries)}</span> frågor
        </li>
        <li>
          <span className="figure">{shown(queries.total.agencyResults)}</span> myndighetssvar
        </li>
        <li>
          <span className="figure">{at(`queries.byStatus.${deniedAt}.count`, denied)}</span> nekade svar
        </li>
        <li>
          <span className="figure">{shown(referrals.total)}</span> remisser
        </li>
        <li>
          <span className="figure">{formatNumber(referrals.overdue.count)}</span> försenade remisser
        </li>
      </ul>

      <p>
        Antal under {summary.smallNumberThreshold} visas som ”{SUPPRESSED_TEXT}” och räknas inte med i diagrammen, så
        att ingen enskild person kan pekas ut. Där summan annars skulle avslöja ett sådant antal döljs också nästa
        minsta antal (”{SECONDARY_TEXT}”).
      </p>

      <h2>Frågor</h2>
      <StackedColumns
        title="Myndighetssvar per dag och myndighet"
        days={days}
        series={perDayAndAgency(days, queryRows)}
      />
      <GroupedBars
        title="Myndighetssvar per ändamål och myndighet"
        tableCaption="Myndighetssvar per ändamål och myndighet"
        groupLabel="Ändamål"
        {...queryByPurpose}
      />
      <table>
        <caption>Svar per utfall</caption>
        <thead>
          <tr>
            <th scope="col">Utfall</th>
            <th scope="col">Antal</th>
          </tr>
        </thead>
        <tbody>
          {queries.byStatus.map((s, i) => (
            <tr key={s.status}>
              <th scope="row">{QUERY_STATUS_TEXT[s.status as keyof typeof QUERY_STATUS_TEXT] ?? s.status}</th>
              <td className="number">{at(`queries.byStatus.${i}.count`, s.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Skäl till nekade svar</h3>
      {denials.length === 0 ? (
        <p>Inga svar nekades under perioden.</p>
      ) : (
        <GroupedBars
          title="Nekade svar per skäl"
          tableCaption="Nekade svar per skäl och myndighet"
          groupLabel="Skäl"
          groups={[...new Set(denials.map((d) => d.reason))].map(reasonText)}
          series={[...new Set(denials.map((d) => d.agency))].map((agency) => ({
            name: agencyName(agency),
            values: [...new Set(denials.map((d) => d.reason))].map(
              (reason) => denials.find((d) => d.agency === agency && d.reason === reason)?.count ?? 0,
            ),
          }))}
        />
      )}
      <table>
        <caption>Svarstider per myndighet</caption>
        <thead>
          <tr>
            <th scope="col">Myndighet</th>
            <th scope="col">Svar</th>
            <th scope="col">Median</th>
            <th scope="col">95:e percentilen</th>
          </tr>
        </thead>
        <tbody>
          {queries.latency.map((l) => (
            <tr key={l.agency}>
              <th scope="row">{agencyName(l.agency)}</th>
              <td className="number">{shown(l.samples)}</td>
              <td className="number">{l.p50Ms === null ? '–' : `${formatNumber(l.p50Ms)} ms`}</td>
              <td className="number">{l.p95Ms === null ? '–' : `${formatNumber(l.p95Ms)} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Remisser</h2>
      <StackedColumns
        title="Remisser per dag och myndighet"
        days={referrals.daily.map((d) => d.day)}
        series={perDayAndAgency(
          referrals.daily.map((d) => d.day),
          referrals.perDay,
        )}
      />
      <GroupedBars
        title="Remisser per ändamål och myndighet"
        tableCaption="Remisser per ändamål och myndighet"
        groupLabel="Ändamål"
        {...referralByPurpose}
      />
      <table>
        <caption>Remisser per status nu</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Antal</th>
          </tr>
        </thead>
        <tbody>
          {referrals.byStatus.map((s, i) => (
            <tr key={s.status}>
              <th scope="row">{REFERRAL_STATUS_TEXT[s.status as keyof typeof REFERRAL_STATUS_TEXT] ?? s.status}</th>
              <td className="number">{at(`referrals.byStatus.${i}.count`, s.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {referrals.turnaround.length > 0 && (
        <GroupedBars
          title="Ledtid till besked (median, timmar)"
          tableCaption="Ledtid från skickad till accepterad eller avböjd, median"
          groupLabel="Myndighet"
          groups={referrals.turnaround.map((t) => agencyName(t.agency))}
          series={[{ name: 'Median till besked', values: referrals.turnaround.map((t) => t.answerMedianHours ?? 0) }]}
          unit=" h"
        />
      )}
      <table>
        <caption>Ledtider per myndighet</caption>
        <thead>
          <tr>
            <th scope="col">Myndighet</th>
            <th scope="col">Besvarade</th>
            <th scope="col">Till besked, median</th>
            <th scope="col">Till besked, 90:e percentilen</th>
            <th scope="col">Avslutade</th>
            <th scope="col">Till avslut, median</th>
          </tr>
        </thead>
        <tbody>
          {referrals.turnaround.map((t) => (
            <tr key={t.agency}>
              <th scope="row">{agencyName(t.agency)}</th>
              <td className="number">{shown(t.answered)}</td>
              <td className="number">{hours(t.answerMedianHours)}</td>
              <td className="number">{hours(t.answerP90Hours)}</td>
              <td className="number">{shown(t.closed)}</td>
              <td className="number">{hours(t.closeMedianHours)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Försenade remisser</h3>
      {referrals.overdue.count === 0 ? (
        <p>Inga remisser är försenade just nu.</p>
      ) : (
        <table>
          <caption>{formatNumber(referrals.overdue.count)} remisser har inte fått besked inom avtalad tid</caption>
          <thead>
            <tr>
              <th scope="col">Myndighet</th>
              <th scope="col">Remisstyp</th>
              <th scope="col">Ändamål</th>
              <th scope="col">Skickad</th>
              <th scope="col">Besked senast</th>
              <th scope="col">Försenad</th>
            </tr>
          </thead>
          <tbody>
            {referrals.overdue.referrals.map((r) => (
              <tr key={r.id}>
                <td>{agencyName(r.agency)}</td>
                <td>{r.referralType}</td>
                <td>{PURPOSE_TEXT[r.purpose as keyof typeof PURPOSE_TEXT] ?? r.purpose}</td>
                <td>{formatDateTime(r.createdAt)}</td>
                <td>{formatDateTime(r.respondBy)}</td>
                <td className="number">{hours(r.hoursOverdue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
