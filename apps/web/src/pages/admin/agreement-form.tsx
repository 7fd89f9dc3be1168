import { useState, type FormEvent } from 'react';
import { PURPOSES, STAFF_ROLES, type Purpose } from '@contracts/codes';
import { ApiError } from '../../api/api-fetch.js';
import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { usePersistedState } from '../../persisted-state.js';
import { Link, useRouter } from '../../router.js';
import { useMe } from '../../session.js';
import { PURPOSE_TEXT, ROLE_TEXT, SECRECY_TEXT } from '../../texts.js';
import { useLoad } from '../../use-load.js';
import {
  check,
  emptyForm,
  formOf,
  problemsOf,
  termsOf,
  type AgreementForm,
  type Errors,
  type PurposeForm,
} from './agreement-form-model.js';
import { organisationName, type Agreement, type Catalogue } from './agreement-types.js';

export function NewAgreementPage() {
  const me = useMe();
  const catalogues = useLoad('/api/catalogues', () => answer(hub.GET('/api/catalogues')));
  return (
    <Page title="Nytt samtjänstavtal">
      {catalogues.state === 'loading' && <Busy>Hämtar myndigheternas kataloger …</Busy>}
      {catalogues.state === 'error' && <Alert>{catalogues.error.message}</Alert>}
      {catalogues.state === 'done' && (
        <AgreementEditor
          storageKey="agreement-new"
          initial={emptyForm(me.organisation, me.unit, me.unit ? '' : me.organisation)}
          catalogues={catalogues.data}
        />
      )}
    </Page>
  );
}

export function AmendAgreementPage({ params }: { params: Record<string, string> }) {
  const agreement = useLoad(`/api/agreements/${params.id}`, () =>
    answer(hub.GET('/api/agreements/{id}', { params: { path: { id: params.id } } })),
  );
  const catalogues = useLoad('/api/catalogues', () => answer(hub.GET('/api/catalogues')));
  return (
    <Page title="Ändra avtal">
      {(agreement.state === 'loading' || catalogues.state === 'loading') && <Busy>Hämtar avtalet …</Busy>}
      {agreement.state === 'error' && <Alert>{agreement.error.message}</Alert>}
      {catalogues.state === 'error' && <Alert>{catalogues.error.message}</Alert>}
      {agreement.state === 'done' && catalogues.state === 'done' && (
        <>
          <p>
            Ändringen blir version {agreement.data.latestVersion + 1} av ”{agreement.data.title}”. Version{' '}
            {agreement.data.latestVersion} gäller tills motparten har godkänt ändringen.
          </p>
          <AgreementEditor
            storageKey={`agreement-amend-${agreement.data.id}`}
            initial={formOf(agreement.data)}
            catalogues={catalogues.data}
            amending={agreement.data}
          />
        </>
      )}
    </Page>
  );
}

function toggle<T>(list: T[], item: T, on: boolean): T[] {
  return on ? (list.includes(item) ? list : [...list, item]) : list.filter((x) => x !== item);
}

