import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-fetch.js';
import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { Link, useRouter } from '../../router.js';
import { useMe } from '../../session.js';
import { useLoad } from '../../use-load.js';
import { KnowledgeSuggestions } from './knowledge-suggestions.js';
import {
  CHANNEL_TEXT,
  CHANNELS,
  ownerText,
  topicName,
  useTopicTypes,
  type Article,
  type ArticleVersion,
  type ShortAnswers,
  type TopicType,
} from './knowledge-types.js';

function TopicSelect({
  topics,
  value,
  onChange,
  id,
  all,
}: {
  topics: readonly TopicType[];
  value: string;
  onChange: (v: string) => void;
  id: string;
  all?: string;
}) {
  // the topic in use stays a choice even when it is retired or not the caller's municipality's
  const choices = topics.filter((t) => !t.retired || t.code === value);
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {all !== undefined && <option value="">{all}</option>}
      {value && !choices.some((t) => t.code === value) && <option value={value}>{value}</option>}
      {choices.map((t) => (
        <option key={t.code} value={t.code}>
          {t.category}: {t.name}
        </option>
      ))}
    </select>
  );
}

function ArticleTable({
  articles,
  caption,
  topics,
}: {
  articles: Article[];
  caption: string;
  topics: readonly TopicType[];
}) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Rubrik</th>
          <th scope="col">Ämne</th>
          <th scope="col">Ansvarig</th>
          <th scope="col">Granskas senast</th>
        </tr>
      </thead>
      <tbody>
        {articles.map((a) => (
          <tr key={a.id}>
            <td>
              <Link to={`/kunskapsbank/${a.id}`}>{a.title}</Link>
            </td>
            <td>{topicName(topics, a.topic)}</td>
            <td>{ownerText(a.owner)}</td>
            <td>
              {a.reviewBy}
              {a.stale && <strong className="badge"> Behöver granskas</strong>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function KnowledgePage() {
  const me = useMe();
  const topics = useTopicTypes();
  const [text, setText] = useState('');
  const [topic, setTopic] = useState('');
  const list = useLoad<Article[]>(`/api/knowledge/articles${topic ? `?topic=${encodeURIComponent(topic)}` : ''}`);
  const writes = me.roles.includes('admin') || me.roles.includes('department');
  return (
    <Page
      title="Kunskapsbank"
      actions={
        writes && (
          <Link to="/kunskapsbank/ny" className="button">
            Skriv artikel
          </Link>
        )
      }
    >
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Sök i kunskapsbanken" hint="Skriv ett eller flera ord, till exempel ”bygglov altan”.">
          {(props) => (
            <input {...props} type="search" size={40} value={text} onChange={(e) => setText(e.target.value)} />
          )}
        </Field>
        <div className="field">
          <label htmlFor="kunskapsbank-amne">Ämne</label>
          <TopicSelect topics={topics} id="kunskapsbank-amne" value={topic} onChange={setTopic} all="Alla ämnen" />
        </div>
      </form>
      <KnowledgeSuggestions text={text} topic={topic || undefined} />
      <h2>Alla artiklar</h2>
      {list.state === 'loading' && <Busy>Hämtar artiklarna …</Busy>}
      {list.state === 'error' && <Alert>{list.error.message}</Alert>}
      {list.state === 'done' &&
        (list.data.length === 0 ? (
          <p>Inga artiklar ännu.</p>
        ) : (
          <ArticleTable
            articles={list.data}
            caption={topic ? topicName(topics, topic) : 'Kommunens artiklar'}
            topics={topics}
          />
        ))}
    </Page>
  );
}

export function ReviewPage() {
  const due = useLoad<Article[]>('/api/knowledge/review');
  const topics = useTopicTypes();
  return (
    <Page title="Att granska">
      <p>Artiklar som du ansvarar för och som har passerat sitt granskningsdatum. Granska och spara en ny version.</p>
      {due.state === 'loading' && <Busy>Hämtar artiklarna …</Busy>}
      {due.state === 'error' && <Alert>{due.error.message}</Alert>}
      {due.state === 'done' &&
        (due.data.length === 0 ? (
          <p>Inga artiklar behöver granskas.</p>
        ) : (
          <ArticleTable articles={due.data} caption="Artiklar att granska" topics={topics} />
        ))}
    </Page>
  );
}

function Answers({ shortAnswers }: { shortAnswers: ShortAnswers }) {
  const given = CHANNELS.filter((c) => shortAnswers[c]);
  if (!given.length) return null;
  return (
    <dl>
      {given.map((c) => (
        <div key={c}>
          <dt>{CHANNEL_TEXT[c]}</dt>
          <dd>{shortAnswers[c]}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ArticlePage({ params }: { params: Record<string, string> }) {
  const path = `/api/knowledge/articles/${encodeURIComponent(params.id)}`;
  const article = useLoad<Article>(path);
  const versions = useLoad<ArticleVersion[]>(`${path}/versions`);
  const topics = useTopicTypes();
  if (article.state !== 'done')
    return (
      <Page title="Artikel">
        {article.state === 'loading' ? <Busy>Hämtar artikeln …</Busy> : <Alert>{article.error.message}</Alert>}
        <Link to="/kunskapsbank">Kunskapsbanken</Link>
      </Page>
    );
  const a = article.data;
  return (
    <Page
      title={a.title}
      actions={
        a.editable && (
          <Link to={`/kunskapsbank/${a.id}/andra`} className="button">
            Ändra
          </Link>
        )
      }
    >
      <p>
        <Link to="/kunskapsbank">Kunskapsbanken</Link>
      </p>
      {a.stale && <Alert kind="warning">Artikeln skulle ha granskats senast {a.reviewBy}.</Alert>}
      <p>
        {topicName(topics, a.topic)} · Ansvarig: {ownerText(a.owner)} · Version {a.version} · Granskas senast{' '}
        {a.reviewBy}
      </p>
      <h2>Standardsvar</h2>
      <p>{a.standardAnswer}</p>
      <h2>Korta svar per kanal</h2>
      <Answers shortAnswers={a.shortAnswers} />
      {a.body && (
        <>
          <h2>Bakgrund</h2>
          <p className="prewrap">{a.body}</p>
        </>
      )}
      {a.links.length > 0 && (
        <>
          <h2>Länkar</h2>
          <ul>
            {a.links.map((l) => (
              <li key={l.url}>
                <a href={l.url} rel="noreferrer">
                  {l.title}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Versioner</h2>
      {versions.state === 'loading' && <Busy>Hämtar versionerna …</Busy>}
      {versions.state === 'error' && <Alert>{versions.error.message}</Alert>}
      {versions.state === 'done' && (
        <ol reversed className="versions">
          {versions.data.map((v) => (
            <li key={v.version}>
              <details>
                <summary>
                  Version {v.version}, {formatDateTime(v.editedAt)} av {v.editedBy}: {v.title}
                </summary>
                <p>{v.standardAnswer}</p>
                <Answers shortAnswers={v.shortAnswers} />
              </details>
            </li>
          ))}
        </ol>
      )}
    </Page>
  );
}

interface Draft {
  topic: string;
  title: string;
  standardAnswer: string;
  shortAnswers: ShortAnswers;
  body: string;
  reviewBy: string;
  ownerKind: 'unit' | 'agency';
  ownerName: string;
}

const inAYear = () => {
  const d = new Date();
  d.setFullYear(d.getFullYear() + 1);
  return d.toISOString().slice(0, 10);
};

function ArticleForm({ article }: { article?: Article }) {
  const me = useMe();
  const { navigate } = useRouter();
  const topics = useTopicTypes();
  const [draft, setDraft] = useState<Draft>({
    topic: article?.topic ?? '',
    title: article?.title ?? '',
    standardAnswer: article?.standardAnswer ?? '',
    shortAnswers: article?.shortAnswers ?? {},
    body: article?.body ?? '',
    reviewBy: article?.reviewBy ?? inAYear(),
    ownerKind: article?.owner.kind ?? 'unit',
    ownerName: article?.owner.name ?? me.unit ?? '',
  });
  const [failure, setFailure] = useState<string>();
  const [saving, setSaving] = useState(false);
  const admin = me.roles.includes('admin') && (!article || article.organisation === me.organisation);
  // a new article starts on the municipality's first topic, once the taxonomy is loaded
  const topic = draft.topic || (topics.find((t) => !t.retired)?.code ?? '');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(undefined);
    if (draft.title.trim().length < 2 || !draft.standardAnswer.trim()) {
      setFailure('Skriv en rubrik och ett standardsvar.');
      return;
    }
    if (!topic) {
      setFailure('Välj ett ämne.');
      return;
    }
    setSaving(true);
    const content = {
      topic,
      title: draft.title.trim(),
      standardAnswer: draft.standardAnswer.trim(),
      shortAnswers: Object.fromEntries(
        CHANNELS.filter((c) => draft.shortAnswers[c]?.trim()).map((c) => [c, draft.shortAnswers[c]!.trim()]),
      ),
      body: draft.body,
      links: article?.links ?? [],
      reviewBy: draft.reviewBy,
    };
    const owner = { kind: draft.ownerKind, name: draft.ownerName.trim() };
    try {
      const saved = article
        ? await answer(
            hub.PUT('/api/knowledge/articles/{id}', {
              params: { path: { id: article.id } },
              body: { ...content, version: article.version, ...(admin && { owner }) },
            }),
          )
        : await answer(hub.POST('/api/knowledge/articles', { body: { ...content, owner } }));
      navigate(`/kunskapsbank/${saved.id}`);
    } catch (error) {
      setFailure((error instanceof ApiError ? error : new ApiError(0, 'network', undefined)).message);
      setSaving(false);
    }
  }

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  return (
    <form noValidate onSubmit={(event) => void submit(event)}>
      {failure && <Alert>{failure}</Alert>}
      <div className="field">
        <label htmlFor="artikel-amne">Ämne</label>
        <TopicSelect topics={topics} id="artikel-amne" value={topic} onChange={(chosen) => set({ topic: chosen })} />
      </div>
      <Field label="Rubrik">
        {(props) => (
          <input
            {...props}
            type="text"
            size={50}
            value={draft.title}
            onChange={(e) => set({ title: e.target.value })}
          />
        )}
      </Field>
      <Field label="Standardsvar" hint="Svaret en vägledare ger.">
        {(props) => (
          <textarea
            {...props}
            rows={4}
            value={draft.standardAnswer}
            onChange={(e) => set({ standardAnswer: e.target.value })}
          />
        )}
      </Field>
      <fieldset>
        <legend>Korta svar per kanal</legend>
        {CHANNELS.map((c) => (
          <Field key={c} label={CHANNEL_TEXT[c]}>
            {(props) => (
              <textarea
                {...props}
                rows={2}
                value={draft.shortAnswers[c] ?? ''}
                onChange={(e) => set({ shortAnswers: { ...draft.shortAnswers, [c]: e.target.value } })}
              />
            )}
          </Field>
        ))}
      </fieldset>
      <Field label="Bakgrund" hint="Det vägledaren behöver veta mer.">
        {(props) => <textarea {...props} rows={6} value={draft.body} onChange={(e) => set({ body: e.target.value })} />}
      </Field>
      <Field label="Granskas senast" hint="Efter detta datum flaggas artikeln till den ansvarige.">
        {(props) => (
          <input {...props} type="date" value={draft.reviewBy} onChange={(e) => set({ reviewBy: e.target.value })} />
        )}
      </Field>
      {admin && (
        <fieldset>
          <legend>Ansvarig</legend>
          <div className="field">
            <label htmlFor="artikel-agare-typ">Sorts ägare</label>
            <select
              id="artikel-agare-typ"
              value={draft.ownerKind}
              onChange={(e) => set({ ownerKind: e.target.value as Draft['ownerKind'] })}
            >
              <option value="unit">Enhet i kommunen</option>
              <option value="agency">Myndighet</option>
            </select>
          </div>
          <Field label="Enhetens namn eller myndighetens kod" hint="Till exempel Tekniska förvaltningen, eller fk.">
            {(props) => (
              <input
                {...props}
                type="text"
                size={40}
                value={draft.ownerName}
                onChange={(e) => set({ ownerName: e.target.value })}
              />
            )}
          </Field>
        </fieldset>
      )}
      {saving ? (
        <Busy>Sparar …</Busy>
      ) : (
        <div className="actions">
          <button type="submit">{article ? 'Spara ny version' : 'Spara artikel'}</button>
        </div>
      )}
    </form>
  );
}

export function NewArticlePage() {
  return (
    <Page title="Skriv artikel">
      <p>
        <Link to="/kunskapsbank">Kunskapsbanken</Link>
      </p>
      <ArticleForm />
    </Page>
  );
}

export function EditArticlePage({ params }: { params: Record<string, string> }) {
  const article = useLoad<Article>(`/api/knowledge/articles/${encodeURIComponent(params.id)}`);
  return (
    <Page title="Ändra artikel">
      <p>
        <Link to={`/kunskapsbank/${params.id}`}>Tillbaka till artikeln</Link>
      </p>
      {article.state === 'loading' && <Busy>Hämtar artikeln …</Busy>}
      {article.state === 'error' && <Alert>{article.error.message}</Alert>}
      {article.state === 'done' && <ArticleForm article={article.data} />}
    </Page>
  );
}
