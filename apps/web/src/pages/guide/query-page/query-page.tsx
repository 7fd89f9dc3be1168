import { Fragment, useEffect } from 'react';
import { answer, hub } from '../../../api/hub.js';
import { Alert, Busy, Page } from '../../../components.js';
import { usePersistedState } from '../../../persisted-state.js';
import { useRouter } from '../../../router.js';
import { ContactSummary } from '../contact-summary.js';
import { errorText, inAgencyOrder } from '../guide-texts.js';
import { forgetPersonForms } from '../person-forms.js';
import { ProtectedIdentityWarning } from '../query-results.js';
import { ReferralForm } from '../referral-form.js';
import type { Catalogue } from '../types.js';
import { useLoad, type Loaded } from '../../../use-load.js';
import { LookupForm } from './lookup-form.js';
import { ConsentsSection } from './consents-section.js';
import { QuerySection } from './query-section.js';

/** The person looked up, and the contact they were looked up under (null: on /fraga without one). */
interface LookedUp {
  subject: string;
  contactId: string | null;
}

/**
 * /fraga: look a citizen up, see and record their consent, ask the agencies, send a referral. From a contact
 * (/fraga?kontakt=<id>, after one logged as referred) the queries and the referral name the contact.
 *
 * The person looked up stays for a reload, but not into another contact: a referral made during the next contact
 * must never go out for the previous contact's person. Opened for a contact other than the one the person was looked
 * up under (or for any contact, when they were looked up without one), the page starts with no person, and forgets
 * what was typed about the earlier one.
 */
export function QueryPage() {
  const { search } = useRouter();
  const contactId = new URLSearchParams(search).get('kontakt') ?? undefined;
  const [person, setPerson] = usePersistedState<LookedUp | null>('guide.person', null);
  const belongsHere = person !== null && (contactId === undefined || person.contactId === contactId);
  const subject = belongsHere ? person.subject : null;
  const earlierPerson = person !== null && !belongsHere ? person.subject : undefined;
  useEffect(() => {
    if (earlierPerson === undefined) return;
    forgetPersonForms(earlierPerson);
    setPerson(null);
  }, [earlierPerson]);
  const [protectedSubject, setProtectedSubject] = usePersistedState<{ subject: string; instruction?: string } | null>(
    'guide.protected',
    null,
  );
  const loadedCatalogues = useLoad('/api/catalogues', () => answer(hub.GET('/api/catalogues')));
  const catalogues: Loaded<Catalogue[]> =
    loadedCatalogues.state === 'done'
      ? { ...loadedCatalogues, data: inAgencyOrder(loadedCatalogues.data) }
      : loadedCatalogues;
  const consents = useLoad(subject ? `/api/consents?subject=${encodeURIComponent(subject)}` : undefined, () =>
    answer(hub.GET('/api/consents', { params: { query: { subject: subject! } } })),
  );
  const isProtected = subject !== null && protectedSubject?.subject === subject;

  return (
    <Page title="Fråga myndigheter">
      {contactId && (
        <p className="from-contact">
          Under kontakten: <ContactSummary id={contactId} />
        </p>
      )}
      {/* mounted again only once the earlier person's typed number is forgotten */}
      {earlierPerson === undefined && (
        <LookupForm
          current={subject}
          onFound={(found) => setPerson(found === null ? null : { subject: found, contactId: contactId ?? null })}
        />
      )}
      {subject && (
        // a new person is a new set of forms: nothing the earlier person's answers or drafts left in them stays
        <Fragment key={subject}>
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
                contactId={contactId}
              />
              <ReferralForm
                subject={subject}
                catalogues={catalogues.data}
                consents={consents.state === 'done' ? consents.data : []}
                contactId={contactId}
              />
            </>
          )}
        </Fragment>
      )}
    </Page>
  );
}
