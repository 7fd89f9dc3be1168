import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../api/api-fetch.js';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { usePersistedState } from '../../persisted-state.js';
import { agencyName, PURPOSE_TEXT, reasonText } from '../../texts.js';
import { useLoad } from '../../use-load.js';
import { organisationName } from '../admin/agreement-types.js';

type Verification = HubSchemas['AuditVerificationView'];
type CheckpointOutcome = HubSchemas['CheckpointVerificationView']['outcome'];
type AccessReport = HubSchemas['AccessReportView'];

const CHECKPOINT_OUTCOME_TEXT: Record<CheckpointOutcome, string> = {
  ok: 'Stämmer',
  truncated: 'Poster saknas i slutet',
  forked: 'Loggen har skrivits om',
  unverifiable: 'Kan inte jämföras: kedjan är bruten före',
};

const VERDICT_TEXT: Record<string, string> = {
  consistent: '',
  rollback: ' Myndigheten såg loggen gå bakåt.',
  fork: ' Myndigheten såg två olika loggar.',
};

const KIND_TEXT: Record<string, string> = {
  query: 'Fråga',
  referral: 'Remiss',
  consent: 'Samtycke',
  agreement: 'Avtal',
  'access-report': 'Registerutdrag',
  catalogue: 'Katalog',
};

const OUTCOME_TEXT: Record<string, string> = {
  ok: 'Uppgifter lämnade',
  denied: 'Nekad',
  partial: 'Delvis',
  timeout: 'Inget svar i tid',
  error: 'Fel',
  reported: 'Utdrag taget',
  given: 'Samtycke lämnat',
  revoked: 'Samtycke återkallat',
};

function brokenAt(v: Verification): string {
  return v.firstBroken ? ` Första brutna posten är nummer ${v.firstBroken.seq}.` : '';
}

export function AuditPage() {
  const [verification, setVerification] = useState<Verification>();
  return (
    <Page title="Granskning">
      <ChainCheck onVerified={setVerification} />
      <Witnesses verification={verification} />
      <AccessReportSection />
    </Page>
  );
}

function verdictText(result: Verification): string {
  if (result.outcome === 'truncated') {
    return 'Loggen är avkortad: poster som myndigheterna har bekräftat finns inte längre i slutet av loggen.';
  }
  if (result.outcome === 'forked') {
    return 'Loggen har skrivits om: posterna stämmer inte med det myndigheterna har bekräftat.';
  }
  return `Kedjan är bruten.${brokenAt(result)}`;
}

function ChainCheck({ onVerified }: { onVerified: (result: Verification) => void }) {
  const [state, setState] = useState<
    | { state: 'idle' }
    | { state: 'working' }
    | { state: 'done'; result: Verification; at: Date }
    | { state: 'error'; message: string }
  >({ state: 'idle' });
  async function verify() {
    setState({ state: 'working' });
    try {
      const result = await answer(hub.GET('/api/audit/verify'));
      setState({ state: 'done', result, at: new Date() });
      onVerified(result);
    } catch (error) {
      setState({ state: 'error', message: (error as ApiError).message });
    }
  }
  return (
    <section aria-labelledby="chain-heading" className="card no-print">
      <h2 id="chain-heading">Loggkedjan</h2>
      <p>
        Varje post i granskningsloggen bär ett kontrollvärde som bygger på posten före. Kontrollen räknar om hela kedjan
        och visar om någon post har ändrats eller tagits bort. Den jämför också loggen med de kontrollpunkter som
        myndigheterna har bekräftat, så att det syns om poster har tagits bort från slutet.
      </p>
      {state.state === 'working' ? (
        <Busy>Kontrollerar hela kedjan. Det kan ta en stund när loggen är stor …</Busy>
      ) : (
        <button type="button" onClick={() => void verify()}>
          Kontrollera loggkedjan
        </button>
      )}
      {state.state === 'done' &&
        (state.result.ok ? (
          <Alert kind="success">
            Kedjan är obruten: {formatNumber(state.result.rows)} poster kontrollerade {formatDateTime(state.at)}.
            {state.result.checkpoints.length > 0 &&
              ` Loggen stämmer med kontrollpunkterna hos ${formatNumber(state.result.checkpoints.length)} myndigheter.`}
          </Alert>
        ) : (
          <Alert>
            {verdictText(state.result)} {formatNumber(state.result.rows)} poster kontrollerade. Spara detta besked och
            kontakta systemförvaltningen: loggen kan ha manipulerats.
          </Alert>
        ))}
      {state.state === 'done' && <SubjectPeriods periods={state.result.subjectPeriods} />}
      {state.state === 'error' && <Alert>{state.message}</Alert>}
    </section>
  );
}

