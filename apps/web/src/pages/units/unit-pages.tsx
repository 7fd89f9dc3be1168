import { useState, type FormEvent } from 'react';
import { UNIT_KINDS, type UnitKind } from '@contracts/codes';
import { ApiError } from '../../api/api-fetch.js';
import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { usePersistedState } from '../../persisted-state.js';
import { Link, useRouter } from '../../router.js';
import { useMe } from '../../session.js';
import { useLoad } from '../../use-load.js';
import { UnitTable } from '../operator/organisation-page.js';
import {
  statusText,
  UNIT_KIND_HINT,
  UNIT_KIND_TEXT,
  type Organisation,
  type Unit,
} from '../operator/organisation-types.js';

const unitsPath = (organisation: string) => `/api/organisations/${organisation}/units`;

export function UnitListPage() {
  const me = useMe();
  const organisation = useLoad<Organisation>(`/api/organisations/${me.organisation}`);
  const units = useLoad<Unit[]>(unitsPath(me.organisation));
  const name = organisation.state === 'done' ? organisation.data.name : 'kommunen';
  return (
    <Page
      title="Enheter"
      actions={
        <Link to="/enheter/ny" className="button">
          Registrera enhet
        </Link>
      }
    >
      <p>
        Servicecenter, medborgarkontor och förvaltningar i {name}. En enhets namn står i avtal, samtycken och remisser
        och i medarbetarnas inloggning; byter ni namn ändras bara namnet som visas.
      </p>
      {units.state === 'loading' && <Busy>Hämtar enheterna …</Busy>}
      {units.state === 'error' && <Alert>{units.error.message}</Alert>}
      {units.state === 'done' &&
        (units.data.length === 0 ? (
          <p>Kommunen har inga enheter ännu. Börja med ”Registrera enhet”.</p>
        ) : (
          <UnitTable units={units.data} caption={`Enheter i ${name}`} linkTo={(u) => `/enheter/${u.id}`} />
        ))}
    </Page>
  );
}

interface Draft {
  name: string;
  kind: UnitKind | '';
}

export function NewUnitPage() {
  const me = useMe();
  const { navigate } = useRouter();
  const [draft, setDraft, clear] = usePersistedState<Draft>('unit', { name: '', kind: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const [failure, setFailure] = useState<string>();
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<keyof Draft, string>> = {};
    if (draft.name.trim().length < 2) found.name = 'Skriv enhetens namn.';
    if (!draft.kind) found.kind = 'Välj vilken sorts enhet det är.';
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length) {
      window.setTimeout(() => document.querySelector<HTMLElement>('.error-summary')?.focus());
      return;
    }
    setSaving(true);
    try {
      const unit = await answer(
        hub.POST('/api/organisations/{number}/units', {
          params: { path: { number: me.organisation } },
          body: { name: draft.name.trim(), kind: draft.kind as UnitKind }, // checked above: a kind is chosen
        }),
      );
      clear();
      navigate(`/enheter/${unit.id}?registrerad`);
    } catch (error) {
      setFailure((error instanceof ApiError ? error : new ApiError(0, 'network', undefined)).message);
      setSaving(false);
    }
  }

  const errorCount = Object.keys(errors).length;
  return (
    <Page title="Registrera enhet">
      <p>
        <Link to="/enheter">Alla enheter</Link>
      </p>
      <form noValidate onSubmit={(event) => void submit(event)}>
        {errorCount > 0 && (
          <div className="alert error-summary" role="alert" tabIndex={-1}>
            Formuläret har {errorCount === 1 ? 'ett fel' : `${errorCount} fel`}. Rätta det som är markerat och försök
            igen.
          </div>
        )}
        {failure && <Alert>{failure}</Alert>}
        <Field
          label="Enhetens namn"
          hint="Står i avtal och i medarbetarnas inloggning och kan inte ändras; namnet som visas kan ändras senare."
          error={errors.name}
        >
          {(props) => (
            <input
              {...props}
              type="text"
              size={40}
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          )}
        </Field>
        <fieldset aria-describedby={errors.kind ? 'enhetstyp-fel' : undefined}>
          <legend>Sorts enhet</legend>
          {errors.kind && (
            <p className="error-text" id="enhetstyp-fel">
              {errors.kind}
            </p>
          )}
          {UNIT_KINDS.map((kind) => (
            <div key={kind}>
              <div className="choices">
                <label>
                  <input
                    type="radio"
                    name="unit-kind"
                    value={kind}
                    checked={draft.kind === kind}
                    aria-describedby={`enhetstyp-${kind}`}
                    onChange={() => setDraft({ ...draft, kind })}
                  />
                  {UNIT_KIND_TEXT[kind]}
                </label>
              </div>
              <p className="hint" id={`enhetstyp-${kind}`}>
                {UNIT_KIND_HINT[kind]}
              </p>
            </div>
          ))}
        </fieldset>
        {saving ? (
          <Busy>Registrerar enheten …</Busy>
        ) : (
          <div className="actions">
            <button type="submit">Registrera</button>
          </div>
        )}
      </form>
    </Page>
  );
}

