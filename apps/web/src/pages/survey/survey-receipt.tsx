import { useState } from 'react';
import { hub, answer } from '../../api/hub.js';
import { Alert } from '../../components.js';
import { Link } from '../../router.js';
import type { Contact } from '../guide/contact-form.js';

const errorText = (error: unknown) => (error instanceof Error ? error.message : 'Något gick fel. Försök igen.');

/**
 * The receipt of the contact just logged: its survey, as a link to read out or send (phone, e-mail and the other
 * channels at a distance), or shown on the unit's tablet for a visitor; and a complaint about it. The survey token is
 * shown only here: the hub keeps it hashed.
 */
export function SurveyReceipt({ contact }: { contact: Contact }) {
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string }>();
  const [pairing, setPairing] = useState<{ code: string; expiresAt: string }>();
  const survey = contact.survey;
  if (!survey) return null;
  const link = new URL(survey.path, window.location.origin).href;

  async function offer() {
    setMessage(undefined);
    try {
      await hub.POST('/api/surveys/kiosk-offers', { body: { token: survey!.token } });
      setMessage({ kind: 'success', text: 'Enkäten visas nu på surfplattan i 10 minuter.' });
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    }
  }

  async function pair() {
    setMessage(undefined);
    try {
      setPairing(await answer(hub.POST('/api/surveys/kiosk-pairings')));
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    }
  }

  return (
    <section aria-labelledby="kvitto" className="receipt">
      <h2 id="kvitto">Kontakten är sparad</h2>
      <p>Be personen svara på tre frågor om servicen. Enkäten är anonym och länken fungerar en gång, i 14 dagar.</p>
      {contact.channel === 'besok' ? (
        <p className="receipt-actions">
          <button type="button" onClick={() => void offer()}>
            Visa enkät på surfplattan
          </button>{' '}
          <button type="button" className="secondary" onClick={() => void pair()}>
            Koppla surfplatta
          </button>
        </p>
      ) : null}
      <p>
        Länk till enkäten{contact.channel === 'besok' ? ' (om personen hellre svarar i mobilen)' : ''}:{' '}
        <a href={survey.path} data-survey-link="" target="_blank" rel="noreferrer">
          {link}
        </a>{' '}
        <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(link)}>
          Kopiera länken
        </button>
      </p>
      {pairing && (
        <Alert kind="success">
          Öppna {window.location.origin}/enkat på surfplattan och skriv koden <strong>{pairing.code}</strong>. Koden
          gäller i 10 minuter.
        </Alert>
      )}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      <p>
        <Link
          to={`/klagomal/ny?kanal=${encodeURIComponent(contact.channel)}&amne=${encodeURIComponent(contact.topic)}`}
        >
          Registrera klagomål eller synpunkt från kontakten
        </Link>
      </p>
    </section>
  );
}
