import { agencyName } from '../../texts.js';
import type { HubSchemas } from '../../api/hub.js';
import { DEFAULT_TAXONOMY } from '../../../../hub/src/topics/default-taxonomy.js';

export type Article = HubSchemas['ArticleView'];
export type ArticleHit = HubSchemas['ArticleHitView'];
export type ArticleVersion = HubSchemas['ArticleVersionView'];
export type ShortAnswers = HubSchemas['ShortAnswersView'];

export const CHANNEL_TEXT: Record<keyof ShortAnswers, string> = {
  besok: 'Besök',
  telefon: 'Telefon',
  'e-post': 'E-post',
  chatt: 'Chatt',
  'e-tjanst': 'E-tjänst',
  'sociala-medier': 'Sociala medier',
};
export const CHANNELS = Object.keys(CHANNEL_TEXT) as Array<keyof ShortAnswers>;

/** The topic types of the default taxonomy, by code (a municipality's own types show their code). */
export const TOPIC_TYPES = DEFAULT_TAXONOMY.flatMap((category) =>
  category.types.map((type) => ({ code: type.code, name: type.name, category: category.name })),
);
export const topicName = (code: string) => TOPIC_TYPES.find((t) => t.code === code)?.name ?? code;

// agencies by the names the hub's registry and their catalogues give them, not a list of our own
export const ownerText = (owner: Article['owner']) => (owner.kind === 'agency' ? agencyName(owner.name) : owner.name);

/** The short answer for a channel, else the standard answer. */
export const answerFor = (hit: ArticleHit, channel?: keyof ShortAnswers) =>
  (channel && hit.shortAnswers[channel]) || hit.standardAnswer;
