import { useCallback, useState, type FormEvent } from 'react';
import { PURPOSES, type ConsentMethod, type Purpose } from '@contracts/codes';
import { ApiError } from '../../../api/api-fetch.js';
import { answer, hub } from '../../../api/hub.js';
import { Alert, Busy, Field } from '../../../components.js';
import { formatDate } from '../../../format.js';
import { usePersistedState } from '../../../persisted-state.js';
import { CONSENT_METHOD_TEXT, PURPOSE_TEXT } from '../../../texts.js';
import { CategoryChoices, CheckboxGroup } from '../form-fields.js';
import { PERSON_FORM_KEYS } from '../person-forms.js';
import { useMe } from '../../../session.js';
import { useLoad } from '../../../use-load.js';
import { addDays, addMonths, errorText, isCalendarDay, swedishToday } from '../guide-texts.js';
import type { Catalogue } from '../types.js';
import { ConsentSigningPanel, type ConsentSigning } from './consent-signing.js';

/**
 * The ways a new consent is given: signed by the citizen first; the retired `e-signature` is not offered. A consent
 * by phone is valid for a shorter time, which the municipality sets; the citizen sees it in "Mina uppgifter".
 */
const NEW_CONSENT_METHODS = [
  'e-legitimation',
  'in-person-written',
  'in-person-verbal',
  'telefon',
] as const satisfies ConsentMethod[];

/** The hub's refusal of a phone consent valid for too long names the municipality's limit. */
function phoneLimitText(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'telefon-consent-too-long') return undefined;
  const details = error.details as { maxDays?: number; latestValidUntil?: string } | undefined;
  if (!details?.maxDays || !details.latestValidUntil) return undefined;
  return (
    `Ett samtycke per telefon gäller högst ${details.maxDays} dagar hos er, alltså längst till ` +
    `${formatDate(details.latestValidUntil)} (${details.latestValidUntil}).`
  );
}

interface ConsentDraft {
  purposes: Purpose[];
  categories: string[];
  method: ConsentMethod | '';
  validUntil: string;
}

export function ConsentForm({
  subject,
  catalogues,
  onRecorded,
}: {
  subject: string;
  catalogues: Catalogue[];
  onRecorded: () => Promise<void>;
}) {
  const today = swedishToday();
  const me = useMe();
  const initial: ConsentDraft = {
    purposes: ['vagledning'],
    categories: [],
    method: '',
    validUntil: addMonths(today, 6),
  };
  const [draft, setDraft, clear] = usePersistedState<ConsentDraft>(PERSON_FORM_KEYS.consent(subject), initial);
  // how long a consent by phone lasts here: the municipality's setting (30 days unless it set another)
  const organisation = useLoad(draft.method === 'telefon' ? `/api/organisations/${me.organisation}` : undefined, () =>
    answer(hub.GET('/api/organisations/{number}', { params: { path: { number: me.organisation } } })),
  );
  const phoneDays = organisation.state === 'done' ? organisation.data.phoneConsentDays : undefined;
  const latest =
    draft.method === 'telefon' && phoneDays !== undefined ? addDays(today, phoneDays) : addMonths(today, 12);
  const [errors, setErrors] = useState<Partial<Record<keyof ConsentDraft, string>>>({});
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [signing, setSigning] = useState<ConsentSigning>();
  const signed = useCallback(async () => {
    clear();
    await onRecorded();
  }, [clear, onRecorded]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (draft.purposes.length === 0) found.purposes = 'Välj minst ett ändamål.';
    if (draft.categories.length === 0) found.categories = 'Välj minst en uppgift som personen samtycker till.';
    if (!draft.method) found.method = 'Välj hur personen lämnade samtycket.';
    if (!isCalendarDay(draft.validUntil.trim())) found.validUntil = 'Skriv ett datum som finns, som ÅÅÅÅ-MM-DD.';
    else if (draft.validUntil < today) found.validUntil = 'Datumet har redan passerat. Välj ett senare datum.';
    else if (draft.validUntil > latest)
      found.validUntil =
        draft.method === 'telefon'
          ? `Ett samtycke per telefon gäller högst ${phoneDays} dagar hos er, alltså längst till ${formatDate(latest)}.`
          : `Ett samtycke gäller högst 12 månader, alltså längst till ${formatDate(latest)}.`;
    setErrors(found);
    setProblem(undefined);
    if (Object.keys(found).length > 0) {
      setProblem('Samtycket är inte sparat. Rätta det som är markerat.');
      return;
    }
    setSaving(true);
    const agencies = [...new Set(draft.categories.map((code) => code.slice(0, code.indexOf('.'))))];
    if (draft.method === 'e-legitimation') {
      try {
        setSigning(
          await answer(
            hub.POST('/api/consent-signings', {
              body: {
                subject,
                purposes: draft.purposes,
                agencies,
                categories: draft.categories,
                validUntil: draft.validUntil.trim(),
              },
            }),
          ),
        );
      } catch (error) {
        setProblem(errorText(error));
      } finally {
        setSaving(false);
      }
      return;
    }
    try {
      await hub.POST('/api/consents', {
        body: {
          subject,
          purposes: draft.purposes,
          agencies,
          categories: draft.categories,
          // not empty: checked above
          method: draft.method as ConsentMethod,
          validUntil: draft.validUntil.trim(),
        },
      });
      clear();
      await onRecorded();
    } catch (error) {
      const limit = phoneLimitText(error);
      if (limit) setErrors({ validUntil: limit });
      setProblem(limit ? 'Samtycket är inte sparat. Rätta det som är markerat.' : errorText(error));
    } finally {
      setSaving(false);
    }
  };

  if (signing) {
    return <ConsentSigningPanel started={signing} onRecorded={signed} onEnded={() => setSigning(undefined)} />;
  }

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
          {NEW_CONSENT_METHODS.map((method) => (
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
        hint={
          draft.method === 'telefon'
            ? phoneDays !== undefined
              ? `ÅÅÅÅ-MM-DD. Ett samtycke per telefon gäller högst ${phoneDays} dagar, längst till ${formatDate(latest)} (${latest}).`
              : 'ÅÅÅÅ-MM-DD. Ett samtycke per telefon gäller kortare tid, högst så många dagar som kommunen har bestämt.'
            : `ÅÅÅÅ-MM-DD. Högst 12 månader, längst till ${formatDate(latest)} (${latest}).`
        }
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
        {draft.method === 'e-legitimation' ? 'Starta signering' : 'Spara samtycke'}
      </button>
      {saving && <Busy>{draft.method === 'e-legitimation' ? 'Startar signeringen …' : 'Sparar samtycket …'}</Busy>}
    </form>
  );
}
