import { useEffect, useRef, useState, type FormEvent } from 'react';
import { CONSENT_METHODS, PURPOSES, type ConsentMethod, type Purpose } from '@contracts/codes';
import { api, apiFetch } from '../../api.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDate, formatPersonnummer } from '../../format.js';
import { usePersistedState } from '../../persisted-state.js';
import { CONSENT_METHOD_TEXT, PURPOSE_TEXT, agencyName } from '../../texts.js';
import { CategoryChoices, CheckboxGroup, ConsentSelect, PurposeSelect } from './form-fields.js';
import {
  CONSENT_STATUS_TEXT,
  addMonths,
  errorText,
  inAgencyOrder,
  isCalendarDay,
  swedishToday,
} from './guide-texts.js';
import { checkPersonnummer } from './personnummer-input.js';
import { ProtectedIdentityWarning, QueryResults } from './query-results.js';
import { IDLE, applyQueryEvent, failQuery, startQuery, type QueryProgress } from './query-state.js';
import { ReferralForm } from './referral-form.js';
import { readEventStream } from './sse.js';
import type { Catalogue, Consent } from './types.js';
import { useLoad, type Loaded } from '../../use-load.js';
import { describeAgencyState } from './agency-state-text.js';

/** /fraga: look a citizen up, see and record their consent, ask the agencies, send a referral. */
export function QueryPage() {
  const [subject, setSubject] = usePersistedState<string | null>('guide.subject', null);
  const [protectedSubject, setProtectedSubject] = usePersistedState<{ subject: string; instruction?: string } | null>(
    'guide.protected',
    null,
  );
  const loadedCatalogues = useLoad<Catalogue[]>('/api/catalogues');
  const catalogues: Loaded<Catalogue[]> =
    loadedCatalogues.state === 'done'
      ? { ...loadedCatalogues, data: inAgencyOrder(loadedCatalogues.data) }
      : loadedCatalogues;
  const consents = useLoad<Consent[]>(subject ? `/api/consents?subject=${encodeURIComponent(subject)}` : undefined);
  const isProtected = subject !== null && protectedSubject?.subject === subject;

  return (
    <Page title="Fråga myndigheter">
      <LookupForm current={subject} onFound={setSubject} />
      {subject && (
        <>
          {isProtected && <ProtectedIdentityWarning instruction={protectedSubject?.instruction} />}
          {catalogues.state === 'loading' && <Busy>Hämtar myndigheternas kataloger …</Busy>}
          {catalogues.state === 'error' && <Alert>{errorText(catalogues.error)} Ladda om sidan om en stund.</Alert>}
          {catalogues.state === 'done' && catalogues.data.length === 0 && (
            <Alert kind="warning">
              Ingen myndighet är ansluten just nu. Försök igen om en stund eller kontakta support.
            </Alert>
          )}
          {catalogues.state === 'done' && (
            <>
              <ConsentsSection subject={subject} catalogues={catalogues.data} consents={consents} />
              <QuerySection
                subject={subject}
                catalogues={catalogues.data}
                consents={consents.state === 'done' ? consents.data : []}
                isProtected={isProtected}
                onProtected={(instruction) => setProtectedSubject({ subject, instruction })}
              />
              <ReferralForm
                subject={subject}
                catalogues={catalogues.data}
                consents={consents.state === 'done' ? consents.data : []}
              />
            </>
          )}
        </>
      )}
    </Page>
  );
}

function LookupForm({ current, onFound }: { current: string | null; onFound: (subject: string | null) => void }) {
  const [typed, setTyped] = usePersistedState('guide.subject.typed', current ? formatPersonnummer(current) : '');
  const [submitted, setSubmitted] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const check = checkPersonnummer(typed);
  const showError = check.state === 'invalid' || (submitted && check.state !== 'valid');
  const error = !showError ? undefined : check.state === 'empty' ? 'Skriv personnumret.' : check.message;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (check.state !== 'valid') {
      input.current?.focus();
      return;
    }
    setTyped(formatPersonnummer(check.value));
    onFound(check.value);
  };

  return (
    <section aria-labelledby="sok-rubrik">
      <h2 id="sok-rubrik">Sök person</h2>
      <form onSubmit={submit} noValidate className="lookup-form">
        <Field
          label="Personnummer eller samordningsnummer"
          hint="ÅÅÅÅMMDD-NNNN. Numret kontrolleras medan du skriver."
          error={error}
        >
          {(props) => (
            <input
              {...props}
              ref={input}
              name="personnummer"
              inputMode="numeric"
              autoComplete="off"
              maxLength={20}
              size={16}
              value={typed}
              onChange={(event) => {
                setTyped(event.target.value);
                setSubmitted(false);
              }}
            />
          )}
        </Field>
        <p className="live-check" aria-live="polite">
          {check.state === 'valid' && <span className="check-ok">✓ {check.message}</span>}
          {check.state === 'incomplete' && !showError && <span className="muted">{check.message}</span>}
        </p>
        <button type="submit">Hämta</button>
      </form>
      {current && (
        <p className="current-subject">
          Vald person: <strong>{formatPersonnummer(current)}</strong>{' '}
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setTyped('');
              onFound(null);
            }}
          >
            Byt person
          </button>
        </p>
      )}
    </section>
  );
}

