import { answer, hub } from '../../api/hub.js';
import { formatDateTime } from '../../format.js';
import { useLoad } from '../../use-load.js';
import { CHANNEL_TEXT, OUTCOME_TEXT } from './contact-texts.js';
import { errorText } from './guide-texts.js';

/** A contact of the guide's unit in one line: what the referral, query or errand beside it was made during. */
export function ContactSummary({ id }: { id: string }) {
  const contact = useLoad(`/api/contacts/${id}`, () =>
    answer(hub.GET('/api/contacts/{id}', { params: { path: { id } } })),
  );
  if (contact.state === 'loading') return <span className="muted">Hämtar kontakten …</span>;
  if (contact.state === 'error') return <span>{errorText(contact.error)}</span>;
  const c = contact.data;
  return (
    <span data-contact={c.id}>
      {CHANNEL_TEXT[c.channel]}, {c.topicName}, {OUTCOME_TEXT[c.outcome]} ({formatDateTime(c.createdAt)})
    </span>
  );
}
