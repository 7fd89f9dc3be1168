import { useState, type FormEvent } from 'react';
import { CONTACT_CHANNELS, CONTACT_PREFERENCES, type ContactChannel, type ContactPreference } from '@contracts/codes';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { ContactFields } from '../../contact-fields.js';
import { formatDateTime } from '../../format.js';
import { Link, useRouter } from '../../router.js';
import { CONTACT_PREFERENCE_TEXT } from '../../texts.js';
import { useLoad } from '../../use-load.js';
import { CHANNEL_TEXT } from '../guide/contact-texts.js';
import { errorText } from '../guide/guide-texts.js';

type Complaint = HubSchemas['ComplaintView'];
type Kind = Complaint['kind'];
type PartyKind = Complaint['party']['kind'];

const KIND_TEXT: Record<Kind, string> = { klagomal: 'Klagomål', synpunkt: 'Synpunkt' };
const PARTY_TEXT: Record<PartyKind, string> = {
  department: 'En förvaltning',
  agency: 'En myndighet',
  centre: 'Servicecentret självt',
};
const STATUS_TEXT: Record<Complaint['status'], string> = { open: 'Väntar på svar', answered: 'Besvarat' };

/** /klagomal: the unit's complaints and suggestions, open ones first. */
export function ComplaintsPage() {
  const complaints = useLoad('/api/complaints', () => answer(hub.GET('/api/complaints')));
  return (
    <Page title="Klagomål och synpunkter" actions={<Link to="/klagomal/ny">Registrera klagomål eller synpunkt</Link>}>
      {complaints.state === 'loading' && <Busy>Hämtar klagomål och synpunkter …</Busy>}
      {complaints.state === 'error' && <Alert>{errorText(complaints.error)}</Alert>}
      {complaints.state === 'done' && complaints.data.length === 0 && <p>Inga klagomål eller synpunkter ännu.</p>}
      {complaints.state === 'done' && complaints.data.length > 0 && (
        <table className="complaints">
          <caption className="sr-only">Enhetens klagomål och synpunkter, obesvarade först</caption>
          <thead>
            <tr>
              <th scope="col">Typ</th>
              <th scope="col">Ämne</th>
              <th scope="col">Ansvarig</th>
              <th scope="col">Status</th>
              <th scope="col">Svar senast</th>
            </tr>
          </thead>
          <tbody>
            {complaints.data.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/klagomal/${c.id}`}>{KIND_TEXT[c.kind]}</Link>
                </td>
                <td>{c.topicName}</td>
                <td>{c.party.name}</td>
                <td>
                  {STATUS_TEXT[c.status]}
                  {c.overdue && <strong className="overdue"> Försenat</strong>}
                </td>
                <td>{formatDateTime(c.respondBy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}

/** /klagomal/ny?kanal=&amne=: register a complaint or suggestion and route it to the party that answers for it. */
export function NewComplaintPage() {
  const { search, navigate } = useRouter();
  const params = new URLSearchParams(search);
  const taxonomy = useLoad('/api/topics', () => answer(hub.GET('/api/topics')));
  const departments = useLoad('/api/errands/departments', () => answer(hub.GET('/api/errands/departments')));
  const organisations = useLoad('/api/organisations', () => answer(hub.GET('/api/organisations')));
  const topics = taxonomy.state === 'done' ? taxonomy.data.flatMap((c) => c.types).filter((t) => !t.retiredAt) : [];
  const agencies = organisations.state === 'done' ? organisations.data.filter((o) => o.kind === 'agency') : [];

  const [kind, setKind] = useState<Kind>('klagomal');
  const [channel, setChannel] = useState<ContactChannel>(
    (CONTACT_CHANNELS as readonly string[]).includes(params.get('kanal') ?? '')
      ? (params.get('kanal') as ContactChannel)
      : 'besok',
  );
  const [chosenTopic, setTopic] = useState(params.get('amne') ?? undefined);
  const topic = chosenTopic ?? topics[0]?.code ?? '';
  const [text, setText] = useState('');
  const [partyKind, setPartyKind] = useState<PartyKind>('department');
  const [departmentId, setDepartmentId] = useState('');
  const [agency, setAgency] = useState('');
  const [wantsAnswer, setWantsAnswer] = useState(false);
  const [citizen, setCitizen] = useState({ name: '', phone: '', email: '' });
  const [preferred, setPreferred] = useState<ContactPreference>('phone');
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);

  const chosenDepartment = departmentId || (departments.state === 'done' ? (departments.data[0]?.id ?? '') : '');
  const chosenAgency = agency || agencies[0]?.number || '';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setError(undefined);
    try {
      const created = await answer(
        hub.POST('/api/complaints', {
          body: {
            kind,
            channel,
            topic,
            text,
            party: {
              kind: partyKind,
              ...(partyKind === 'department' && { departmentId: chosenDepartment }),
              ...(partyKind === 'agency' && { agency: chosenAgency }),
            },
            wantsAnswer,
            ...(wantsAnswer && {
              preferredChannel: preferred,
              citizen: {
                ...(citizen.name && { name: citizen.name }),
                ...(citizen.phone && { phone: citizen.phone }),
                ...(citizen.email && { email: citizen.email }),
              },
            }),
          },
        }),
      );
      navigate(`/klagomal/${created.id}`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
    }
  }

  return (
    <Page title="Registrera klagomål eller synpunkt">
      <form onSubmit={(e) => void submit(e)} aria-label="Nytt klagomål eller ny synpunkt">
        <fieldset>
          <legend>Typ</legend>
          {(['klagomal', 'synpunkt'] as const).map((k) => (
            <label key={k} className="choice">
              <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} /> {KIND_TEXT[k]}
            </label>
          ))}
        </fieldset>
        <Field label="Kanal">
          {(props) => (
            <select {...props} value={channel} onChange={(e) => setChannel(e.target.value as ContactChannel)}>
              {CONTACT_CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_TEXT[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Ämne">
          {(props) => (
            <select {...props} value={topic} onChange={(e) => setTopic(e.target.value)}>
              {topics.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Vad gäller det? (inget personnummer)">
          {(props) => (
            <textarea {...props} required maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} />
          )}
        </Field>
        <fieldset>
          <legend>Vem ansvarar för svaret?</legend>
          {(['department', 'agency', 'centre'] as const).map((p) => (
            <label key={p} className="choice">
              <input type="radio" name="party" checked={partyKind === p} onChange={() => setPartyKind(p)} />{' '}
              {PARTY_TEXT[p]}
            </label>
          ))}
        </fieldset>
        {partyKind === 'department' && (
          <Field label="Förvaltning" hint="Förvaltningen får det som ett ärende med ämnets svarstid.">
            {(props) => (
              <select {...props} value={chosenDepartment} onChange={(e) => setDepartmentId(e.target.value)}>
                {departments.state === 'done' &&
                  departments.data.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.displayName}
                    </option>
                  ))}
              </select>
            )}
          </Field>
        )}
        {partyKind === 'agency' && (
          <Field
            label="Myndighet"
            hint="Servicecentret lämnar det vidare till myndighetens egen synpunktshantering och för in svaret här."
          >
            {(props) => (
              <select {...props} value={chosenAgency} onChange={(e) => setAgency(e.target.value)}>
                {agencies.map((a) => (
                  <option key={a.number} value={a.number}>
                    {a.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <label className="choice">
          <input type="checkbox" checked={wantsAnswer} onChange={(e) => setWantsAnswer(e.target.checked)} /> Personen
          vill ha svar
        </label>
        {wantsAnswer && (
          <fieldset>
            <legend>Kontaktuppgifter för svaret</legend>
            <ContactFields value={citizen} onChange={setCitizen} />
            <Field label="Svar via">
              {(props) => (
                <select
                  {...props}
                  value={preferred}
                  onChange={(e) => setPreferred(e.target.value as ContactPreference)}
                >
                  {CONTACT_PREFERENCES.map((p) => (
                    <option key={p} value={p}>
                      {CONTACT_PREFERENCE_TEXT[p]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </fieldset>
        )}
        {error && <Alert>{error}</Alert>}
        <button type="submit" disabled={sending}>
          Registrera
        </button>
      </form>
    </Page>
  );
}

/** /klagomal/:id: the complaint, whom it is with, and its answer; the centre records its own answers here. */
export function ComplaintPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const complaint = useLoad(`/api/complaints/${id}`, () =>
    answer(hub.GET('/api/complaints/{id}', { params: { path: { id } } })),
  );
  const [reply, setReply] = useState('');
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      await hub.POST('/api/complaints/{id}/answer', { params: { path: { id } }, body: { answer: reply } });
      await complaint.reload();
    } catch (e) {
      setError(errorText(e));
    }
  }

  if (complaint.state === 'loading') return <Busy>Hämtar …</Busy>;
  if (complaint.state === 'error') {
    return (
      <Page title="Klagomål eller synpunkt">
        <Alert>{errorText(complaint.error)}</Alert>
      </Page>
    );
  }
  const c = complaint.data;
  return (
    <Page title={`${KIND_TEXT[c.kind]}: ${c.topicName}`}>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-status={c.status}>
          {STATUS_TEXT[c.status]}
          {c.overdue && <strong className="overdue"> Försenat</strong>}
        </dd>
        <dt>Ansvarig</dt>
        <dd>
          {c.party.name} ({PARTY_TEXT[c.party.kind].toLowerCase()})
        </dd>
        <dt>Kanal</dt>
        <dd>{CHANNEL_TEXT[c.channel as ContactChannel]}</dd>
        <dt>Registrerat</dt>
        <dd>{formatDateTime(c.createdAt)}</dd>
        <dt>Svar senast</dt>
        <dd>{formatDateTime(c.respondBy)}</dd>
        <dt>Text</dt>
        <dd>{c.text}</dd>
        <dt>Svar önskas</dt>
        <dd>
          {c.wantsAnswer
            ? `Ja, via ${CONTACT_PREFERENCE_TEXT[c.preferredChannel as ContactPreference]?.toLowerCase()}: ${[
                c.citizen.name,
                c.citizen.phone,
                c.citizen.email,
              ]
                .filter(Boolean)
                .join(', ')}`
            : 'Nej'}
        </dd>
        {c.answer && (
          <>
            <dt>Svar</dt>
            <dd data-answer="">
              {c.answer} ({c.answeredBy}, {c.answeredAt && formatDateTime(c.answeredAt)})
            </dd>
          </>
        )}
      </dl>
      {c.errandId && (
        <p>
          Förvaltningen svarar i ärendet: <Link to={`/arenden/${c.errandId}`}>Öppna ärendet</Link>
        </p>
      )}
      {!c.errandId && c.status === 'open' && (
        <form onSubmit={(e) => void submit(e)} aria-label="Svar på klagomålet eller synpunkten">
          <Field label="Svar (inget personnummer)">
            {(props) => (
              <textarea {...props} required maxLength={4000} value={reply} onChange={(e) => setReply(e.target.value)} />
            )}
          </Field>
          {error && <Alert>{error}</Alert>}
          <button type="submit">Spara svaret</button>
        </form>
      )}
      <p>
        <Link to="/klagomal">Alla klagomål och synpunkter</Link>
      </p>
    </Page>
  );
}
