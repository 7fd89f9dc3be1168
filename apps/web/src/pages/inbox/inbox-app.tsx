import { createContext, useContext, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { apiFetch, ApiError } from '../../api/api-fetch.js';
import { Alert, Busy, Field, Page, SiteFrame } from '../../components.js';
import { formatDateTime, formatPersonnummer } from '../../format.js';
import { usePersistedState } from '../../persisted-state.js';
import { Link, matchPath, useRouter } from '../../router.js';
import { CONTACT_PREFERENCE_TEXT, PURPOSE_TEXT, REFERRAL_STATUS_TEXT } from '../../texts.js';
import { useLoad } from '../../use-load.js';
import { organisationName } from '../admin/agreement-types.js';
import {
  CALLBACK_PATH,
  currentLogin,
  finishLogin,
  forgetLogin,
  startLogin,
  type InboxLogin,
  type UiConfig,
} from './adapter-login.js';

interface InboxReferral {
  referralId: string;
  referralType: string;
  subject: string;
  purpose: string;
  message: string;
  contactPreference: string;
  requester: { organisation: string; unit: string; staffId: string };
  respondBy: string;
  overdue: boolean;
  status: keyof typeof REFERRAL_STATUS_TEXT;
  statusAt: string;
  receivedAt: string;
  timeline?: {
    status: keyof typeof REFERRAL_STATUS_TEXT;
    at: string;
    actor: { organisation: string; name?: string; service?: string };
    note?: string;
  }[];
}

/** The moves a caseworker makes from each status (libs/adapter-kit NEXT_STATUSES, less the hub's and its own). */
const CASEWORKER_MOVES: Partial<Record<string, { status: string; label: string }[]>> = {
  received: [
    { status: 'accepted', label: 'Acceptera remissen' },
    { status: 'declined', label: 'Avböj remissen' },
  ],
  accepted: [{ status: 'in-progress', label: 'Påbörja arbetet' }],
  'in-progress': [{ status: 'closed', label: 'Avsluta remissen' }],
};

const InboxContext = createContext<{
  config: UiConfig;
  login: InboxLogin;
  call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
}>(undefined as never);

/** The whole UI when an agency's adapter serves it: the agency's caseworkers and their referral inbox. */
export function InboxApp({ config }: { config: UiConfig }) {
  const { path, search, navigate } = useRouter();
  const [login, setLogin] = useState(currentLogin);
  const [expired, setExpired] = useState(false);
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    if (path !== CALLBACK_PATH) return;
    finishLogin(config, search)
      .then((returnTo) => {
        setLogin(currentLogin());
        navigate(returnTo, { replace: true });
      })
      .catch((error: Error) => {
        setFailure(`Inloggningen kunde inte slutföras (${error.message}). Logga in igen.`);
        navigate('/inkorg', { replace: true });
      });
  }, [path]);

  const call = async <T,>(method: string, apiPath: string, body?: unknown): Promise<T> => {
    try {
      const response = await apiFetch(method, apiPath, body, {
        headers: { authorization: `Bearer ${login?.accessToken ?? ''}` },
      });
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        forgetLogin();
        setLogin(undefined);
        setExpired(true);
      }
      throw error;
    }
  };

  let content: ReactNode;
  if (path === CALLBACK_PATH) content = <Busy>Loggar in …</Busy>;
  else if (!login)
    content = (
      <Page title={`Inkorg – ${config.name}`}>
        {failure && <Alert>{failure}</Alert>}
        {expired && (
          <Alert kind="warning">Din inloggning har gått ut. Logga in igen – det du skrivit finns kvar.</Alert>
        )}
        <p>Här tar {config.name}s handläggare emot remisser från kommunernas servicecenter.</p>
        <p>
          <button
            type="button"
            onClick={() =>
              void startLogin(config, path + search).catch(() =>
                setFailure('Inloggningstjänsten svarar inte. Försök igen om en stund.'),
              )
            }
          >
            Logga in
          </button>
        </p>
      </Page>
    );
  else {
    const params = matchPath('/inkorg/:id', path);
    content = (
      <InboxContext.Provider value={{ config, login, call }}>
        {params ? (
          <ReferralPage id={params.id} />
        ) : path === '/inkorg' || path === '/' ? (
          <InboxPage />
        ) : (
          <Page title="Sidan finns inte">
            <p>
              Adressen leder inte till någon sida. <Link to="/inkorg">Till inkorgen</Link>
            </p>
          </Page>
        )}
      </InboxContext.Provider>
    );
  }

  return (
    <SiteFrame
      home="/inkorg"
      name={`Samtjänst – ${config.name}`}
      user={login?.name}
      onLogout={() => {
        forgetLogin();
        setLogin(undefined);
        setExpired(false);
      }}
      menu={login && [{ to: '/inkorg', label: 'Inkorg', current: path.startsWith('/inkorg') }]}
    >
      {content}
    </SiteFrame>
  );
}

