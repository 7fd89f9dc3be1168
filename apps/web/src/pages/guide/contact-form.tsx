import { useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import {
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  ROSA_LEVELS,
  type ContactChannel,
  type ContactOutcome,
  type RosaLevel,
} from '@contracts/codes';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Field } from '../../components.js';
import { CHANNEL_TEXT, OUTCOME_TEXT, ROSA_TEXT, resolveTopic, topicLabel, type TopicChoice } from './contact-texts.js';
import { errorText } from './guide-texts.js';

export type Contact = HubSchemas['ContactView'];

interface Draft {
  channel: ContactChannel;
  topicText: string;
  rosa: RosaLevel;
  outcome: ContactOutcome;
  language: string;
  interpreter: boolean;
  note: string;
  /** the knowledge-base article taken with "Använd", while the topic is still the article's */
  article?: PickedArticle;
}

const EMPTY: Draft = {
  channel: 'besok',
  topicText: '',
  rosa: 1,
  outcome: 'besvarad',
  language: 'sv',
  interpreter: false,
  note: '',
};

export interface PickedArticle {
  id: string;
  topic: string;
  title: string;
}

/** What the form asks the knowledge base about, and how an article's answer is taken into the contact. */
export interface KnowledgeQuery {
  topic?: string;
  text: string;
  channel: ContactChannel;
  /** the article's topic becomes the contact's, the contact names the article, and focus moves on to the ROSA level */
  pick: (article: PickedArticle) => void;
}

/**
 * The contact form of the guide's day: keyboard first (Tab between the fields, the first letter picks in a list,
 * Enter saves from any field), then it empties and focus goes back to the channel for the next contact. An answer
 * from the knowledge base's suggestions (Tab past the outcome, Enter) sets the topic, and the contact is saved with
 * the article unless the guide changes the topic afterwards.
 */
export function ContactForm({
  topics,
  onSaved,
  renderKnowledgeSuggestions,
}: {
  topics: readonly TopicChoice[];
  onSaved: (contact: Contact) => void;
  /** The knowledge base's articles for the typed topic or keyword, shown under the fields. */
  renderKnowledgeSuggestions?: (query: KnowledgeQuery) => ReactNode;
}) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [topicError, setTopicError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  const topicInput = useRef<HTMLInputElement>(null);
  const rosaSelect = useRef<HTMLSelectElement>(null);
  const resolved = resolveTopic(draft.topicText, topics);
  const answeredWith = draft.article && resolved?.code === draft.article.topic ? draft.article : undefined;
  const change = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  async function save(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setSaved(undefined);
    if (!resolved) {
      setTopicError(draft.topicText.trim() ? 'Välj ett av ämnena i listan.' : 'Ange ämnet för kontakten.');
      topicInput.current?.focus();
      return;
    }
    setTopicError(undefined);
    setBusy(true);
    try {
      const contact = await answer(
        hub.POST('/api/contacts', {
          body: {
            channel: draft.channel,
            topic: resolved.code,
            rosa: draft.rosa,
            outcome: draft.outcome,
            language: draft.language.trim().toLowerCase() || 'sv',
            interpreter: draft.interpreter,
            ...(draft.note.trim() && { note: draft.note.trim() }),
            ...(answeredWith && { articleId: answeredWith.id }),
          },
        }),
      );
      setDraft(EMPTY);
      setSaved(`Sparad: ${CHANNEL_TEXT[contact.channel]}, ${contact.topicName}, ${OUTCOME_TEXT[contact.outcome]}.`);
      first.current?.focus();
      onSaved(contact);
    } catch (err) {
      setFailure(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  function pick(article: PickedArticle) {
    const topic = topics.find((t) => t.code === article.topic);
    if (!topic) {
      setTopicError('Artikelns ämne finns inte bland kommunens ämnen. Välj ämne i listan.');
      topicInput.current?.focus();
      return;
    }
    setTopicError(undefined);
    setDraft((d) => ({
      ...d,
      topicText: topicLabel(topic),
      article: { id: article.id, topic: article.topic, title: article.title },
    }));
    setSaved(`Svar ur kunskapsbanken: ”${article.title}”. Ämne: ${topic.name}.`);
    rosaSelect.current?.focus();
  }

  // Enter saves from a list or the checkbox too, not only from a text field
  function enterSaves(event: KeyboardEvent<HTMLFormElement>) {
    const target = event.target as HTMLElement;
    if (event.key !== 'Enter' || event.shiftKey || target.tagName === 'TEXTAREA' || target.tagName === 'BUTTON') return;
    if (target.tagName === 'SELECT' || (target as HTMLInputElement).type === 'checkbox') {
      event.preventDefault();
      event.currentTarget.requestSubmit();
    }
  }

  return (
    <form className="contact-form" aria-labelledby="ny-kontakt" onSubmit={(e) => void save(e)} onKeyDown={enterSaves}>
      <h2 id="ny-kontakt">Ny kontakt</h2>
      <div className="contact-fields">
        <Field label="Kanal">
          {(props) => (
            <select
              {...props}
              ref={first}
              value={draft.channel}
              onChange={(e) => change('channel', e.target.value as ContactChannel)}
            >
              {CONTACT_CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_TEXT[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Ämne" hint="Skriv några bokstäver och välj i listan." error={topicError}>
          {(props) => (
            <>
              <input
                {...props}
                ref={topicInput}
                list="amnen"
                autoComplete="off"
                value={draft.topicText}
                onChange={(e) => change('topicText', e.target.value)}
              />
              <datalist id="amnen">
                {topics.map((t) => (
                  <option key={t.code} value={topicLabel(t)} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="ROSA-nivå">
          {(props) => (
            <select
              {...props}
              ref={rosaSelect}
              value={draft.rosa}
              onChange={(e) => change('rosa', Number(e.target.value) as RosaLevel)}
            >
              {ROSA_LEVELS.map((level) => (
                <option key={level} value={level}>
                  {level} {ROSA_TEXT[level]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Utfall">
          {(props) => (
            <select
              {...props}
              value={draft.outcome}
              onChange={(e) => change('outcome', e.target.value as ContactOutcome)}
            >
              {CONTACT_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {OUTCOME_TEXT[o]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {renderKnowledgeSuggestions?.({ topic: resolved?.code, text: draft.topicText, channel: draft.channel, pick })}
      <details className="contact-more">
        <summary>Språk, tolk och anteckning</summary>
        <div className="contact-fields">
          <Field label="Språk" hint="Språkkod, till exempel sv, en eller ar.">
            {(props) => (
              <input
                {...props}
                size={4}
                maxLength={2}
                value={draft.language}
                onChange={(e) => change('language', e.target.value)}
              />
            )}
          </Field>
          <div className="field choices">
            <label>
              <input
                type="checkbox"
                checked={draft.interpreter}
                onChange={(e) => change('interpreter', e.target.checked)}
              />
              Tolk behövdes
            </label>
          </div>
          <Field label="Anteckning" hint="Skriv aldrig personnummer här.">
            {(props) => (
              <textarea
                {...props}
                rows={2}
                maxLength={2000}
                value={draft.note}
                onChange={(e) => change('note', e.target.value)}
              />
            )}
          </Field>
        </div>
      </details>
      <button type="submit" disabled={busy}>
        Spara kontakt
      </button>
      {failure && <Alert>{failure}</Alert>}
      <p role="status" className="contact-saved">
        {saved}
      </p>
    </form>
  );
}
