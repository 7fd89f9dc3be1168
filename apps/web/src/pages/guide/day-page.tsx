import { useState } from 'react';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES } from '@contracts/codes';
import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Page } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { Link, useRouter } from '../../router.js';
import { agencyName, REFERRAL_STATUS_TEXT } from '../../texts.js';
import { useLoad } from '../../use-load.js';
import { KnowledgeSuggestions } from '../knowledge/knowledge-suggestions.js';
import { SurveyReceipt } from '../survey/survey-receipt.js';
import { ContactForm, type Contact } from './contact-form.js';
import { CHANNEL_TEXT, OUTCOME_TEXT, type TopicChoice } from './contact-texts.js';
import { errorText, swedishToday } from './guide-texts.js';
import { FINAL_REFERRAL_STATUSES, type Referral } from './types.js';

/**
 * The guide's start page, the day: the contact form always at hand, the unit's contacts of the day with their counts,
 * and the open referrals, overdue first. A contact forwarded to a department continues as an errand, one referred to
 * an agency as a referral made during it (on /fraga, where the person's consent is).
 */
export function DayPage({ name }: { name: string }) {
  const { navigate } = useRouter();
  const today = swedishToday();
  const topics = useLoad('/api/topics', () => answer(hub.GET('/api/topics')));
  const contacts = useLoad(`/api/contacts?date=${today}`, () =>
    answer(hub.GET('/api/contacts', { params: { query: { date: today } } })),
  );
  const [receipt, setReceipt] = useState<Contact>();
  const referrals = useLoad('/api/referrals', () => answer(hub.GET('/api/referrals', { params: { query: {} } })));

  const choices: TopicChoice[] =
    topics.state === 'done'
      ? topics.data
          .filter((c) => !c.retiredAt)
          .flatMap((c) =>
            c.types.filter((t) => !t.retiredAt).map((t) => ({ code: t.code, name: t.name, category: c.name })),
          )
      : [];

  function saved(contact: Contact) {
    if (contact.outcome === 'vidarebefordrad') {
      navigate(`/arenden/ny?kontakt=${encodeURIComponent(contact.id)}`);
      return;
    }
    if (contact.outcome === 'remitterad') {
      navigate(`/fraga?kontakt=${encodeURIComponent(contact.id)}`);
      return;
    }
    setReceipt(contact);
    void contacts.reload();
  }

  return (
    <Page title={`Välkommen, ${name}`}>
      {topics.state === 'error' && <Alert>{errorText(topics.error)}</Alert>}
      <ContactForm
        topics={choices}
        onSaved={saved}
        renderKnowledgeSuggestions={(query) => (
          <KnowledgeSuggestions topic={query.topic} text={query.text} channel={query.channel} onPick={query.pick} />
        )}
      />
      {receipt && <SurveyReceipt key={receipt.id} contact={receipt} />}
      <p>
        <Link to="/klagomal/ny">Registrera klagomål eller synpunkt</Link> ·{' '}
        <Link to="/klagomal">Klagomål och synpunkter</Link>
      </p>
      <section aria-labelledby="dagens-kontakter">
        <h2 id="dagens-kontakter">Dagens kontakter</h2>
        {contacts.state === 'loading' && <Busy>Hämtar dagens kontakter …</Busy>}
        {contacts.state === 'error' && <Alert>{errorText(contacts.error)}</Alert>}
        {contacts.state === 'done' && <DayCounts contacts={contacts.data} />}
        {contacts.state === 'done' && contacts.data.length === 0 && <p>Inga kontakter ännu i dag.</p>}
        {contacts.state === 'done' && contacts.data.length > 0 && <ContactTable contacts={contacts.data} />}
      </section>
      <section aria-labelledby="oppna-remisser">
        <h2 id="oppna-remisser">Öppna remisser</h2>
        {referrals.state === 'loading' && <Busy>Hämtar remisser …</Busy>}
        {referrals.state === 'error' && <Alert>{errorText(referrals.error)}</Alert>}
        {referrals.state === 'done' && <OpenReferrals referrals={referrals.data} />}
      </section>
    </Page>
  );
}

function DayCounts({ contacts }: { contacts: Contact[] }) {
  const count = (keep: (c: Contact) => boolean) => contacts.filter(keep).length;
  return (
    <dl className="day-counts" aria-label="Dagens antal">
      <div>
        <dt>Kontakter</dt>
        <dd data-count="total">{contacts.length}</dd>
      </div>
      <div>
        <dt>Lösta vid första kontakten</dt>
        <dd data-count="besvarad">{count((c) => c.outcome === 'besvarad')}</dd>
      </div>
      <div>
        <dt>Besvarade med kunskapsbanken</dt>
        <dd data-count="kunskapsbanken">{count((c) => c.outcome === 'besvarad' && c.articleId !== undefined)}</dd>
      </div>
      {CONTACT_OUTCOMES.filter((o) => o !== 'besvarad').map((o) => (
        <div key={o}>
          <dt>{OUTCOME_TEXT[o]}</dt>
          <dd data-count={o}>{count((c) => c.outcome === o)}</dd>
        </div>
      ))}
      {CONTACT_CHANNELS.map((channel) => (
        <div key={channel}>
          <dt>{CHANNEL_TEXT[channel]}</dt>
          <dd data-count={channel}>{count((c) => c.channel === channel)}</dd>
        </div>
      ))}
    </dl>
  );
}

function ContactTable({ contacts }: { contacts: Contact[] }) {
  return (
    <table className="day-contacts">
      <caption className="sr-only">Enhetens kontakter i dag, de senaste först</caption>
      <thead>
        <tr>
          <th scope="col">Tid</th>
          <th scope="col">Kanal</th>
          <th scope="col">Ämne</th>
          <th scope="col">ROSA</th>
          <th scope="col">Utfall</th>
          <th scope="col">Språk</th>
        </tr>
      </thead>
      <tbody>
        {contacts.map((c) => (
          <tr key={c.id}>
            <td>{new Date(c.createdAt).toLocaleTimeString('sv-SE', { hour: '2-digit', minute: '2-digit' })}</td>
            <td>{CHANNEL_TEXT[c.channel]}</td>
            <td>{c.topicName}</td>
            <td>{c.rosa}</td>
            <td>{OUTCOME_TEXT[c.outcome]}</td>
            <td>
              {c.language}
              {c.interpreter && ', tolk'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OpenReferrals({ referrals }: { referrals: Referral[] }) {
  const open = referrals
    .filter((r) => !FINAL_REFERRAL_STATUSES.includes(r.status))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.respondBy.localeCompare(b.respondBy));
  if (open.length === 0) return <p>Inga öppna remisser.</p>;
  return (
    <ul className="open-referrals">
      {open.map((r) => (
        <li key={r.id}>
          <Link to={`/remisser/${r.id}`}>
            {agencyName(r.agency)}, {r.subject}
          </Link>{' '}
          – {REFERRAL_STATUS_TEXT[r.status]}, svar senast {formatDateTime(r.respondBy)}
          {r.overdue && <strong className="overdue"> Försenad</strong>}
        </li>
      ))}
    </ul>
  );
}
