import { useEffect, useState } from 'react';
import { REFERRAL_STATUSES, type ReferralStatus } from '@contracts/codes';
import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { usePersistedState } from '../../persisted-state.js';
import { Link } from '../../router.js';
import {
  CONTACT_PREFERENCE_TEXT,
  PURPOSE_TEXT,
  REFERRAL_STATUS_TEXT,
  agencyName,
  organisationName,
} from '../../texts.js';
import { ContactSummary } from './contact-summary.js';
import { errorText } from './guide-texts.js';
import { FINAL_REFERRAL_STATUSES, type Catalogue } from './types.js';
import { useLoad } from '../../use-load.js';

function referralTypeText(catalogues: Catalogue[] | undefined, code: string): string {
  for (const catalogue of catalogues ?? []) {
    const type = catalogue.referralTypes.find((t) => t.code === code);
    if (type) return type.description;
  }
  return code;
}

/** /remisser: the unit's referrals, newest first, with status and whether the agency is late. */
export function ReferralsPage() {
  const [filter, setFilter] = usePersistedState<{ status: ReferralStatus | ''; overdue: boolean }>(
    'guide.referrals.filter',
    { status: '', overdue: false },
  );
  const query = new URLSearchParams({
    ...(filter.status && { status: filter.status }),
    ...(filter.overdue && { overdue: 'true' }),
  }).toString();
  const referrals = useLoad(`/api/referrals${query ? `?${query}` : ''}`, () =>
    answer(
      hub.GET('/api/referrals', {
        params: { query: { status: filter.status || undefined, overdue: filter.overdue || undefined } },
      }),
    ),
  );
  const catalogues = useLoad('/api/catalogues', () => answer(hub.GET('/api/catalogues')));
  const types = catalogues.state === 'done' ? catalogues.data : undefined;

  return (
    <Page title="Remisser">
      <form className="filters" onSubmit={(event) => event.preventDefault()} aria-label="Filtrera remisser">
        <Field label="Status">
          {(props) => (
            <select
              {...props}
              value={filter.status}
              onChange={(event) => setFilter({ ...filter, status: event.target.value as ReferralStatus | '' })}
            >
              <option value="">Alla</option>
              {REFERRAL_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {REFERRAL_STATUS_TEXT[status]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field choices">
          <label>
            <input
              type="checkbox"
              checked={filter.overdue}
              onChange={(event) => setFilter({ ...filter, overdue: event.target.checked })}
            />
            Bara försenade
          </label>
        </div>
        <button type="button" className="secondary" onClick={() => void referrals.reload()}>
          Uppdatera
        </button>
      </form>
      {referrals.state === 'loading' && <Busy>Hämtar remisser …</Busy>}
      {referrals.state === 'error' && <Alert>{errorText(referrals.error)}</Alert>}
      {referrals.state === 'done' && referrals.data.length === 0 && (
        <p>
          Inga remisser att visa. Skicka en remiss från sidan <Link to="/fraga">Fråga myndigheter</Link>.
        </p>
      )}
      {referrals.state === 'done' && referrals.data.length > 0 && (
        <table>
          <caption className="sr-only">Enhetens remisser, de senaste först</caption>
          <thead>
            <tr>
              <th scope="col">Skickad</th>
              <th scope="col">Myndighet och typ</th>
              <th scope="col">Person</th>
              <th scope="col">Status</th>
              <th scope="col">Svar senast</th>
            </tr>
          </thead>
          <tbody>
            {referrals.data.map((referral) => (
              <tr key={referral.id}>
                <td>
                  <Link to={`/remisser/${referral.id}`}>{formatDateTime(referral.createdAt)}</Link>
                </td>
                <td>
                  {agencyName(referral.agency)}: {referralTypeText(types, referral.referralType)}
                </td>
                <td>{referral.subject}</td>
                <td>{REFERRAL_STATUS_TEXT[referral.status]}</td>
                <td>
                  {formatDateTime(referral.respondBy)}
                  {referral.overdue && <strong className="overdue"> Försenad</strong>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}

const POLL_MS = 2_000;

/** /remisser/:id: one referral and its timeline, updated while the agency works on it; withdraw. */
export function ReferralPage({ params }: { params: Record<string, string> }) {
  const referral = useLoad(`/api/referrals/${params.id}`, () =>
    answer(hub.GET('/api/referrals/{id}', { params: { path: { id: params.id! } } })),
  );
  const catalogues = useLoad('/api/catalogues', () => answer(hub.GET('/api/catalogues')));
  const { reload } = referral;
  const [note, setNote] = usePersistedState(`guide.withdraw.${params.id}`, '');
  const [outcome, setOutcome] = useState<{ kind: 'error' | 'success'; text: string }>();
  const [withdrawing, setWithdrawing] = useState(false);
  const status = referral.state === 'done' ? referral.data.status : undefined;
  const finished = status !== undefined && FINAL_REFERRAL_STATUSES.includes(status);
  useEffect(() => {
    if (finished || referral.state !== 'done') return;
    const timer = window.setInterval(() => void reload(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [finished, referral.state, reload]);

  const withdraw = async () => {
    setWithdrawing(true);
    try {
      await hub.POST('/api/referrals/{id}/cancel', {
        params: { path: { id: params.id! } },
        body: note.trim() ? { note } : {},
      });
      setNote('');
      setOutcome({ kind: 'success', text: 'Remissen är återkallad. Myndigheten har fått besked.' });
      await reload();
    } catch (error) {
      setOutcome({ kind: 'error', text: errorText(error) });
    } finally {
      setWithdrawing(false);
    }
  };

  if (referral.state === 'loading') {
    return (
      <Page title="Remiss">
        <Busy>Hämtar remissen …</Busy>
      </Page>
    );
  }
  if (referral.state === 'error') {
    return (
      <Page title="Remiss">
        <Alert>{errorText(referral.error)}</Alert>
        <p>
          <Link to="/remisser">Till alla remisser</Link>
        </p>
      </Page>
    );
  }
  const r = referral.data;
  const types = catalogues.state === 'done' ? catalogues.data : undefined;
  return (
    <Page title={`Remiss till ${agencyName(r.agency)}`}>
      <p>
        <Link to="/remisser">Till alla remisser</Link>
      </p>
      <p className="referral-status" role="status" aria-live="polite">
        Status: <strong data-status={r.status}>{REFERRAL_STATUS_TEXT[r.status]}</strong>
        {!finished && <span className="muted"> – sidan uppdateras av sig själv.</span>}
      </p>
      {r.overdue && (
        <Alert kind="warning">
          Myndigheten har inte svarat inom avtalad tid ({formatDateTime(r.respondBy)}). Kontakta myndigheten om det
          brådskar.
        </Alert>
      )}
      <dl className="details">
        <dt>Typ</dt>
        <dd>{referralTypeText(types, r.referralType)}</dd>
        <dt>Person</dt>
        <dd>{r.subject}</dd>
        <dt>Ändamål</dt>
        <dd>{PURPOSE_TEXT[r.purpose]}</dd>
        <dt>Kontaktsätt</dt>
        <dd>{CONTACT_PREFERENCE_TEXT[r.contactPreference]}</dd>
        <dt>Skickad</dt>
        <dd>
          {formatDateTime(r.createdAt)} av {r.createdBy}
        </dd>
        <dt>Svar senast</dt>
        <dd>{formatDateTime(r.respondBy)}</dd>
        <dt>Meddelande</dt>
        <dd className="message">{r.message}</dd>
        {r.contactId && (
          <>
            <dt>Under kontakten</dt>
            <dd>
              <ContactSummary id={r.contactId} />
            </dd>
          </>
        )}
      </dl>
      <h2>Händelser</h2>
      <ol className="timeline">
        {(r.timeline ?? []).map((event, i) => (
          <li key={i}>
            <strong>{REFERRAL_STATUS_TEXT[event.status]}</strong>{' '}
            <time dateTime={event.at}>{formatDateTime(event.at)}</time>
            <span className="muted">
              {' – '}
              {organisationName(event.actor.organisation)}
              {event.actor.name && `, ${event.actor.name}`}
            </span>
            {event.note && <p className="note">{event.note}</p>}
          </li>
        ))}
      </ol>
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      {!finished && (
        <section aria-labelledby="aterkalla-rubrik" className="card">
          <h2 id="aterkalla-rubrik">Återkalla remissen</h2>
          <p>Om personen inte längre behöver hjälpen kan du återkalla remissen. Myndigheten får besked direkt.</p>
          <Field label="Anteckning till myndigheten (frivillig)">
            {(props) => (
              <textarea {...props} maxLength={2000} value={note} onChange={(event) => setNote(event.target.value)} />
            )}
          </Field>
          <button type="button" className="secondary" disabled={withdrawing} onClick={() => void withdraw()}>
            Återkalla remissen
          </button>
        </section>
      )}
    </Page>
  );
}
