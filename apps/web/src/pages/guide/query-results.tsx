import { Busy } from '../../components.js';
import { QUERY_STATUS_TEXT, agencyName, reasonText } from '../../texts.js';
import { describeAgencyState } from './agency-state-text.js';
import { fieldLabel, fieldValue } from './guide-texts.js';
import type { AgencyResult, AgencyState, QueryProgress } from './query-state.js';
import type { Catalogue } from './types.js';

/** What the guide must know and do when SKV marks the person (SPEC: protected identity). */
const DEFAULT_INSTRUCTION =
  'Adress- och platsuppgifter hålls inne och får inte efterfrågas, antecknas eller lämnas vidare. Skicka post till ' +
  'personen via Skatteverket, visa inte uppgifterna där andra kan se dem och hantera ärendet enligt enhetens rutin ' +
  'för skyddade personuppgifter.';

export function ProtectedIdentityWarning({ instruction }: { instruction?: string }) {
  return (
    <div className="alert alert-warning protected-warning" role="alert" aria-labelledby="skyddad-rubrik">
      <h2 id="skyddad-rubrik">Skyddade personuppgifter</h2>
      <p>
        Skatteverket har markerat personen med skyddade personuppgifter (sekretessmarkering, skyddad folkbokföring eller
        fingerade personuppgifter). Uppgifter om var personen bor kan sätta personen i fara.
      </p>
      <p>
        <strong>Så gör du:</strong> {instruction ?? DEFAULT_INSTRUCTION}
      </p>
      <p>Nya frågor om personen kräver en skriftlig motivering.</p>
    </div>
  );
}

export function QueryResults({ progress, catalogues }: { progress: QueryProgress; catalogues: Catalogue[] }) {
  const answered = progress.agencies.filter((a) => a.state !== 'waiting').length;
  return (
    <div className="query-results">
      <p className="sr-only" aria-live="polite" aria-atomic="false">
        {progress.announcements.map((text, i) => (
          <span key={i}>{text} </span>
        ))}
      </p>
      {progress.phase !== 'idle' && (
        <>
          <h3>Svar från myndigheterna</h3>
          {progress.phase === 'running' && (
            <Busy>
              {answered} av {progress.agencies.length} myndigheter har svarat …
            </Busy>
          )}
          <ul className="agency-results">
            {progress.agencies.map((state) => (
              <li key={state.agency} className={`card agency-result state-${state.state}`}>
                <AgencyCard state={state} catalogues={catalogues} />
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function AgencyCard({ state, catalogues }: { state: AgencyState; catalogues: Catalogue[] }) {
  const headingId = `svar-${state.agency}`;
  return (
    <article aria-labelledby={headingId}>
      <h4 id={headingId} className="agency-heading">
        {agencyName(state.agency)}{' '}
        <span className={`state-badge badge-${state.state}`} data-state={state.state}>
          {QUERY_STATUS_TEXT[state.state]}
        </span>
      </h4>
      {state.state === 'waiting' ? (
        <p className="muted">Frågan är skickad. Svaret visas här så snart det kommer.</p>
      ) : (
        <ResultBody result={state.result} catalogues={catalogues} summary={describeAgencyState(state)} />
      )}
    </article>
  );
}

function ResultBody({
  result,
  catalogues,
  summary,
}: {
  result: AgencyResult;
  catalogues: Catalogue[];
  summary: string;
}) {
  const catalogue = catalogues.find((c) => c.agency === result.agency);
  const describe = (code: string) => catalogue?.categories.find((c) => c.code === code)?.description ?? code;
  if (result.status !== 'ok') return <p className="reason">{reasonText(result.reason)}</p>;
  return (
    <>
      {result.found === false && <p>Myndigheten har inga uppgifter om personen.</p>}
      {result.found !== false && result.released.length === 0 && <p>{summary}</p>}
      {result.released.map((released) => {
        const records = released.data.records ?? [];
        const fields = records[0] ? Object.keys(records[0]) : [];
        return (
          <section key={released.category} aria-label={describe(released.category)}>
            <h5>{describe(released.category)}</h5>
            {records.length === 0 ? (
              <p className="muted">Inga uppgifter.</p>
            ) : (
              <div className="table-scroll">
                <table>
                  <thead>
                    <tr>
                      {fields.map((field) => (
                        <th key={field} scope="col">
                          {fieldLabel(field)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {records.map((record, i) => (
                      <tr key={i}>
                        {fields.map((field) => (
                          <td key={field}>{fieldValue(record[field])}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
      {result.denied.length > 0 && (
        <>
          <h5>Uppgifter som inte lämnades ut</h5>
          <ul>
            {result.denied.map((denied) => (
              <li key={denied.category}>
                {describe(denied.category)}: {reasonText(denied.reason)}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
