import { answer, hub } from '../../api/hub.js';
import { Alert, Busy } from '../../components.js';
import { formatNumber } from '../../format.js';
import { useLoad } from '../../use-load.js';
import { SECONDARY_TEXT, SUPPRESSED_TEXT } from './figures.js';

const KIND_TEXT: Record<string, string> = { klagomal: 'Klagomål', synpunkt: 'Synpunkt' };
const PARTY_KIND_TEXT: Record<string, string> = { department: 'Förvaltning', agency: 'Myndighet', centre: 'Centret' };
const shown = (count: number | null) => (count === null ? SUPPRESSED_TEXT : formatNumber(count));
/** A count of a breakdown: "dold" when hidden by secondary suppression (its path is listed), else as shown. */
const hiddenOr = (secondary: string[], path: string, count: number | null) =>
  count === null && secondary.includes(path) ? SECONDARY_TEXT : shown(count);

/** Klagomål och synpunkter of the period by topic and responsible party; counts of 1 to 4 not shown. */
export function ComplaintsPanel({ from, to }: { from?: string; to?: string }) {
  const query = new URLSearchParams({ ...(from && { from }), ...(to && { to }) });
  const counts = useLoad(`/api/follow-up/complaints${query.size ? `?${query}` : ''}`, () =>
    answer(hub.GET('/api/follow-up/complaints', { params: { query: { from, to } } })),
  );
  return (
    <section aria-labelledby="klagomal">
      <h2 id="klagomal">Klagomål och synpunkter</h2>
      {counts.state === 'loading' && <Busy>Räknar klagomålen …</Busy>}
      {counts.state === 'error' && <Alert>{counts.error.message}</Alert>}
      {counts.state === 'done' && (
        <>
          <p className="complaints-total">
            Registrerade under perioden:{' '}
            {counts.data.total === 0 ? 'inga' : hiddenOr(counts.data.secondarySuppressed, 'total', counts.data.total)}
          </p>
          {counts.data.byTopic.length > 0 && (
            <table>
              <caption>Klagomål och synpunkter per ämne</caption>
              <thead>
                <tr>
                  <th scope="col">Ämne</th>
                  <th scope="col">Slag</th>
                  <th scope="col">Antal</th>
                </tr>
              </thead>
              <tbody>
                {counts.data.byTopic.map((t, i) => (
                  <tr key={`${t.topic}/${t.kind}`}>
                    <td>{t.topicName}</td>
                    <td>{KIND_TEXT[t.kind] ?? t.kind}</td>
                    <td>{hiddenOr(counts.data.secondarySuppressed, `byTopic.${i}.count`, t.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {counts.data.byParty.length > 0 && (
            <table>
              <caption>Klagomål och synpunkter per ansvarig huvudman</caption>
              <thead>
                <tr>
                  <th scope="col">Huvudman</th>
                  <th scope="col">Slag</th>
                  <th scope="col">Antal</th>
                  <th scope="col">Besvarade</th>
                  <th scope="col">Försenade</th>
                </tr>
              </thead>
              <tbody>
                {counts.data.byParty.map((p, i) => (
                  <tr key={`${p.partyKind}/${p.party}/${p.kind}`}>
                    <td>
                      {p.partyName} ({PARTY_KIND_TEXT[p.partyKind] ?? p.partyKind})
                    </td>
                    <td>{KIND_TEXT[p.kind] ?? p.kind}</td>
                    <td>{hiddenOr(counts.data.secondarySuppressed, `byParty.${i}.count`, p.count)}</td>
                    <td>{shown(p.answered)}</td>
                    <td>{shown(p.overdue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