function AgreementEditor({
  storageKey,
  initial,
  catalogues,
  amending,
}: {
  storageKey: string;
  initial: AgreementForm;
  catalogues: Catalogue[];
  amending?: Agreement;
}) {
  const me = useMe();
  const { navigate } = useRouter();
  const [form, setForm, clearForm] = usePersistedState<AgreementForm>(storageKey, initial);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<{ message: string; problems: string[] }>();
  const [saving, setSaving] = useState<string>();
  const agencyChoices = me.unit ? catalogues : catalogues.filter((c) => c.organisation === me.organisation);
  const catalogue = catalogues.find((c) => c.organisation === form.agency);
  const set = (patch: Partial<AgreementForm>) => setForm((f) => ({ ...f, ...patch }));
  const setPurpose = (purpose: Purpose, patch: Partial<PurposeForm>) =>
    setForm((f) => ({ ...f, purposes: { ...f.purposes, [purpose]: { ...f.purposes[purpose], ...patch } } }));

  async function submit(event: FormEvent<HTMLFormElement>, propose: boolean) {
    event.preventDefault();
    const found = check(form, Boolean(amending));
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length) {
      window.setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"], .error-summary')?.focus());
      return;
    }
    setSaving(propose ? 'Sparar och föreslår avtalet …' : 'Sparar utkastet …');
    try {
      const saved = amending
        ? await answer(
            hub.POST('/api/agreements/{id}/amend', { params: { path: { id: amending.id } }, body: termsOf(form) }),
          )
        : await answer(
            hub.POST('/api/agreements', {
              body: {
                ...termsOf(form),
                municipality: { organisation: form.municipality, unit: form.unit.trim() },
                agency: { organisation: form.agency },
              },
            }),
          );
      if (propose) await hub.POST('/api/agreements/{id}/propose', { params: { path: { id: saved.id } }, body: {} });
      clearForm();
      navigate(`/avtal/${saved.id}`);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, 'network', undefined);
      setFailure({ message: apiError.message, problems: problemsOf(apiError) });
      setSaving(undefined);
    }
  }

  const errorCount = Object.keys(errors).length;
  return (
    <form noValidate onSubmit={(event) => void submit(event, true)}>
      {errorCount > 0 && (
        <div className="alert error-summary" role="alert" tabIndex={-1}>
          Formuläret har {errorCount === 1 ? 'ett fel' : `${errorCount} fel`}. Rätta det som är markerat och försök
          igen.
        </div>
      )}
      {failure && (
        <Alert>
          {failure.message}
          {failure.problems.length > 0 && (
            <ul>
              {failure.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      <p className="hint">Det du fyller i sparas i webbläsarfliken tills du skickar in, även om du laddar om sidan.</p>
      <Field label="Avtalets namn" error={errors.title}>
        {(props) => (
          <input {...props} type="text" size={50} value={form.title} onChange={(e) => set({ title: e.target.value })} />
        )}
      </Field>
      {!amending && (
        <fieldset>
          <legend>Parter</legend>
          <Field label="Kommunens organisationsnummer" hint="Tio siffror utan bindestreck" error={errors.municipality}>
            {(props) => (
              <input
                {...props}
                type="text"
                inputMode="numeric"
                autoComplete="off"
                value={form.municipality}
                readOnly={Boolean(me.unit)}
                onChange={(e) => set({ municipality: e.target.value.replace(/\D/g, '') })}
              />
            )}
          </Field>
          <Field label="Kommunens enhet" error={errors.unit}>
            {(props) => (
              <input {...props} type="text" value={form.unit} onChange={(e) => set({ unit: e.target.value })} />
            )}
          </Field>
          <Field label="Myndighet" hint="Myndigheterna som har anmält en katalog till hubben" error={errors.agency}>
            {(props) => (
              <select
                {...props}
                value={form.agency}
                onChange={(e) =>
                  setForm((f) => ({
                    ...f,
                    agency: e.target.value,
                    // another agency's catalogue: the chosen categories no longer apply
                    purposes: Object.fromEntries(
                      PURPOSES.map((p): [Purpose, PurposeForm] => [
                        p,
                        { ...f.purposes[p], categories: [], referralTypes: [] },
                      ]),
                    ) as Record<Purpose, PurposeForm>,
                  }))
                }
              >
                <option value="">Välj myndighet</option>
                {agencyChoices.map((c) => (
                  <option key={c.organisation} value={c.organisation}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </fieldset>
      )}
      {amending && (
        <p>
          Parter: {organisationName(amending.municipality.organisation)}, {amending.municipality.unit} och{' '}
          {organisationName(amending.agency.organisation)}.
        </p>
      )}
      <fieldset>
        <legend>Giltighet</legend>
        <Field label="Gäller från och med" error={errors.validFrom}>
          {(props) => (
            <input {...props} type="date" value={form.validFrom} onChange={(e) => set({ validFrom: e.target.value })} />
          )}
        </Field>
        <Field label="Gäller till och med" error={errors.validTo}>
          {(props) => (
            <input {...props} type="date" value={form.validTo} onChange={(e) => set({ validTo: e.target.value })} />
          )}
        </Field>
      </fieldset>
      <h2>Ändamål</h2>
      {errors.purposes && <p className="error-text">{errors.purposes}</p>}
      {!catalogue && <p>Välj myndighet först, så visas myndighetens uppgifter och remisstyper.</p>}
      {catalogue &&
        PURPOSES.map((purpose) => {
          const p = form.purposes[purpose];
          const name = PURPOSE_TEXT[purpose];
          return (
            <fieldset key={purpose}>
              <legend>{name}</legend>
              <div className="choices">
                <label>
                  <input
                    type="checkbox"
                    checked={p.included}
                    onChange={(e) => setPurpose(purpose, { included: e.target.checked })}
                  />
                  Avtalet omfattar {name.toLowerCase()}
                </label>
              </div>
              {p.included && (
                <>
                  <fieldset>
                    <legend>Uppgifter från {catalogue.name}</legend>
                    {errors[`${purpose}.categories`] && <p className="error-text">{errors[`${purpose}.categories`]}</p>}
                    <ul className="option-list">
                      {catalogue.categories.map((c) => (
                        <li key={c.code}>
                          <label>
                            <input
                              type="checkbox"
                              disabled={c.secrecyClass === 'never'}
                              checked={p.categories.includes(c.code)}
                              onChange={(e) =>
                                setPurpose(purpose, { categories: toggle(p.categories, c.code, e.target.checked) })
                              }
                            />
                            {c.description}
                          </label>{' '}
                          <span className={`secrecy secrecy-${c.secrecyClass}`}>{SECRECY_TEXT[c.secrecyClass]}</span>
                        </li>
                      ))}
                    </ul>
                  </fieldset>
                  {catalogue.referralTypes.length > 0 && (
                    <fieldset>
                      <legend>Remisstyper</legend>
                      <ul className="option-list">
                        {catalogue.referralTypes.map((r) => (
                          <li key={r.code}>
                            <label>
                              <input
                                type="checkbox"
                                checked={p.referralTypes.includes(r.code)}
                                onChange={(e) =>
                                  setPurpose(purpose, {
                                    referralTypes: toggle(p.referralTypes, r.code, e.target.checked),
                                  })
                                }
                              />
                              {r.description} (svar inom {r.responseTimeHours} timmar)
                            </label>
                          </li>
                        ))}
                      </ul>
                    </fieldset>
                  )}
                  <fieldset aria-describedby={errors[`${purpose}.roles`] ? `${purpose}-roles-error` : undefined}>
                    <legend>Roller som får använda avtalet för {name.toLowerCase()}</legend>
                    {errors[`${purpose}.roles`] && (
                      <p className="error-text" id={`${purpose}-roles-error`}>
                        {errors[`${purpose}.roles`]}
                      </p>
                    )}
                    <div className="choices">
                      {STAFF_ROLES.filter((r) => r === 'guide' || r === 'caseworker').map((role) => (
                        <label key={role}>
                          <input
                            type="checkbox"
                            checked={p.roles.includes(role)}
                            onChange={(e) => setPurpose(purpose, { roles: toggle(p.roles, role, e.target.checked) })}
                          />
                          {ROLE_TEXT[role]}
                        </label>
                      ))}
                    </div>
                  </fieldset>
                  <div className="choices">
                    <label>
                      <input
                        type="checkbox"
                        checked={p.consentRequired}
                        onChange={(e) => setPurpose(purpose, { consentRequired: e.target.checked })}
                      />
                      Kräver den enskildes samtycke
                    </label>
                  </div>
                  <Field
                    label={`Lagstöd för ${name.toLowerCase()}`}
                    hint="Hänvisning, till exempel SFS 2001:453 11 kap. 11 §. Lämna tomt om samtycke krävs."
                  >
                    {(props) => (
                      <input
                        {...props}
                        type="text"
                        size={40}
                        value={p.legalBasis}
                        onChange={(e) => setPurpose(purpose, { legalBasis: e.target.value })}
                      />
                    )}
                  </Field>
                </>
              )}
            </fieldset>
          );
        })}
      {saving ? (
        <Busy>{saving}</Busy>
      ) : (
        <div className="actions">
          <button type="submit">Spara och föreslå för motparten</button>
          <button
            type="button"
            className="secondary"
            onClick={(event) => void submit(event as unknown as FormEvent<HTMLFormElement>, false)}
          >
            Spara som utkast
          </button>
          <Link to={amending ? `/avtal/${amending.id}` : '/avtal'}>Avbryt</Link>
        </div>
      )}
    </form>
  );
}
