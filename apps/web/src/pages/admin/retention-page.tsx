import { useState, type FormEvent } from 'react';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { ApiError } from '../../api/api-fetch.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { apiErrorText } from '../../texts.js';
import { useLoad } from '../../use-load.js';

type Settings = HubSchemas['RetentionSettingsView'];
type Periods = HubSchemas['RetentionPeriodsView'];
type PeriodField = keyof Periods;

/** Each period in the order of the form, its Swedish label and unit, and its bounds (as the API checks them). */
const FIELDS: { field: PeriodField; label: string; unit: string; min: number; max: number; hint: string }[] = [
  {
    field: 'contactMonths',
    label: 'Kontakter',
    unit: 'månader',
    min: 1,
    max: 120,
    hint: 'Personnummer och anteckning tas bort från kontakten efter så här lång tid. Kontakten finns kvar i statistiken.',
  },
  {
    field: 'consentMonths',
    label: 'Samtycken',
    unit: 'månader',
    min: 1,
    max: 120,
    hint: 'Räknas från att samtycket upphörde (återkallat eller sista giltighetsdag).',
  },
  {
    field: 'referralYears',
    label: 'Remisser',
    unit: 'år',
    min: 1,
    max: 50,
    hint: 'Räknas från att remissen avslutades, avböjdes eller återkallades.',
  },
  {
    field: 'errandYears',
    label: 'Ärenden och klagomål',
    unit: 'år',
    min: 1,
    max: 50,
    hint: 'Räknas från att ärendet avslutades eller drogs tillbaka.',
  },
  {
    field: 'queryOutcomeMonths',
    label: 'Frågeutfall (statistik)',
    unit: 'månader',
    min: 1,
    max: 120,
    hint: 'Utfallet per myndighet av varje fråga, underlag för uppföljningen.',
  },
  {
    field: 'sessionDays',
    label: 'Inloggningar',
    unit: 'dagar',
    min: 1,
    max: 365,
    hint: 'Räknas från att inloggningen gick ut.',
  },
  {
    field: 'auditYears',
    label: 'Granskningsloggen',
    unit: 'år',
    min: 1,
    max: 50,
    hint: 'Så länge efter årets slut går loggens poster att knyta till en person. Sedan förstörs årets nyckel: posterna finns kvar men pekar inte ut någon. Den längsta tiden bland kommunerna gäller.',
  },
];

const problem = (err: unknown) =>
  err instanceof ApiError ? apiErrorText(err.code, err.status) : 'Det gick inte att spara. Försök igen.';

/** /gallring: the municipality's retention periods (gallringsfrister) for its admin, from its document-management plan. */
export function RetentionPage() {
  const settings = useLoad('/api/retention', () => answer(hub.GET('/api/retention')));
  // kept here: the form is made anew from what is stored once it is saved
  const [message, setMessage] = useState<Message>();
  return (
    <Page title="Gallring">
      <p>
        Hur länge hubben sparar kommunens uppgifter, enligt dokumenthanteringsplanen. Varje natt tas det bort som har
        passerat sin gallringsfrist. Ändringar loggas.
      </p>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {settings.state === 'loading' && <Busy>Hämtar gallringsfristerna …</Busy>}
      {settings.state === 'error' && <Alert>{problem(settings.error)}</Alert>}
      {settings.state === 'done' && (
        // a new form once saved, so that it starts from what is stored
        <RetentionForm
          key={settings.data.updatedAt ?? 'defaults'}
          settings={settings.data}
          onSaved={settings.reload}
          message={message}
          setMessage={setMessage}
        />
      )}
    </Page>
  );
}

type Message = { kind: 'success' | 'error'; text: string };

function RetentionForm({
  settings,
  onSaved,
  message,
  setMessage,
}: {
  settings: Settings;
  onSaved: () => Promise<void>;
  message: Message | undefined;
  setMessage: (message: Message | undefined) => void;
}) {
  const [values, setValues] = useState<Record<PeriodField, string>>(() => textsOf(settings));
  const errors = Object.fromEntries(
    FIELDS.map(({ field, min, max, unit }) => {
      const n = Number(values[field]);
      const ok = /^\d+$/.test(values[field].trim()) && n >= min && n <= max;
      return [field, ok ? undefined : `Ange ett heltal från ${min} till ${max} ${unit}.`];
    }),
  ) as Record<PeriodField, string | undefined>;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (Object.values(errors).some(Boolean)) {
      setMessage({ kind: 'error', text: 'Rätta de markerade fälten.' });
      return;
    }
    setMessage(undefined);
    try {
      const body = Object.fromEntries(FIELDS.map(({ field }) => [field, Number(values[field])])) as Periods;
      await answer(hub.PUT('/api/retention', { body }));
      setMessage({ kind: 'success', text: 'Gallringsfristerna är sparade.' });
      await onSaved();
    } catch (err) {
      setMessage({ kind: 'error', text: problem(err) });
    }
  }

  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <p className="muted">
        {settings.updatedAt
          ? `Senast ändrade ${formatDateTime(settings.updatedAt)} av ${settings.updatedBy}.`
          : 'Hubbens förval gäller tills kommunen har sparat egna frister.'}
      </p>
      {FIELDS.map(({ field, label, unit, min, max, hint }) => (
        <Field
          key={field}
          label={`${label} (${unit})`}
          hint={`${hint} Förval: ${settings.defaults[field]} ${unit}.`}
          error={message?.kind === 'error' ? errors[field] : undefined}
        >
          {(props) => (
            <input
              {...props}
              type="number"
              inputMode="numeric"
              min={min}
              max={max}
              value={values[field]}
              onChange={(e) => setValues({ ...values, [field]: e.target.value })}
            />
          )}
        </Field>
      ))}
      <button type="submit">Spara gallringsfristerna</button>
    </form>
  );
}

function textsOf(settings: Settings): Record<PeriodField, string> {
  return Object.fromEntries(FIELDS.map(({ field }) => [field, String(settings[field])])) as Record<PeriodField, string>;
}
