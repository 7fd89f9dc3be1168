import { useState } from 'react';
import { hub } from '../../../api/hub.js';
import { Alert, Busy } from '../../../components.js';
import { formatDate } from '../../../format.js';
import { usePersistedState } from '../../../persisted-state.js';
import { CONSENT_METHOD_TEXT, PURPOSE_TEXT } from '../../../texts.js';
import { CONSENT_STATUS_TEXT, errorText } from '../guide-texts.js';
import { PERSON_FORM_KEYS } from '../person-forms.js';
import type { Catalogue, Consent } from '../types.js';
import type { Loaded } from '../../../use-load.js';
import { categoryDescriber } from './category-describer.js';
import { ConsentForm } from './consent-form.js';

export function ConsentsSection({
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
      await hub.POST('/api/consents/{id}/revoke', { params: { path: { id: consent.id } } });
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
  const [formOpen, setFormOpen] = usePersistedState(PERSON_FORM_KEYS.consentFormOpen(subject), false);
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
