import { clearPersistedState } from '../../persisted-state.js';

/**
 * The keys under which /fraga keeps, in the tab, what the guide typed about the person looked up: the number in the
 * lookup field and the drafts of that person's forms. One list, so that forgetting the person forgets all of it.
 */
export const PERSON_FORM_KEYS = {
  typedNumber: 'guide.subject.typed',
  query: (subject: string) => `guide.query.${subject}`,
  consent: (subject: string) => `guide.consent.${subject}`,
  consentFormOpen: (subject: string) => `guide.consent-open.${subject}`,
  referral: (subject: string) => `guide.referral.${subject}`,
};

/** The person's number and the drafts of their forms, gone from the tab. */
export function forgetPersonForms(subject: string): void {
  clearPersistedState(
    PERSON_FORM_KEYS.typedNumber,
    PERSON_FORM_KEYS.query(subject),
    PERSON_FORM_KEYS.consent(subject),
    PERSON_FORM_KEYS.consentFormOpen(subject),
    PERSON_FORM_KEYS.referral(subject),
  );
}
