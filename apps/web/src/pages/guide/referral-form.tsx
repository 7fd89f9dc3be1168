import { useState, type FormEvent } from 'react';
import { CONTACT_PREFERENCES, type ContactPreference, type Purpose } from '@contracts/codes';
import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Field } from '../../components.js';
import { usePersistedState } from '../../persisted-state.js';
import { useRouter } from '../../router.js';
import { CONTACT_PREFERENCE_TEXT, agencyName } from '../../texts.js';
import { ConsentSelect, PurposeSelect } from './form-fields.js';
import { errorText, responseTimeText } from './guide-texts.js';
import { PERSON_FORM_KEYS } from './person-forms.js';
import type { Catalogue, Consent } from './types.js';

interface ReferralDraft {
  agency: string;
  referralType: string;
  purpose: Purpose;
  message: string;
  contactPreference: ContactPreference | '';
  consentId: string;
}

export function ReferralForm({
  subject,
  catalogues,
  consents,
  contactId,
}: {
  subject: string;
  catalogues: Catalogue[];
  consents: Consent[];
  /** the contact the referral is made during */
  contactId?: string;
}) {
  const { navigate } = useRouter();
  const receiving = catalogues.filter((c) => c.referralTypes.length > 0);
  const initial: ReferralDraft = {
    agency: '',
    referralType: '',
    purpose: 'vagledning',
    message: '',
    contactPreference: '',
    consentId: '',
  };
  const [draft, setDraft, clear] = usePersistedState<ReferralDraft>(PERSON_FORM_KEYS.referral(subject), initial);
  const [errors, setErrors] = useState<Partial<Record<keyof ReferralDraft, string>>>({});
  const [problem, setProblem] = useState<string>();
  const [sending, setSending] = useState(false);
  const types = receiving.find((c) => c.agency === draft.agency)?.referralTypes ?? [];
  const type = types.find((t) => t.code === draft.referralType);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!draft.agency) found.agency = 'Välj vilken myndighet remissen ska till.';
    if (!type) found.referralType = 'Välj vilken sorts remiss det är.';
    if (!draft.message.trim()) found.message = 'Skriv vad myndigheten behöver veta.';
    if (!draft.contactPreference) found.contactPreference = 'Välj hur personen vill bli kontaktad.';
    setErrors(found);
    setProblem(undefined);
    if (Object.keys(found).length > 0) {
      setProblem('Remissen är inte skickad. Rätta det som är markerat.');
      return;
    }
    setSending(true);
    try {
      const referral = await answer(
        hub.POST('/api/referrals', {
          body: {
            subject,
            agency: draft.agency,
            referralType: draft.referralType,
            purpose: draft.purpose,
            message: draft.message.trim(),
            // not empty: checked above
            contactPreference: draft.contactPreference as ContactPreference,
            ...(draft.consentId && { consentId: draft.consentId }),
            ...(contactId && { contactId }),
          },
        }),
      );
      clear();
      navigate(`/remisser/${referral.id}`);
    } catch (error) {
      setProblem(errorText(error));
      setSending(false);
    }
  };

  return (
    <section aria-labelledby="remiss-rubrik">
      <h2 id="remiss-rubrik">Skicka remiss</h2>
      <form onSubmit={(event) => void submit(event)} noValidate className="card" aria-labelledby="remiss-rubrik">
        {problem && <Alert>{problem}</Alert>}
        <Field label="Myndighet" error={errors.agency}>
          {(props) => (
            <select
              {...props}
              value={draft.agency}
              onChange={(event) => setDraft({ ...draft, agency: event.target.value, referralType: '' })}
            >
              <option value="">Välj myndighet</option>
              {receiving.map((c) => (
                <option key={c.agency} value={c.agency}>
                  {agencyName(c.agency)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Typ av remiss"
          hint={
            type
              ? `Myndigheten ska svara ${responseTimeText(type.responseTimeHours)}.`
              : 'Välj först myndighet. Typerna kommer från myndighetens katalog.'
          }
          error={errors.referralType}
        >
          {(props) => (
            <select
              {...props}
              value={draft.referralType}
              disabled={types.length === 0}
              onChange={(event) => setDraft({ ...draft, referralType: event.target.value })}
            >
              <option value="">Välj typ</option>
              {types.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.description}
                </option>
              ))}
            </select>
          )}
        </Field>
        <PurposeSelect value={draft.purpose} onChange={(purpose) => setDraft({ ...draft, purpose })} />
        <Field
          label="Meddelande till myndigheten"
          hint="Vad personen behöver hjälp med. Skriv inte mer än myndigheten behöver veta. Högst 4 000 tecken."
          error={errors.message}
        >
          {(props) => (
            <textarea
              {...props}
              maxLength={4000}
              value={draft.message}
              onChange={(event) => setDraft({ ...draft, message: event.target.value })}
            />
          )}
        </Field>
        <fieldset aria-describedby={errors.contactPreference ? 'kontakt-fel' : undefined}>
          <legend>Hur vill personen bli kontaktad?</legend>
          {errors.contactPreference && (
            <p className="error-text" id="kontakt-fel">
              {errors.contactPreference}
            </p>
          )}
          <div className="choices">
            {CONTACT_PREFERENCES.map((preference) => (
              <label key={preference}>
                <input
                  type="radio"
                  name="contact-preference"
                  value={preference}
                  checked={draft.contactPreference === preference}
                  onChange={() => setDraft({ ...draft, contactPreference: preference })}
                />
                {CONTACT_PREFERENCE_TEXT[preference]}
              </label>
            ))}
          </div>
        </fieldset>
        <ConsentSelect
          hint="Det samtycke remissen bygger på. Automatiskt val tar det som passar bäst."
          consents={consents}
          value={draft.consentId}
          onChange={(consentId) => setDraft({ ...draft, consentId })}
        />
        <button type="submit" disabled={sending}>
          Skicka remiss
        </button>
        {sending && <Busy>Skickar remissen …</Busy>}
      </form>
    </section>
  );
}