/**
 * The periods (years) of subject keys: a shredded one's entries are still in the chain, which still holds, but no
 * personnummer leads to them any more (gallring, docs/gallring.md).
 */
function SubjectPeriods({ periods }: { periods: Verification['subjectPeriods'] }) {
  if (periods.length === 0) return null;
  return (
    <>
      <h3>Nycklar per år (gallring)</h3>
      <p>
        Posterna knyts till en person med en nyckel per år. När ett års nyckel har förstörts finns posterna kvar och
        kedjan håller, men de går inte längre att knyta till någon person.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">År</th>
            <th scope="col">Poster med person</th>
            <th scope="col">Nyckeln</th>
          </tr>
        </thead>
        <tbody>
          {periods.map((p) => (
            <tr key={p.period}>
              <td>{p.period}</td>
              <td>{p.entries === undefined ? '–' : formatNumber(p.entries)}</td>
              <td>{p.shreddedAt ? `Förstörd ${formatDateTime(p.shreddedAt)}` : 'Används'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Per agency, the latest checkpoint it cosigned, and how the log compared with it at the last check. */
function Witnesses({ verification }: { verification?: Verification }) {
  const witnesses = useLoad('/api/audit/witnesses', () => answer(hub.GET('/api/audit/witnesses')));
  const outcomeOf = (agency: string) => verification?.checkpoints.find((c) => c.witness === agency)?.outcome;
  return (
    <section aria-labelledby="witness-heading" className="card no-print">
      <h2 id="witness-heading">Kontrollpunkter hos myndigheterna</h2>
      <p>
        Hubben skickar regelbundet loggens senaste kontrollvärde, undertecknat, till varje myndighet, som sparar det och
        bekräftar det. Här är den senaste kontrollpunkt varje myndighet har bekräftat.
      </p>
      {witnesses.state === 'loading' && <Busy>Hämtar kontrollpunkterna …</Busy>}
      {witnesses.state === 'error' && <Alert>{witnesses.error.message}</Alert>}
      {witnesses.state === 'done' &&
        (witnesses.data.length === 0 ? (
          <p>Ingen myndighet har bekräftat någon kontrollpunkt ännu.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Myndighet</th>
                <th scope="col">Poster</th>
                <th scope="col">Bekräftad</th>
                <th scope="col">Vid senaste kontrollen</th>
              </tr>
            </thead>
            <tbody>
              {witnesses.data.map((w) => {
                const outcome = outcomeOf(w.agency);
                return (
                  <tr key={w.agency}>
                    <td>{agencyName(w.agency)}</td>
                    <td>{formatNumber(w.position)}</td>
                    <td>
                      {formatDateTime(w.witnessedAt)}
                      {VERDICT_TEXT[w.verdict] ?? ''}
                    </td>
                    <td>{outcome ? CHECKPOINT_OUTCOME_TEXT[outcome] : 'Inte kontrollerad'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ))}
    </section>
  );
}

function AccessReportSection() {
  const [subject, setSubject] = usePersistedState('audit-subject', '');
  const [fieldError, setFieldError] = useState<string>();
  const [report, setReport] = useState<
    | { state: 'idle' }
    | { state: 'working' }
    | { state: 'done'; report: AccessReport; at: Date }
    | { state: 'error'; message: string }
  >({ state: 'idle' });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const digits = subject.replace(/\D/g, '');
    if (digits.length !== 12 && digits.length !== 10) {
      setFieldError('Skriv personnumret med tolv siffror, till exempel 19121212-1212.');
      return;
    }
    setFieldError(undefined);
    setReport({ state: 'working' });
    try {
      const result = await answer(hub.POST('/api/audit/access-report', { body: { subject: subject.trim() } }));
      setReport({ state: 'done', report: result, at: new Date() });
    } catch (error) {
      const apiError = error as ApiError;
      if (apiError.code === 'invalid-personnummer') {
        setFieldError(apiError.message);
        setReport({ state: 'idle' });
      } else setReport({ state: 'error', message: apiError.message });
    }
  }

  return (
    <section aria-labelledby="report-heading">
      <h2 id="report-heading">Registerutdrag över åtkomst</h2>
      <form noValidate onSubmit={(e) => void submit(e)} className="no-print">
        <p>
          Alla gånger någon har frågat om, remitterat eller registrerat samtycke för en person, ur granskningsloggen.
        </p>
        <Field label="Personnummer" hint="ÅÅÅÅMMDD-NNNN" error={fieldError}>
          {(props) => (
            <input
              {...props}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={subject}
              onChange={(e) => setSubject(e.target.value)}
            />
          )}
        </Field>
        {report.state === 'working' ? (
          <Busy>Söker igenom granskningsloggen …</Busy>
        ) : (
          <button type="submit">Ta fram utdrag</button>
        )}
      </form>
      {report.state === 'error' && <Alert>{report.message}</Alert>}
      {report.state === 'done' && <ReportView report={report.report} at={report.at} />}
    </section>
  );
}

function ReportView({ report, at }: { report: AccessReport; at: Date }) {
  return (
    <div className="report">
      <h3>Utdrag för {report.subject}</h3>
      <p>
        Framtaget {formatDateTime(at)}. {formatNumber(report.entries.length)}{' '}
        {report.entries.length === 1 ? 'händelse' : 'händelser'}.
        {report.protectedIdentity && ' Personen har skyddade personuppgifter: lämna inte ut utdraget till annan.'}
      </p>
      <p className="no-print">
        <button type="button" onClick={() => window.print()}>
          Skriv ut
        </button>
      </p>
      {report.entries.length === 0 ? (
        <p>Ingen har tagit del av uppgifter om personen genom samtjänst.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">När</th>
              <th scope="col">Vad</th>
              <th scope="col">Vem</th>
              <th scope="col">Ändamål</th>
              <th scope="col">Myndighet</th>
              <th scope="col">Utfall</th>
              <th scope="col">Uppgifter som lämnades</th>
            </tr>
          </thead>
          <tbody>
            {report.entries.map((e) => {
              const agency = typeof e.details?.agency === 'string' ? agencyName(e.details.agency) : '';
              return (
                <tr key={String(e.seq)}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{KIND_TEXT[e.kind] ?? e.kind}</td>
                  <td>
                    {e.actor}
                    {e.organisation && `, ${organisationName(e.organisation)}`}
                    {e.unit && `, ${e.unit}`}
                  </td>
                  <td>{e.purpose ? (PURPOSE_TEXT[e.purpose as keyof typeof PURPOSE_TEXT] ?? e.purpose) : ''}</td>
                  <td>{agency}</td>
                  <td>
                    {OUTCOME_TEXT[e.outcome] ?? e.outcome}
                    {typeof e.details?.reason === 'string' && (
                      <span className="muted">: {reasonText(e.details.reason)}</span>
                    )}
                  </td>
                  <td>{e.categoriesReleased.join(', ') || '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
