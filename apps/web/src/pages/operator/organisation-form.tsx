import { useState, type FormEvent } from 'react';
import { AGENCY_CODE_PATTERN, ORGANISATION_KINDS, type OrganisationKind } from '@contracts/codes';
import { formatOrganisationsnummer, parseOrganisationsnummer } from '@contracts/organisationsnummer';
import { ApiError } from '../../api/api-fetch.js';
import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { usePersistedState } from '../../persisted-state.js';
import { Link, useRouter } from '../../router.js';
import { ORGANISATION_KIND_TEXT } from './organisation-types.js';

interface Draft {
  number: string;
  name: string;
  kind: OrganisationKind | '';
  agencyCode: string;
}

const EMPTY: Draft = { number: '', name: '', kind: '', agencyCode: '' };

type Errors = Partial<Record<keyof Draft, string>>;

/** What is wrong with the form, in Swedish, per field; nothing when it may be sent. */
export function checkOrganisation(draft: Draft): Errors {
  const errors: Errors = {};
  const number = parseOrganisationsnummer(draft.number);
  if (!draft.number.trim()) errors.number = 'Skriv organisationsnumret.';
  else if (!number.ok)
    errors.number =
      number.reason === 'wrong check digit'
        ? 'Organisationsnumret stämmer inte: kontrollsiffran är fel. Kontrollera siffrorna.'
        : 'Skriv organisationsnumret som tio siffror, NNNNNN-NNNN.';
  if (draft.name.trim().length < 2) errors.name = 'Skriv organisationens namn.';
  if (!draft.kind) errors.kind = 'Välj vilken typ av organisation det är.';
  if (draft.kind === 'agency' && !AGENCY_CODE_PATTERN.test(draft.agencyCode))
    errors.agencyCode = 'Skriv myndighetskoden: 2–16 tecken, små bokstäver, siffror eller bindestreck, t.ex. pm.';
  return errors;
}

export function NewOrganisationPage() {
  const { navigate } = useRouter();
  const [draft, setDraft, clear] = usePersistedState<Draft>('organisation', EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<string>();
  const [saving, setSaving] = useState(false);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const agencyCode = draft.agencyCode.trim();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkOrganisation(draft);
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length) {
      window.setTimeout(() => document.querySelector<HTMLElement>('.error-summary')?.focus());
      return;
    }
    setSaving(true);
    try {
      const saved = await answer(
        hub.POST('/api/organisations', {
          body: {
            number: draft.number.trim(),
            name: draft.name.trim(),
            // checked above: a kind is chosen
            kind: draft.kind as OrganisationKind,
            ...(draft.kind === 'agency' && { agencyCode, brokerAccount: `adapter-${agencyCode}` }),
          },
        }),
      );
      clear();
      navigate(`/organisationer/${saved.number}?registrerad`);
    } catch (error) {
      setFailure((error instanceof ApiError ? error : new ApiError(0, 'network', undefined)).message);
      setSaving(false);
    }
  }

  const errorCount = Object.keys(errors).length;
  return (
    <Page title="Registrera organisation">
      <p>
        <Link to="/organisationer">Alla organisationer</Link>
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
          label="Organisationsnummer"
          hint="Tio siffror, NNNNNN-NNNN. Kontrollsiffran kontrolleras."
          error={errors.number}
        >
          {(props) => (
            <input
              {...props}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              size={14}
              value={draft.number}
              onChange={(e) => set({ number: e.target.value })}
              onBlur={() => {
                const parsed = parseOrganisationsnummer(draft.number);
                if (parsed.ok) set({ number: formatOrganisationsnummer(parsed.value) });
              }}
            />
          )}
        </Field>
        <Field label="Namn" hint="Som organisationen själv skriver det, t.ex. Karlskoga kommun" error={errors.name}>
          {(props) => (
            <input
              {...props}
              type="text"
              size={40}
              value={draft.name}
              onChange={(e) => set({ name: e.target.value })}
            />
          )}
        </Field>
        <fieldset aria-describedby={errors.kind ? 'typ-fel' : undefined}>
          <legend>Typ av organisation</legend>
          {errors.kind && (
            <p className="error-text" id="typ-fel">
              {errors.kind}
            </p>
          )}
          <div className="choices">
            {ORGANISATION_KINDS.map((kind) => (
              <label key={kind}>
                <input
                  type="radio"
                  name="kind"
                  value={kind}
                  checked={draft.kind === kind}
                  onChange={() => set({ kind })}
                />
                {ORGANISATION_KIND_TEXT[kind]}
              </label>
            ))}
          </div>
        </fieldset>
        {draft.kind === 'agency' && (
          <fieldset>
            <legend>Myndighetens anslutning</legend>
            <Field
              label="Myndighetskod"
              hint="Koden myndighetens adapter anmäler sin katalog med, t.ex. pm. Kan inte ändras senare."
              error={errors.agencyCode}
            >
              {(props) => (
                <input
                  {...props}
                  type="text"
                  autoComplete="off"
                  size={16}
                  value={draft.agencyCode}
                  onChange={(e) => set({ agencyCode: e.target.value.toLowerCase() })}
                />
              )}
            </Field>
            <p>
              Meddelandekonto i RabbitMQ: <code>{agencyCode ? `adapter-${agencyCode}` : 'adapter-<kod>'}</code>
            </p>
          </fieldset>
        )}
        {saving ? (
          <Busy>Registrerar organisationen …</Busy>
        ) : (
          <div className="actions">
            <button type="submit">Registrera</button>
          </div>
        )}
      </form>
    </Page>
  );
}
