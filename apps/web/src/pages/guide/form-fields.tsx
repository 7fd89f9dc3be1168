import { useId } from 'react';
import { PURPOSES, type Purpose } from '@contracts/codes';
import { Field } from '../../components.js';
import { formatDate } from '../../format.js';
import { PURPOSE_TEXT, SECRECY_TEXT, agencyName } from '../../texts.js';
import type { Catalogue, Consent } from './types.js';

/** The form fields the guide's consent, query and referral forms share. */

export function CheckboxGroup({
  legend,
  options,
  selected,
  onChange,
  error,
}: {
  legend: string;
  options: Array<{ value: string; label: string; note?: string; disabled?: boolean }>;
  selected: string[];
  onChange: (selected: string[]) => void;
  error?: string;
}) {
  const errorId = `${useId()}-fel`;
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      {error && (
        <p className="error-text" id={errorId}>
          {error}
        </p>
      )}
      <div className="choices choices-column">
        {options.map((option) => (
          <label key={option.value}>
            <input
              type="checkbox"
              value={option.value}
              disabled={option.disabled}
              checked={!option.disabled && selected.includes(option.value)}
              onChange={(event) =>
                onChange(
                  event.target.checked
                    ? [...selected, option.value]
                    : selected.filter((value) => value !== option.value),
                )
              }
            />
            <span>
              {option.label}
              {option.note && <span className="muted"> ({option.note})</span>}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** One group of checkboxes per agency: its categories with their secrecy class; `never` cannot be chosen. */
export function CategoryChoices({
  catalogues,
  selected,
  onChange,
}: {
  catalogues: Catalogue[];
  selected: string[];
  onChange: (selected: string[]) => void;
}) {
  return catalogues.map((catalogue) => (
    <CheckboxGroup
      key={catalogue.agency}
      legend={agencyName(catalogue.agency)}
      options={catalogue.categories.map((c) => ({
        value: c.code,
        label: c.description,
        note: SECRECY_TEXT[c.secrecyClass],
        disabled: c.secrecyClass === 'never',
      }))}
      selected={selected}
      onChange={onChange}
    />
  ));
}

export function PurposeSelect({
  hint,
  value,
  onChange,
}: {
  hint?: string;
  value: Purpose;
  onChange: (purpose: Purpose) => void;
}) {
  return (
    <Field label="Ändamål" hint={hint}>
      {(props) => (
        <select {...props} value={value} onChange={(event) => onChange(event.target.value as Purpose)}>
          {PURPOSES.map((p) => (
            <option key={p} value={p}>
              {PURPOSE_TEXT[p]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The consents in force to choose from, or none: the hub then takes the one that fits best. */
export function ConsentSelect({
  hint,
  consents,
  value,
  onChange,
}: {
  hint: string;
  consents: Consent[];
  value: string;
  onChange: (consentId: string) => void;
}) {
  return (
    <Field label="Samtycke" hint={hint}>
      {(props) => (
        <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">Välj automatiskt</option>
          {consents
            .filter((c) => c.status === 'active')
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.purposes.map((p) => PURPOSE_TEXT[p]).join(', ')}, till och med {formatDate(c.validUntil)}
              </option>
            ))}
        </select>
      )}
    </Field>
  );
}
