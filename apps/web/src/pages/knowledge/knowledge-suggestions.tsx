import { useEffect, useState } from 'react';
import { answer, hub } from '../../api/hub.js';
import { Link } from '../../router.js';
import { answerFor, CHANNEL_TEXT, ownerText, type ArticleHit, type ShortAnswers } from './knowledge-types.js';

const DEBOUNCE_MS = 250;

/**
 * Up to five articles of the knowledge base for what the guide is typing (and the contact's topic), with the short
 * answer for the contact's channel. Quiet while the guide types; announced politely when suggestions change. With
 * `onPick`, each has a button that takes its answer into the contact, reached by Tab after the form's fields.
 */
export function KnowledgeSuggestions({
  topic,
  text,
  channel,
  onPick,
}: {
  topic?: string;
  text: string;
  channel?: keyof ShortAnswers;
  onPick?: (hit: ArticleHit) => void;
}) {
  const [hits, setHits] = useState<ArticleHit[]>([]);
  const [failed, setFailed] = useState(false);
  const q = text.trim();

  useEffect(() => {
    if (!q && !topic) {
      setHits([]);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      answer(
        hub.GET('/api/knowledge/search', { params: { query: { ...(q && { q }), ...(topic && { topic }) } } }),
      ).then(
        (found) => {
          if (!current) return;
          setHits(found);
          setFailed(false);
        },
        () => current && setFailed(true),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [q, topic]);

  return (
    <section className="knowledge-suggestions" aria-labelledby="kunskapsbank-forslag">
      <h2 id="kunskapsbank-forslag">Förslag ur kunskapsbanken</h2>
      <div aria-live="polite">
        {failed && <p>Kunskapsbanken svarar inte just nu.</p>}
        {!failed && hits.length === 0 && (
          <p className="hint">{q || topic ? 'Inga artiklar hittades.' : 'Skriv ett ord eller välj ämne.'}</p>
        )}
        {hits.length > 0 && (
          <ul className="suggestions">
            {hits.map((hit) => (
              <li key={hit.id}>
                {onPick && (
                  <button type="button" className="secondary pick" onClick={() => onPick(hit)}>
                    Använd<span className="sr-only"> svaret {hit.title}</span>
                  </button>
                )}
                <Link to={`/kunskapsbank/${hit.id}`}>{hit.title}</Link>
                {hit.stale && <span className="badge"> Behöver granskas</span>}
                <p>
                  {channel && hit.shortAnswers[channel] && <strong>{CHANNEL_TEXT[channel]}: </strong>}
                  {answerFor(hit, channel)}
                </p>
                <p className="hint">Ansvarig: {ownerText(hit.owner)}</p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
