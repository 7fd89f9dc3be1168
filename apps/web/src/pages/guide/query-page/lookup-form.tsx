import { useRef, useState, type FormEvent } from 'react';
import { Field } from '../../../components.js';
import { formatPersonnummer } from '../../../format.js';
import { usePersistedState } from '../../../persisted-state.js';
import { PERSON_FORM_KEYS } from '../person-forms.js';
import { checkPersonnummer } from '../personnummer-input.js';

export function LookupForm({
  current,
  onFound,
}: {
  current: string | null;
  onFound: (subject: string | null) => void;
}) {
  const [typed, setTyped] = usePersistedState(PERSON_FORM_KEYS.typedNumber, current ? formatPersonnummer(current) : '');
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
