import { answer, hub } from '../../../api/hub.js';
import { Alert, Busy, Page } from '../../../components.js';
import { usePersistedState } from '../../../persisted-state.js';
import { useRouter } from '../../../router.js';
import { ContactSummary } from '../contact-summary.js';
import { errorText, inAgencyOrder } from '../guide-texts.js';
import { ProtectedIdentityWarning } from '../query-results.js';
import { ReferralForm } from '../referral-form.js';
import type { Catalogue } from '../types.js';
import { useLoad, type Loaded } from '../../../use-load.js';
import { LookupForm } from './lookup-form.js';
import { ConsentsSection } from './consents-section.js';
import { QuerySection } from './query-section.js';

/**
 * /fraga: look a citizen up, see and record their consent, ask the agencies, send a referral. From a contact
 * (/fraga?kontakt=<id>, after one logged as referred) the queries and the referral name the contact.
 */
export function QueryPage() {
  const { search } = useRouter();
  const contactId = new URLSearchParams(search).get('kontakt') ?? undefined;
  const [subject, setSubject] = usePersistedState<string | null>('guide.subject', null);
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
      <LookupForm current={subject} onFound={setSubject} />
      {subject && (
        <>
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
        </>
      )}
    </Page>
  );
}
