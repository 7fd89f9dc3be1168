import type { ContactChannel, ContactOutcome, RosaLevel } from '@contracts/codes';

export const CHANNEL_TEXT: Record<ContactChannel, string> = {
  besok: 'Besök',
  telefon: 'Telefon',
  'e-post': 'E-post',
  chatt: 'Chatt',
  'e-tjanst': 'E-tjänst',
  'sociala-medier': 'Sociala medier',
};

export const OUTCOME_TEXT: Record<ContactOutcome, string> = {
  besvarad: 'Besvarad direkt',
  vidarebefordrad: 'Vidarebefordrad till förvaltning',
  remitterad: 'Remitterad till myndighet',
  bokad: 'Bokad tid',
  'ej-lost': 'Ej löst',
};

export const ROSA_TEXT: Record<RosaLevel, string> = {
  1: 'Information, upplysning',
  2: 'Vägledning, rådgivning',
  3: 'Administrativ fördelning',
  4: 'Rutin- och regelstyrd handläggning',
  5: 'Verksamhetsspecifik fördelning',
  6: 'Värderande handläggning',
  7: 'Ledningsuppgifter',
  8: 'Politik',
};

export interface TopicChoice {
  code: string;
  name: string;
  category: string;
}

/** What the guide typed, as a topic: its exact name or code, or the only topic whose name or category holds it. */
export function resolveTopic(text: string, topics: readonly TopicChoice[]): TopicChoice | undefined {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return undefined;
  const exact = topics.find(
    (t) => t.code === wanted || t.name.toLowerCase() === wanted || topicLabel(t).toLowerCase() === wanted,
  );
  if (exact) return exact;
  const partial = topics.filter((t) => topicLabel(t).toLowerCase().includes(wanted));
  return partial.length === 1 ? partial[0] : undefined;
}

export const topicLabel = (t: TopicChoice) => `${t.name} (${t.category})`;
