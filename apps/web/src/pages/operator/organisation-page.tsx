import { useState, type FormEvent } from 'react';
import { formatOrganisationsnummer } from '@contracts/organisationsnummer';
import type { ApiError } from '../../api/api-fetch.js';
import { hub } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { Link, useRouter } from '../../router.js';
import { useLoad } from '../../use-load.js';
import {
  ORGANISATION_KIND_TEXT,
  statusText,
  UNIT_KIND_TEXT,
  type Organisation,
  type Unit,
} from './organisation-types.js';

/** One organisation for the operator: its facts, rename, close, and (for a municipality) its units. */
export function OrganisationPage({ params }: { params: Record<string, string> }) {
  const { search } = useRouter();
  const path = `/api/organisations/${encodeURIComponent(params.number)}`;
  const organisation = useLoad<Organisation>(path);
  const units = useLoad<Unit[]>(
    organisation.state === 'done' && organisation.data.kind === 'municipality' ? `${path}/units` : undefined,
  );
  const [name, setName] = useState<string>();
  const [nameError, setNameError] = useState<string>();
  const [working, setWorking] = useState<string>();
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; text: string } | undefined>(
    search.includes('registrerad') ? { kind: 'success', text: 'Organisationen är registrerad.' } : undefined,
  );
  const [confirmingClose, setConfirmingClose] = useState(false);

  if (organisation.state === 'loading')
    return (
      <Page title="Organisation">
        <Busy>Hämtar organisationen …</Busy>
      </Page>
    );
  if (organisation.state === 'error')
    return (
      <Page title="Organisation">
        <Alert>{organisation.error.message}</Alert>
        <Link to="/organisationer">Alla organisationer</Link>
      </Page>
    );
  const o = organisation.data;

  async function change(body: { name?: string; closed?: true }, busy: string, done: string) {
    setWorking(busy);
    setOutcome(undefined);
    try {
      await hub.PATCH('/api/organisations/{number}', { params: { path: { number: params.number } }, body });
      setOutcome({ kind: 'success', text: done });
      setName(undefined);
      await organisation.reload();
    } catch (error) {
      setOutcome({ kind: 'error', text: (error as ApiError).message });
    } finally {
      setWorking(undefined);
      setConfirmingClose(false);
    }
  }

  function rename(event: FormEvent) {
    event.preventDefault();
    const next = (name ?? o.name).trim();
    if (next.length < 2) {
      setNameError('Skriv det nya namnet.');
      return;
    }
    setNameError(undefined);
    void change({ name: next }, 'Byter namn …', `Organisationen heter nu ${next}.`);
  }

  return (
    <Page title={o.name}>
      <p>
        <Link to="/organisationer">Alla organisationer</Link>
      </p>
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      <dl className="facts">
        <dt>Organisationsnummer</dt>
        <dd>{formatOrganisationsnummer(o.number)}</dd>
        <dt>Typ</dt>
        <dd>{ORGANISATION_KIND_TEXT[o.kind]}</dd>
        {o.agencyCode && (
          <>
            <dt>Myndighetskod</dt>
            <dd>{o.agencyCode}</dd>
            <dt>Meddelandekonto</dt>
            <dd>
              <code>{o.brokerAccount}</code>
            </dd>
          </>
        )}
        <dt>Status</dt>
        <dd>
          {statusText(o.closedAt)}
          {o.closedAt && ` sedan ${formatDateTime(o.closedAt)} (${o.closedBy})`}
        </dd>
        {o.registeredAt && (
          <>
            <dt>Registrerad</dt>
            <dd>
              {formatDateTime(o.registeredAt)} av {o.registeredBy}
            </dd>
          </>
        )}
      </dl>
      {!o.closedAt && (
        <section aria-labelledby="change-heading" className="card no-print">
          <h2 id="change-heading">Ändra</h2>
          <form noValidate onSubmit={rename}>
            <Field label="Nytt namn" hint="Organisationsnumret ändras aldrig" error={nameError}>
              {(props) => (
                <input
                  {...props}
                  type="text"
                  size={40}
                  value={name ?? o.name}
                  onChange={(e) => setName(e.target.value)}
                />
              )}
            </Field>
            {working ? (
              <Busy>{working}</Busy>
            ) : confirmingClose ? (
              <div role="group" aria-labelledby="close-question">
                <p id="close-question">
                  <strong>En avslutad organisation kan inte öppnas igen.</strong> Dess enheter avslutas också, alla
                  avtal den är part i upphör genast och den kan inte få nya avtal. Historiken finns kvar. Vill du
                  avsluta {o.name}?
                </p>
                <div className="actions">
                  <button
                    type="button"
                    onClick={() => void change({ closed: true }, 'Avslutar …', `${o.name} är avslutad.`)}
                  >
                    Ja, avsluta organisationen
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirmingClose(false)} autoFocus>
                    Nej, behåll den
                  </button>
                </div>
              </div>
            ) : (
              <div className="actions">
                <button type="submit">Spara namnet</button>
                <button type="button" className="secondary" onClick={() => setConfirmingClose(true)}>
                  Avsluta organisationen
                </button>
              </div>
            )}
          </form>
        </section>
      )}
      {o.kind === 'municipality' && (
        <section aria-labelledby="units-heading">
          <h2 id="units-heading">Enheter</h2>
          <p>Kommunens administratör registrerar och ändrar enheterna under Enheter.</p>
          {units.state === 'loading' && <Busy>Hämtar enheterna …</Busy>}
          {units.state === 'error' && <Alert>{units.error.message}</Alert>}
          {units.state === 'done' &&
            (units.data.length === 0 ? (
              <p>Kommunen har inga enheter ännu.</p>
            ) : (
              <UnitTable units={units.data} caption={`Enheter i ${o.name}`} />
            ))}
        </section>
      )}
    </Page>
  );
}

/** The units of one municipality; with `linkTo`, each name links to its page. */
export function UnitTable({
  units,
  caption,
  linkTo,
}: {
  units: Unit[];
  caption: string;
  linkTo?: (u: Unit) => string;
}) {
  return (
    <table>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Enhet</th>
          <th scope="col">Typ</th>
          <th scope="col">Namn i avtal och inloggning</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {units.map((u) => (
          <tr key={u.id}>
            <td>{linkTo ? <Link to={linkTo(u)}>{u.displayName}</Link> : u.displayName}</td>
            <td>{UNIT_KIND_TEXT[u.kind]}</td>
            <td>{u.name}</td>
            <td>{statusText(u.closedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
