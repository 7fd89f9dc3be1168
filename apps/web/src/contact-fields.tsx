import { Field } from './components.js';

export interface ContactDetails {
  name: string;
  phone: string;
  email: string;
}

/** Name, telephone and e-mail of the person an answer goes to: the same three fields wherever one is asked for. */
export function ContactFields<T extends ContactDetails>({
  value,
  onChange,
}: {
  value: T;
  onChange: (next: T) => void;
}) {
  return (
    <>
      <Field label="Namn">
        {(props) => (
          <input {...props} value={value.name} onChange={(e) => onChange({ ...value, name: e.target.value })} />
        )}
      </Field>
      <Field label="Telefon">
        {(props) => (
          <input
            {...props}
            type="tel"
            value={value.phone}
            onChange={(e) => onChange({ ...value, phone: e.target.value })}
          />
        )}
      </Field>
      <Field label="E-post">
        {(props) => (
          <input
            {...props}
            type="email"
            value={value.email}
            onChange={(e) => onChange({ ...value, email: e.target.value })}
          />
        )}
      </Field>
    </>
  );
}
