import { useState, type FormEvent } from 'react';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { ContactFields } from '../../contact-fields.js';
import { formatDateTime } from '../../format.js';
import { Link, useRouter } from '../../router.js';
import { hasRole, useMe } from '../../session.js';
import { useLoad } from '../../use-load.js';
import { ContactSummary } from '../guide/contact-summary.js';
import { errorText } from '../guide/guide-texts.js';

type Errand = HubSchemas['ErrandView'];

const STATUS_TEXT: Record<Errand['status'], string> = {
  sent: 'Skickat',
  taken: 'Påbörjat',
  answered: 'Besvarat',
  closed: 'Avslutat',
  withdrawn: 'Återkallat',
};
const EVENT_TEXT: Record<NonNullable<Errand['timeline']>[number]['event'], string> = {
  sent: 'Skickat',
  taken: 'Påbörjat',
  'handed-over': 'Överlämnat',
  answered: 'Besvarat',
  closed: 'Avslutat',
  withdrawn: 'Återkallat',
};
const FRONT_OFFICE_ROLES = ['guide', 'caseworker'] as const;
const CHANNEL_TEXT: Record<string, string> = { phone: 'Telefon', letter: 'Brev', 'e-mail': 'E-post', visit: 'Besök' };

const DETAILS = [
  { key: 'name', label: 'Namn' },
  { key: 'phone', label: 'Telefon' },
  { key: 'email', label: 'E-post' },
  { key: 'personnummer', label: 'Personnummer' },
] as const;
type Detail = (typeof DETAILS)[number]['key'];