function ConsentsSection({
  subject,
  catalogues,
  consents,
}: {
  subject: string;
  catalogues: Catalogue[];
  consents: Loaded<Consent[]>;
}) {
  const { reload } = consents;
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string }>();
  const revoke = async (consent: Consent) => {
    if (
      !window.confirm('Återkalla samtycket? Det går inte att ångra, och pågående remisser som bygger på det stoppas.')
    )
      return;
    try {
      await api('POST', `/api/consents/${consent.id}/revoke`, {});
      setMessage({ kind: 'success', text: 'Samtycket är återkallat. Myndigheterna har fått besked.' });
      await reload();
    } catch (error) {
      setMessage({ kind: 'error', text: errorText(error) });
    }
  };
  const categoryText = categoryDescriber(catalogues);
  // with a consent in force the form for another one waits behind a button, to keep the page short
  const hasValid =
    consents.state === 'done' && consents.data.some((c) => c.status === 'active' || c.status === 'pending');
  const [formOpen, setFormOpen] = usePersistedState(`guide.consent-open.${subject}`, false);
  return (
    <section aria-labelledby="samtycken-rubrik">
      <h2 id="samtycken-rubrik">Samtycken</h2>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {consents.state === 'loading' && <Busy>Hämtar samtycken …</Busy>}
      {consents.state === 'error' && <Alert>{errorText(consents.error)}</Alert>}
      {consents.state === 'done' && consents.data.length === 0 && (
        <p>Personen har inget samtycke registrerat hos er enhet.</p>
      )}
      {consents.state === 'done' && consents.data.length > 0 && (
        <table>
          <caption className="sr-only">Personens samtycken till er enhet</caption>
          <thead>
            <tr>
              <th scope="col">Ändamål</th>
              <th scope="col">Uppgifter</th>
              <th scope="col">Lämnat</th>
              <th scope="col">Giltigt</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Åtgärd</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {consents.data.map((consent) => (
              <tr key={consent.id}>
                <td>{consent.purposes.map((p) => PURPOSE_TEXT[p]).join(', ')}</td>
                <td>
                  <ul className="plain-list">
                    {consent.categories.map((code) => (
                      <li key={code}>{categoryText(code)}</li>
                    ))}
                  </ul>
                </td>
                <td>
                  {CONSENT_METHOD_TEXT[consent.method]}, {consent.recordedBy}
                </td>
                <td>
                  {formatDate(consent.validFrom)} – {formatDate(consent.validUntil)}
                </td>
                <td>{CONSENT_STATUS_TEXT[consent.status] ?? consent.status}</td>
                <td>
                  {(consent.status === 'active' || consent.status === 'pending') && (
                    <button type="button" className="secondary" onClick={() => void revoke(consent)}>
                      Återkalla
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {hasValid && (
        <button
          type="button"
          className="secondary"
          aria-expanded={formOpen}
          aria-controls="samtycke-formular"
          onClick={() => setFormOpen(!formOpen)}
        >
          {formOpen ? 'Dölj formuläret för nytt samtycke' : 'Registrera ett nytt samtycke'}
        </button>
      )}
      {(!hasValid || formOpen) && (
        <ConsentForm
          subject={subject}
          catalogues={catalogues}
          onRecorded={async () => {
            setFormOpen(false);
            setMessage({ kind: 'success', text: 'Samtycket är sparat.' });
            await reload();
          }}
        />
      )}
    </section>
  );
}

/** "Försäkringskassan: Utbetalningar …" for a category code, from the catalogues. */
export function categoryDescriber(catalogues: Catalogue[]) {
  return (code: string) => {
    const catalogue = catalogues.find((c) => c.categories.some((x) => x.code === code));
    const category = catalogue?.categories.find((x) => x.code === code);
    return catalogue && category ? `${agencyName(catalogue.agency)}: ${category.description}` : code;
  };
}

interface ConsentDraft {
  purposes: Purpose[];
  categories: string[];
  method: ConsentMethod | '';
  validUntil: string;
}

function ConsentForm({
  subject,
  catalogues,
  onRecorded,
}: {
  subject: string;
  catalogues: Catalogue[];
  onRecorded: () => Promise<void>;
}) {
  const today = swedishToday();
  const latest = addMonths(today, 12);
  const initial: ConsentDraft = {
    purposes: ['vagledning'],
    categories: [],
    method: '',
    validUntil: addMonths(today, 6),
  };
  const [draft, setDraft, clear] = usePersistedState<ConsentDraft>(`guide.consent.${subject}`, initial);
  const [errors, setErrors] = useState<Partial<Record<keyof ConsentDraft, string>>>({});
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (draft.purposes.length === 0) found.purposes = 'Välj minst ett ändamål.';
    if (draft.categories.length === 0) found.categories = 'Välj minst en uppgift som personen samtycker till.';
    if (!draft.method) found.method = 'Välj hur personen lämnade samtycket.';
    if (!isCalendarDay(draft.validUntil.trim())) found.validUntil = 'Skriv ett datum som finns, som ÅÅÅÅ-MM-DD.';
    else if (draft.validUntil < today) found.validUntil = 'Datumet har redan passerat. Välj ett senare datum.';
    else if (draft.validUntil > latest)
      found.validUntil = `Ett samtycke gäller högst 12 månader, alltså längst till ${formatDate(latest)}.`;
    setErrors(found);
    setProblem(undefined);
    if (Object.keys(found).length > 0) {
      setProblem('Samtycket är inte sparat. Rätta det som är markerat.');
      return;
    }
    setSaving(true);
    try {
      await api('POST', '/api/consents', {
        subject,
        purposes: draft.purposes,
        agencies: [...new Set(draft.categories.map((code) => code.slice(0, code.indexOf('.'))))],
        categories: draft.categories,
        method: draft.method,
        validUntil: draft.validUntil.trim(),
      });
      clear();
      await onRecorded();
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      id="samtycke-formular"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="nytt-samtycke-rubrik"
      className="card"
    >
      <h3 id="nytt-samtycke-rubrik">Registrera samtycke</h3>
      {problem && <Alert>{problem}</Alert>}
      <CheckboxGroup
        legend="Ändamål som samtycket gäller"
        error={errors.purposes}
        options={PURPOSES.map((p) => ({ value: p, label: PURPOSE_TEXT[p] }))}
        selected={draft.purposes}
        onChange={(purposes) => setDraft({ ...draft, purposes: purposes as Purpose[] })}
      />
      <fieldset aria-describedby={errors.categories ? 'samtycke-uppgifter-fel' : undefined}>
        <legend>Uppgifter som personen samtycker till att myndigheterna lämnar</legend>
        {errors.categories && (
          <p className="error-text" id="samtycke-uppgifter-fel">
            {errors.categories}
          </p>
        )}
        <CategoryChoices
          catalogues={catalogues}
          selected={draft.categories}
          onChange={(categories) => setDraft({ ...draft, categories })}
        />
      </fieldset>
      <fieldset aria-describedby={errors.method ? 'samtycke-satt-fel' : undefined}>
        <legend>Hur personen lämnade samtycket</legend>
        {errors.method && (
          <p className="error-text" id="samtycke-satt-fel">
            {errors.method}
          </p>
        )}
        <div className="choices">
          {CONSENT_METHODS.map((method) => (
            <label key={method}>
              <input
                type="radio"
                name="consent-method"
                value={method}
                checked={draft.method === method}
                onChange={() => setDraft({ ...draft, method })}
              />
              {CONSENT_METHOD_TEXT[method]}
            </label>
          ))}
        </div>
      </fieldset>
      <Field
        label="Gäller till och med"
        hint={`ÅÅÅÅ-MM-DD. Högst 12 månader, längst till ${formatDate(latest)} (${latest}).`}
        error={errors.validUntil}
      >
        {(props) => (
          <input
            {...props}
            inputMode="numeric"
            autoComplete="off"
            maxLength={10}
            size={12}
            value={draft.validUntil}
            onChange={(event) => setDraft({ ...draft, validUntil: event.target.value })}
          />
        )}
      </Field>
      <button type="submit" disabled={saving}>
        Spara samtycke
      </button>
      {saving && <Busy>Sparar samtycket …</Busy>}
    </form>
  );
}

interface QueryDraft {
  purpose: Purpose;
  agencies: string[];
  categories: string[];
  consentId: string;
  justification: string;
}

function QuerySection({
  subject,
  catalogues,
  consents,
  isProtected,
  onProtected,
}: {
  subject: string;
  catalogues: Catalogue[];
  consents: Consent[];
  isProtected: boolean;
  onProtected: (instruction?: string) => void;
}) {
  const initial: QueryDraft = {
    purpose: 'vagledning',
    agencies: catalogues.map((c) => c.agency),
    categories: [],
    consentId: '',
    justification: '',
  };
  const [draft, setDraft] = usePersistedState<QueryDraft>(`guide.query.${subject}`, initial);
  const [progress, setProgress] = useState<QueryProgress>(IDLE);
  const [problem, setProblem] = useState<string>();
  const [errors, setErrors] = useState<{ agencies?: string; justification?: string }>({});
  const abort = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (progress.protectedIdentity) onProtected(progress.handlingInstruction);
  }, [progress.protectedIdentity, progress.handlingInstruction]);
  const chosenCatalogues = catalogues.filter((c) => draft.agencies.includes(c.agency));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    const agencies = catalogues.map((c) => c.agency).filter((agency) => draft.agencies.includes(agency));
    if (agencies.length === 0) found.agencies = 'Välj minst en myndighet att fråga.';
    if (isProtected && draft.justification.trim().length < 10)
      found.justification = 'Skriv varför du behöver uppgifterna, med minst 10 tecken.';
    setErrors(found);
    setProblem(undefined);
    if (Object.keys(found).length > 0) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const categories = draft.categories.filter((code) => agencies.includes(code.slice(0, code.indexOf('.'))));
    setProgress(startQuery(agencies));
    try {
      const response = await apiFetch(
        'POST',
        '/api/queries/stream',
        {
          subject,
          purpose: draft.purpose,
          agencies,
          ...(categories.length > 0 && { categories }),
          ...(draft.consentId && { consentId: draft.consentId }),
          ...(draft.justification.trim() && { justification: draft.justification.trim() }),
        },
        { headers: { accept: 'text/event-stream' }, signal: controller.signal },
      );
      await readEventStream(response.body!, (sse) => {
        setProgress((current) => applyQueryEvent(current, sse.event, JSON.parse(sse.data), describeAgencyState));
      });
      setProgress((current) =>
        current.phase === 'running'
          ? failQuery(current, 'Anslutningen bröts innan alla svar kom. Fråga igen.')
          : current,
      );
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      setProgress(IDLE);
      setProblem(errorText(error));
    }
  };

  return (
    <section aria-labelledby="fraga-rubrik">
      <h2 id="fraga-rubrik">Fråga myndigheterna</h2>
      <form onSubmit={(event) => void submit(event)} noValidate className="card" aria-labelledby="fraga-rubrik">
        {problem && <Alert>{problem}</Alert>}
        <PurposeSelect
          hint="Varför du frågar. Avtalet med myndigheten avgör vilka ändamål som är tillåtna."
          value={draft.purpose}
          onChange={(purpose) => setDraft({ ...draft, purpose })}
        />
        <CheckboxGroup
          legend="Myndigheter att fråga"
          error={errors.agencies}
          options={catalogues.map((c) => ({ value: c.agency, label: agencyName(c.agency) }))}
          selected={draft.agencies}
          onChange={(agencies) => setDraft({ ...draft, agencies })}
        />
        <fieldset>
          <legend>Uppgifter</legend>
          <p className="hint">
            Välj de uppgifter du behöver. Väljer du inga för en myndighet frågar du efter allt som avtalet tillåter.
          </p>
          <CategoryChoices
            catalogues={chosenCatalogues}
            selected={draft.categories}
            onChange={(categories) => setDraft({ ...draft, categories })}
          />
        </fieldset>
        <ConsentSelect
          hint="Det samtycke frågan bygger på. Automatiskt val tar det som passar bäst."
          consents={consents}
          value={draft.consentId}
          onChange={(consentId) => setDraft({ ...draft, consentId })}
        />
        {isProtected && (
          <Field
            label="Motivering (krävs för skyddade personuppgifter)"
            hint="Skriv varför du behöver uppgifterna, minst 10 tecken. Motiveringen sparas i loggen."
            error={errors.justification}
          >
            {(props) => (
              <textarea
                {...props}
                maxLength={2000}
                value={draft.justification}
                onChange={(event) => setDraft({ ...draft, justification: event.target.value })}
              />
            )}
          </Field>
        )}
        <button type="submit" disabled={progress.phase === 'running'}>
          Fråga myndigheterna
        </button>
      </form>
      <QueryResults progress={progress} catalogues={catalogues} />
    </section>
  );
}
