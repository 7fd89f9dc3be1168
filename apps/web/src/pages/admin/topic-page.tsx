import { useState, type FormEvent } from 'react';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { apiErrorText } from '../../texts.js';
import { ApiError } from '../../api/api-fetch.js';
import { useLoad } from '../../use-load.js';

type Category = HubSchemas['TopicCategoryView'];
type TopicType = HubSchemas['TopicTypeView'];

const problem = (err: unknown) =>
  err instanceof ApiError ? apiErrorText(err.code, err.status) : 'Det gick inte att spara. Försök igen.';

/**
 * /amnen: the municipality's topic taxonomy for its admin: response times per type (what an errand of the type
 * promises), new categories and types, and retiring what is no longer used (contacts naming it stay readable).
 */
export function TopicsPage() {
  const topics = useLoad('/api/topics', () => answer(hub.GET('/api/topics')));
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string }>();
  const run = async (work: () => Promise<unknown>, done: string) => {
    setMessage(undefined);
    try {
      await work();
      await topics.reload();
      setMessage({ kind: 'success', text: done });
    } catch (err) {
      setMessage({ kind: 'error', text: problem(err) });
    }
  };

  return (
    <Page title="Ämnen och svarstider">
      <p>
        Kommunens ämnen används när kontakter loggas och ärenden vidarebefordras. Svarstiden gäller ärenden om ämnet.
        Ett avvecklat ämne kan inte väljas för nya kontakter men finns kvar i historiken.
      </p>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {topics.state === 'loading' && <Busy>Hämtar ämnen …</Busy>}
      {topics.state === 'error' && <Alert>{problem(topics.error)}</Alert>}
      {topics.state === 'done' &&
        topics.data.map((category) => <CategorySection key={category.id} category={category} run={run} />)}
      <AddCategory run={run} />
    </Page>
  );
}

type Run = (work: () => Promise<unknown>, done: string) => Promise<void>;

function CategorySection({ category, run }: { category: Category; run: Run }) {
  const headingId = `kategori-${category.id}`;
  return (
    <section aria-labelledby={headingId} className="topic-category">
      <h2 id={headingId}>
        {category.name} {category.retiredAt && <span className="muted">(avvecklad)</span>}
      </h2>
      <table>
        <caption className="sr-only">Ämnen i {category.name}</caption>
        <thead>
          <tr>
            <th scope="col">Ämne</th>
            <th scope="col">Förvaltning</th>
            <th scope="col">Svarstid</th>
            <th scope="col">Åtgärd</th>
          </tr>
        </thead>
        <tbody>
          {category.types.map((type) => (
            <TypeRow key={type.id} type={type} run={run} />
          ))}
        </tbody>
      </table>
      {!category.retiredAt && <AddType category={category} run={run} />}
    </section>
  );
}

function TypeRow({ type, run }: { type: TopicType; run: Run }) {
  const [hours, setHours] = useState(type.responseHours?.toString() ?? '');
  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(
      () =>
        answer(
          hub.PATCH('/api/topics/types/{id}', {
            params: { path: { id: type.id } },
            body: { responseHours: hours.trim() ? Number(hours) : null },
          }),
        ),
      `Svarstiden för ${type.name} är sparad.`,
    );
  };
  return (
    <tr>
      <th scope="row">
        {type.name}
        {type.secrecySensitive && <span className="muted"> (sekretesskänsligt)</span>}
        {type.retiredAt && <span className="muted"> (avvecklat)</span>}
      </th>
      <td>{type.department ?? '–'}</td>
      <td>
        {type.retiredAt ? (
          (type.responseHours ?? '–')
        ) : (
          <form onSubmit={save} className="inline-form">
            <label htmlFor={`svarstid-${type.id}`} className="sr-only">
              Svarstid i timmar för {type.name}
            </label>
            <input
              id={`svarstid-${type.id}`}
              type="number"
              min={1}
              max={8760}
              size={5}
              value={hours}
              onChange={(e) => setHours(e.target.value)}
            />{' '}
            timmar{' '}
            <button type="submit" className="secondary">
              Spara<span className="sr-only"> svarstid för {type.name}</span>
            </button>
          </form>
        )}
      </td>
      <td>
        {!type.retiredAt && (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void run(
                () =>
                  answer(
                    hub.PATCH('/api/topics/types/{id}', { params: { path: { id: type.id } }, body: { retired: true } }),
                  ),
                `${type.name} är avvecklat.`,
              )
            }
          >
            Avveckla<span className="sr-only"> {type.name}</span>
          </button>
        )}
      </td>
    </tr>
  );
}

function AddType({ category, run }: { category: Category; run: Run }) {
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(
      () =>
        answer(
          hub.POST('/api/topics/categories/{id}/types', {
            params: { path: { id: category.id } },
            body: { code: `${category.code}.${code}`, name },
          }),
        ),
      `${name} är tillagt.`,
    ).then(() => {
      setName('');
      setCode('');
    });
  };
  return (
    <details>
      <summary>Lägg till ämne i {category.name}</summary>
      <form onSubmit={submit}>
        <Field label="Namn">
          {(props) => <input {...props} required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Kod" hint={`Små bokstäver och bindestreck; blir ${category.code}.kod`}>
          {(props) => (
            <input
              {...props}
              required
              pattern="[a-z0-9][a-z0-9-]{1,59}"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          )}
        </Field>
        <button type="submit">Lägg till ämne</button>
      </form>
    </details>
  );
}

function AddCategory({ run }: { run: Run }) {
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(
      () => answer(hub.POST('/api/topics/categories', { body: { code, name } })),
      `Kategorin ${name} är tillagd.`,
    ).then(() => {
      setName('');
      setCode('');
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="ny-kategori">
      <h2 id="ny-kategori">Ny kategori</h2>
      <Field label="Namn">
        {(props) => <input {...props} required value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Kod" hint="Små bokstäver och bindestreck, till exempel idrott">
        {(props) => (
          <input
            {...props}
            required
            pattern="[a-z][a-z0-9-]{1,39}"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        )}
      </Field>
      <button type="submit">Lägg till kategori</button>
    </form>
  );
}