/** /arenden/ny?kontakt=<id>: forward an errand to a department, from a contact, on the contact's topic. */
export function NewErrandPage() {
  const { search, navigate } = useRouter();
  const contactId = new URLSearchParams(search).get('kontakt') ?? undefined;
  const contact = useLoad(contactId && `/api/contacts/${contactId}`, () =>
    answer(hub.GET('/api/contacts/{id}', { params: { path: { id: contactId! } } })),
  );
  const departments = useLoad('/api/errands/departments', () => answer(hub.GET('/api/errands/departments')));
  const taxonomy = useLoad('/api/topics', () => answer(hub.GET('/api/topics')));
  // the municipality's own topic types, retired ones left out
  const topics = taxonomy.state === 'done' ? taxonomy.data.flatMap((c) => c.types).filter((t) => !t.retiredAt) : [];
  const [chosenTopic, setTopic] = useState<string>();
  const contactTopic = contact.state === 'done' ? topics.find((t) => t.code === contact.data.topic)?.code : undefined;
  const topic = chosenTopic ?? contactTopic ?? topics[0]?.code ?? '';
  const [departmentId, setDepartmentId] = useState('');
  const [message, setMessage] = useState('');
  const [citizen, setCitizen] = useState({ name: '', phone: '', email: '', subject: '' });
  const [channel, setChannel] = useState<'phone' | 'letter' | 'e-mail' | 'visit'>('phone');
  const [allowed, setAllowed] = useState<Detail[]>([]);
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);
  const sensitive = topics.find((t) => t.code === topic)?.secrecySensitive ?? false;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(undefined);
    try {
      const created = await answer(
        hub.POST('/api/errands', {
          body: {
            topic,
            message,
            preferredChannel: channel,
            citizen: {
              ...(citizen.name && { name: citizen.name }),
              ...(citizen.phone && { phone: citizen.phone }),
              ...(citizen.email && { email: citizen.email }),
            },
            ...(citizen.subject && { subject: citizen.subject }),
            ...(departmentId && { departmentId }),
            ...(contactId && { contactId }),
            ...(sensitive && { citizenAllowed: allowed }),
          },
        }),
      );
      navigate(`/arenden/${created.id}`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <Page title="Vidarebefordra ärende">
      {contactId && (
        <p className="from-contact">
          Under kontakten: <ContactSummary id={contactId} />
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} aria-label="Nytt ärende till förvaltning">
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
        <Field label="Förvaltning">
          {(props) => (
            <select {...props} value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
              <option value="">Ämnets förvaltning</option>
              {departments.state === 'done' &&
                departments.data.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.displayName}
                  </option>
                ))}
            </select>
          )}
        </Field>
        <Field label="Meddelande till förvaltningen (inget personnummer)">
          {(props) => (
            <textarea
              {...props}
              required
              maxLength={4000}
              value={message}
              onChange={(e) => setMessage(e.target.value)}
            />
          )}
        </Field>
        <fieldset>
          <legend>Invånarens kontaktuppgifter</legend>
          <ContactFields value={citizen} onChange={setCitizen} />
          <Field label="Personnummer (bara om ärendet kräver det)">
            {(props) => (
              <input
                {...props}
                value={citizen.subject}
                onChange={(e) => setCitizen({ ...citizen, subject: e.target.value })}
              />
            )}
          </Field>
          <Field label="Vill bli kontaktad via">
            {(props) => (
              <select {...props} value={channel} onChange={(e) => setChannel(e.target.value as typeof channel)}>
                {Object.entries(CHANNEL_TEXT).map(([code, text]) => (
                  <option key={code} value={code}>
                    {text}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </fieldset>
        {sensitive && (
          <fieldset>
            <legend>Sekretess: vilka uppgifter har invånaren gett lov att lämna vidare?</legend>
            {DETAILS.map((d) => (
              <label key={d.key} className="choice">
                <input
                  type="checkbox"
                  checked={allowed.includes(d.key)}
                  onChange={(e) =>
                    setAllowed(e.target.checked ? [...allowed, d.key] : allowed.filter((a) => a !== d.key))
                  }
                />
                {d.label}
              </label>
            ))}
          </fieldset>
        )}
        {error && <Alert>{error}</Alert>}
        <button type="submit" disabled={sending}>
          Skicka till förvaltningen
        </button>
      </form>
    </Page>
  );
}

function ErrandTable({ errands, caption }: { errands: Errand[]; caption: string }) {
  return (
    <table>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Ämne</th>
          <th scope="col">Förvaltning</th>
          <th scope="col">Status</th>
          <th scope="col">Svar senast</th>
        </tr>
      </thead>
      <tbody>
        {errands.map((e) => (
          <tr key={e.id}>
            <td>
              <Link to={`/arenden/${e.id}`}>{e.topicName}</Link>
            </td>
            <td>{e.department}</td>
            <td>{STATUS_TEXT[e.status]}</td>
            <td>
              {formatDateTime(e.respondBy)}
              {e.overdue && <strong className="overdue"> Försenat</strong>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /arenden: the errands the guide's unit forwarded, overdue first. */
export function ErrandsPage() {
  const errands = useLoad('/api/errands', () => answer(hub.GET('/api/errands')));
  return (
    <Page title="Ärenden till förvaltningar" actions={<Link to="/arenden/ny">Nytt ärende</Link>}>
      {errands.state === 'loading' && <Busy>Hämtar ärenden …</Busy>}
      {errands.state === 'error' && <Alert>{errorText(errands.error)}</Alert>}
      {errands.state === 'done' &&
        (errands.data.length ? (
          <ErrandTable errands={errands.data} caption="Enhetens ärenden, försenade först" />
        ) : (
          <p>Inga ärenden att visa.</p>
        ))}
    </Page>
  );
}

/** /inkorg-forvaltning: the errands with the department, overdue first. */
export function DepartmentInboxPage() {
  const errands = useLoad('/api/errands/inbox', () => answer(hub.GET('/api/errands/inbox')));
  return (
    <Page title="Förvaltningens inkorg">
      {errands.state === 'loading' && <Busy>Hämtar ärenden …</Busy>}
      {errands.state === 'error' && <Alert>{errorText(errands.error)}</Alert>}
      {errands.state === 'done' &&
        (errands.data.length ? (
          <ErrandTable errands={errands.data} caption="Förvaltningens ärenden, försenade först" />
        ) : (
          <p>Inkorgen är tom.</p>
        ))}
    </Page>
  );
}

/**
 * /arenden/:id: the errand, its answer and timeline; the department takes, answers, hands over and closes it, and the
 * unit that forwarded it may withdraw it until it is answered.
 */
export function ErrandPage({ params }: { params: Record<string, string> }) {
  const errand = useLoad(`/api/errands/${params.id}`, () =>
    answer(hub.GET('/api/errands/{id}', { params: { path: { id: params.id! } } })),
  );
  const departments = useLoad('/api/errands/departments', () => answer(hub.GET('/api/errands/departments')));
  const [text, setText] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<{ kind: 'error' | 'success'; text: string }>();
  const me = useMe();

  if (errand.state === 'loading')
    return (
      <Page title="Ärende">
        <Busy>Hämtar ärendet …</Busy>
      </Page>
    );
  if (errand.state === 'error')
    return (
      <Page title="Ärende">
        <Alert>{errorText(errand.error)}</Alert>
      </Page>
    );
  const e = errand.data;
  const path = { params: { path: { id: e.id } } };
  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      setText('');
      setOutcome({ kind: 'success', text: done });
      await errand.reload();
    } catch (error) {
      setOutcome({ kind: 'error', text: errorText(error) });
    }
  };
  const open = e.status === 'sent' || e.status === 'taken';
  const withdrawal = (e.timeline ?? []).findLast((ev) => ev.event === 'withdrawn');

  return (
    <Page title={`Ärende: ${e.topicName}`}>
      <p role="status" aria-live="polite">
        Status: <strong data-status={e.status}>{STATUS_TEXT[e.status]}</strong> hos {e.department}
      </p>
      {e.overdue && (
        <Alert kind="warning">Ärendet är inte besvarat inom svarstiden ({formatDateTime(e.respondBy)}).</Alert>
      )}
      {e.status === 'withdrawn' && (
        <Alert kind="warning">
          <p>
            {e.unit} återkallade ärendet {formatDateTime(e.statusAt)}. Det ska inte handläggas vidare.
          </p>
          {withdrawal?.note && <p>Skäl: {withdrawal.note}</p>}
        </Alert>
      )}
      {e.answer && (
        <section className="card" aria-labelledby="svar-rubrik">
          <h2 id="svar-rubrik">Svar från förvaltningen</h2>
          <p className="message">{e.answer}</p>
          <p className="muted">
            {e.answeredBy} {e.answeredAt && formatDateTime(e.answeredAt)}
          </p>
        </section>
      )}
      <dl className="details">
        <dt>Meddelande</dt>
        <dd className="message">{e.message}</dd>
        <dt>Invånare</dt>
        <dd>{[e.citizen.name, e.citizen.phone, e.citizen.email].filter(Boolean).join(', ') || 'Inga uppgifter'}</dd>
        {e.subject && (
          <>
            <dt>Personnummer</dt>
            <dd>{e.subject}</dd>
          </>
        )}
        <dt>Vill bli kontaktad via</dt>
        <dd>{CHANNEL_TEXT[e.preferredChannel] ?? e.preferredChannel}</dd>
        <dt>Skickat</dt>
        <dd>
          {formatDateTime(e.createdAt)} från {e.unit}
        </dd>
        {e.contactId && hasRole(me, ['guide', 'caseworker']) && me.unit === e.unit && (
          <>
            <dt>Under kontakten</dt>
            <dd>
              <ContactSummary id={e.contactId} />
            </dd>
          </>
        )}
        <dt>Svar senast</dt>
        <dd>{formatDateTime(e.respondBy)}</dd>
      </dl>
      <h2>Händelser</h2>
      <ol className="timeline">
        {(e.timeline ?? []).map((ev, i) => (
          <li key={i}>
            <strong>{EVENT_TEXT[ev.event]}</strong> <time dateTime={ev.at}>{formatDateTime(ev.at)}</time>
            <span className="muted">
              {' – '}
              {ev.actor.name}, {ev.department}
            </span>
            {ev.note && <p className="note">{ev.note}</p>}
          </li>
        ))}
      </ol>
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      <DepartmentActions
        errand={e}
        open={open}
        text={text}
        setText={setText}
        to={to}
        setTo={setTo}
        departments={departments.state === 'done' ? departments.data : []}
        take={() =>
          act(() => answer(hub.POST('/api/errands/{id}/take', { ...path, body: {} })), 'Du har tagit ärendet.')
        }
        reply={() =>
          act(
            () => answer(hub.POST('/api/errands/{id}/answer', { ...path, body: { answer: text } })),
            'Svaret är sparat.',
          )
        }
        close={() =>
          act(
            () => answer(hub.POST('/api/errands/{id}/close', { ...path, body: text.trim() ? { answer: text } : {} })),
            'Ärendet är avslutat.',
          )
        }
        handOver={() =>
          act(
            () => answer(hub.POST('/api/errands/{id}/hand-over', { ...path, body: { departmentId: to } })),
            'Ärendet är överlämnat.',
          )
        }
      />
      <WithdrawAction
        errand={e}
        open={open}
        reason={reason}
        setReason={setReason}
        withdraw={() =>
          act(async () => {
            await answer(hub.POST('/api/errands/{id}/withdraw', { ...path, body: { reason: reason.trim() } }));
            setReason('');
          }, 'Ärendet är återkallat. Förvaltningen har fått besked.')
        }
      />
    </Page>
  );
}

function DepartmentActions(props: {
  errand: Errand;
  open: boolean;
  text: string;
  setText: (t: string) => void;
  to: string;
  setTo: (t: string) => void;
  departments: HubSchemas['DepartmentView'][];
  take: () => void;
  reply: () => void;
  close: () => void;
  handOver: () => void;
}) {
  const { errand: e } = props;
  const me = useMe();
  if (!me.roles.includes('department') || me.unit !== e.department) return null;
  // closed or withdrawn: nothing left to do
  if (!props.open && e.status !== 'answered') return null;
  return (
    <section className="card" aria-labelledby="handlagg-rubrik">
      <h2 id="handlagg-rubrik">Handlägg ärendet</h2>
      {e.status === 'sent' && (
        <button type="button" onClick={props.take}>
          Ta ärendet
        </button>
      )}
      {(e.status === 'taken' || e.status === 'answered') && (
        <>
          <Field label="Svar till vägledaren">
            {(p) => (
              <textarea {...p} maxLength={4000} value={props.text} onChange={(ev) => props.setText(ev.target.value)} />
            )}
          </Field>
          {e.status === 'taken' && (
            <button type="button" disabled={!props.text.trim()} onClick={props.reply}>
              Spara svar
            </button>
          )}
          <button type="button" className="secondary" onClick={props.close}>
            Avsluta ärendet
          </button>
        </>
      )}
      {props.open && (
        <>
          <Field label="Lämna över till förvaltning">
            {(p) => (
              <select {...p} value={props.to} onChange={(ev) => props.setTo(ev.target.value)}>
                <option value="">Välj förvaltning</option>
                {props.departments
                  .filter((d) => d.name !== e.department)
                  .map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.displayName}
                    </option>
                  ))}
              </select>
            )}
          </Field>
          <button type="button" className="secondary" disabled={!props.to} onClick={props.handOver}>
            Lämna över
          </button>
        </>
      )}
    </section>
  );
}

/** For the unit that forwarded the errand, until the department has answered it. */
function WithdrawAction(props: {
  errand: Errand;
  open: boolean;
  reason: string;
  setReason: (r: string) => void;
  withdraw: () => void;
}) {
  const me = useMe();
  if (!hasRole(me, FRONT_OFFICE_ROLES) || me.unit !== props.errand.unit || !props.open) return null;
  return (
    <section className="card" aria-labelledby="aterkalla-rubrik">
      <h2 id="aterkalla-rubrik">Återkalla ärendet</h2>
      <p>
        Om invånaren inte längre behöver hjälpen kan du återkalla ärendet innan förvaltningen har svarat. Förvaltningen
        får besked direkt, med ditt skäl.
      </p>
      <Field label="Skäl till återkallelsen (inget personnummer)">
        {(p) => (
          <textarea
            {...p}
            required
            maxLength={2000}
            value={props.reason}
            onChange={(ev) => props.setReason(ev.target.value)}
          />
        )}
      </Field>
      <button type="button" className="secondary" disabled={!props.reason.trim()} onClick={props.withdraw}>
        Återkalla ärendet
      </button>
    </section>
  );
}