/** The agency's referral types in words, from its own catalogue; the code until it has loaded. */
function useReferralTypeName(): (code: string) => string {
  const { call } = useContext(InboxContext);
  const catalogue = useLoad<{ referralTypes: { code: string; description: string }[] }>('/api/catalogue', (p) =>
    call('GET', p),
  );
  return (code) =>
    (catalogue.state === 'done' && catalogue.data.referralTypes.find((t) => t.code === code)?.description) || code;
}

function InboxPage() {
  const { config, call } = useContext(InboxContext);
  const typeName = useReferralTypeName();
  const [status, setStatus] = usePersistedState('inbox-status', '');
  const inbox = useLoad<InboxReferral[]>(`/api/inbox${status ? `?status=${status}` : ''}`, (p) =>
    call<InboxReferral[]>('GET', p),
  );
  return (
    <Page title={`Inkorg – ${config.name}`}>
      <Field label="Visa remisser med status">
        {(props) => (
          <select {...props} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Alla</option>
            {(['received', 'accepted', 'in-progress', 'declined', 'closed', 'cancelled'] as const).map((s) => (
              <option key={s} value={s}>
                {REFERRAL_STATUS_TEXT[s]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {inbox.state === 'loading' && <Busy>Hämtar inkorgen …</Busy>}
      {inbox.state === 'error' && <Alert>{inbox.error.message}</Alert>}
      {inbox.state === 'done' &&
        (inbox.data.length === 0 ? (
          <p>Inga remisser{status ? ' med den statusen' : ''}.</p>
        ) : (
          <table>
            <caption className="visually-hidden">Remisser till {config.name}</caption>
            <thead>
              <tr>
                <th scope="col">Mottagen</th>
                <th scope="col">Remiss</th>
                <th scope="col">Från</th>
                <th scope="col">Status</th>
                <th scope="col">Besked senast</th>
              </tr>
            </thead>
            <tbody>
              {inbox.data.map((r) => (
                <tr key={r.referralId}>
                  <td>{formatDateTime(r.receivedAt)}</td>
                  <td>
                    <Link to={`/inkorg/${r.referralId}`}>{typeName(r.referralType)}</Link>
                  </td>
                  <td>
                    {organisationName(r.requester.organisation)}, {r.requester.unit}
                  </td>
                  <td>{REFERRAL_STATUS_TEXT[r.status]}</td>
                  <td>
                    {formatDateTime(r.respondBy)}
                    {r.overdue && <strong> – försenad</strong>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </Page>
  );
}

function ReferralPage({ id }: { id: string }) {
  const { call } = useContext(InboxContext);
  const typeName = useReferralTypeName();
  const referral = useLoad<InboxReferral>(`/api/referrals/${encodeURIComponent(id)}`, (p) =>
    call<InboxReferral>('GET', p),
  );
  const [form, setForm, clearForm] = usePersistedState(`inbox-status-${id}`, { status: '', note: '' });
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string>();

  if (referral.state !== 'done')
    return (
      <Page title="Remiss">
        {referral.state === 'loading' ? <Busy>Hämtar remissen …</Busy> : <Alert>{referral.error.message}</Alert>}
        <Link to="/inkorg">Till inkorgen</Link>
      </Page>
    );
  const r = referral.data;
  const moves = CASEWORKER_MOVES[r.status] ?? [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    if (!form.status) {
      setFieldError('Välj vad som händer med remissen.');
      return;
    }
    setFieldError(undefined);
    setSaving(true);
    try {
      await call('POST', `/api/referrals/${r.referralId}/status`, {
        status: form.status,
        ...(form.note.trim() && { note: form.note.trim() }),
      });
      setSaved(
        `Remissen har status ${REFERRAL_STATUS_TEXT[form.status as keyof typeof REFERRAL_STATUS_TEXT]}. Kommunen ser det i sin tidslinje.`,
      );
      clearForm();
      void referral.reload();
    } catch (e) {
      setError((e as ApiError).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Page title={`Remiss: ${typeName(r.referralType)}`}>
      <p>
        <Link to="/inkorg">Till inkorgen</Link>
      </p>
      {saved && <Alert kind="success">{saved}</Alert>}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <strong>{REFERRAL_STATUS_TEXT[r.status]}</strong> sedan {formatDateTime(r.statusAt)}
        </dd>
        <dt>Personnummer</dt>
        <dd>{formatPersonnummer(r.subject)}</dd>
        <dt>Ändamål</dt>
        <dd>{PURPOSE_TEXT[r.purpose as keyof typeof PURPOSE_TEXT] ?? r.purpose}</dd>
        <dt>Från</dt>
        <dd>
          {organisationName(r.requester.organisation)}, {r.requester.unit}
        </dd>
        <dt>Vill bli kontaktad via</dt>
        <dd>
          {CONTACT_PREFERENCE_TEXT[r.contactPreference as keyof typeof CONTACT_PREFERENCE_TEXT] ?? r.contactPreference}
        </dd>
        <dt>Besked senast</dt>
        <dd>
          {formatDateTime(r.respondBy)}
          {r.overdue && ' (försenad)'}
        </dd>
      </dl>
      <h2>Meddelande</h2>
      <p className="message">{r.message}</p>
      {moves.length > 0 && (
        <form noValidate onSubmit={(e) => void submit(e)} className="card">
          <h2>Ändra status</h2>
          {error && <Alert>{error}</Alert>}
          <fieldset aria-describedby={fieldError ? 'move-error' : undefined}>
            <legend>Vad händer med remissen?</legend>
            {fieldError && (
              <p className="error-text" id="move-error">
                {fieldError}
              </p>
            )}
            <div className="choices">
              {moves.map((m) => (
                <label key={m.status}>
                  <input
                    type="radio"
                    name="status"
                    value={m.status}
                    checked={form.status === m.status}
                    onChange={() => setForm({ ...form, status: m.status })}
                  />
                  {m.label}
                </label>
              ))}
            </div>
          </fieldset>
          <Field label="Anteckning till kommunen (valfri)" hint="Visas i remissens tidslinje hos kommunen">
            {(props) => (
              <textarea {...props} value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />
            )}
          </Field>
          {saving ? <Busy>Sparar …</Busy> : <button type="submit">Spara status</button>}
        </form>
      )}
      {r.timeline && (
        <>
          <h2>Tidslinje</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">När</th>
                <th scope="col">Status</th>
                <th scope="col">Av</th>
                <th scope="col">Anteckning</th>
              </tr>
            </thead>
            <tbody>
              {r.timeline.map((e, i) => (
                <tr key={i}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{REFERRAL_STATUS_TEXT[e.status]}</td>
                  <td>{e.actor.name ?? (e.actor.service ? 'Automatiskt' : organisationName(e.actor.organisation))}</td>
                  <td>{e.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