export function UnitPage({ params }: { params: Record<string, string> }) {
  const me = useMe();
  const { search } = useRouter();
  const path = `${unitsPath(me.organisation)}/${encodeURIComponent(params.id)}`;
  const unit = useLoad<Unit>(path);
  const [displayName, setDisplayName] = useState<string>();
  const [nameError, setNameError] = useState<string>();
  const [working, setWorking] = useState<string>();
  const [confirmingClose, setConfirmingClose] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; text: string } | undefined>(
    search.includes('registrerad') ? { kind: 'success', text: 'Enheten är registrerad.' } : undefined,
  );

  if (unit.state === 'loading')
    return (
      <Page title="Enhet">
        <Busy>Hämtar enheten …</Busy>
      </Page>
    );
  if (unit.state === 'error')
    return (
      <Page title="Enhet">
        <Alert>{unit.error.message}</Alert>
        <Link to="/enheter">Alla enheter</Link>
      </Page>
    );
  const u = unit.data;

  async function change(body: { displayName?: string; closed?: true }, busy: string, done: string) {
    setWorking(busy);
    setOutcome(undefined);
    try {
      await hub.PATCH('/api/organisations/{number}/units/{id}', {
        params: { path: { number: me.organisation, id: params.id } },
        body,
      });
      setOutcome({ kind: 'success', text: done });
      setDisplayName(undefined);
      await unit.reload();
    } catch (error) {
      setOutcome({ kind: 'error', text: (error as ApiError).message });
    } finally {
      setWorking(undefined);
      setConfirmingClose(false);
    }
  }

  function rename(event: FormEvent) {
    event.preventDefault();
    const next = (displayName ?? u.displayName).trim();
    if (next.length < 2) {
      setNameError('Skriv namnet som ska visas.');
      return;
    }
    setNameError(undefined);
    void change({ displayName: next }, 'Byter namn …', `Enheten visas nu som ${next}.`);
  }

  return (
    <Page title={u.displayName}>
      <p>
        <Link to="/enheter">Alla enheter</Link>
      </p>
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      <dl className="facts">
        <dt>Sorts enhet</dt>
        <dd>{UNIT_KIND_TEXT[u.kind]}</dd>
        <dt>Namn i avtal och inloggning</dt>
        <dd>{u.name}</dd>
        <dt>Status</dt>
        <dd>
          {statusText(u.closedAt)}
          {u.closedAt && ` sedan ${formatDateTime(u.closedAt)} (${u.closedBy})`}
        </dd>
        <dt>Registrerad</dt>
        <dd>
          {formatDateTime(u.registeredAt)} av {u.registeredBy}
        </dd>
      </dl>
      {!u.closedAt && (
        <section aria-labelledby="change-heading" className="card no-print">
          <h2 id="change-heading">Ändra</h2>
          <form noValidate onSubmit={rename}>
            <Field
              label="Namn som visas"
              hint="Namnet i avtal, samtycken, remisser och inloggningen ändras inte, så historiken går att läsa."
              error={nameError}
            >
              {(props) => (
                <input
                  {...props}
                  type="text"
                  size={40}
                  value={displayName ?? u.displayName}
                  onChange={(e) => setDisplayName(e.target.value)}
                />
              )}
            </Field>
            {working ? (
              <Busy>{working}</Busy>
            ) : confirmingClose ? (
              <div role="group" aria-labelledby="close-question">
                <p id="close-question">
                  <strong>En avslutad enhet kan inte öppnas igen</strong> och kan inte få nya avtal. Dess avtal upphör
                  genast, så enheten kan inte längre fråga myndigheterna eller skicka remisser. Dess historik finns
                  kvar. Vill du avsluta {u.displayName}?
                </p>
                <div className="actions">
                  <button
                    type="button"
                    onClick={() => void change({ closed: true }, 'Avslutar …', `${u.displayName} är avslutad.`)}
                  >
                    Ja, avsluta enheten
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
                  Avsluta enheten
                </button>
              </div>
            )}
          </form>
        </section>
      )}
    </Page>
  );
}
