import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { agencyName } from '../../texts.js';
import { useLoad } from '../../use-load.js';

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

export interface TopicType {
  code: string;
  name: string;
  category: string;
  retired: boolean;
}

/**
 * The topic types of the caller's municipality, as the hub's taxonomy has them (GET /api/topics); none until they
 * are loaded, or for a caller without a municipality (an agency's admin), who then reads the codes.
 */
export function useTopicTypes(): TopicType[] {
  const taxonomy = useLoad('/api/topics', () => answer(hub.GET('/api/topics')));
  if (taxonomy.state !== 'done') return [];
  return taxonomy.data.flatMap((category) =>
    category.types.map((type) => ({
      code: type.code,
      name: type.name,
      category: category.name,
      retired: Boolean(type.retiredAt ?? category.retiredAt),
    })),
  );
}

export const topicName = (types: readonly TopicType[], code: string) =>
  types.find((t) => t.code === code)?.name ?? code;

// agencies by the names the hub's registry and their catalogues give them, not a list of our own
export const ownerText = (owner: Article['owner']) => (owner.kind === 'agency' ? agencyName(owner.name) : owner.name);

/** The short answer for a channel, else the standard answer. */
export const answerFor = (hit: ArticleHit, channel?: keyof ShortAnswers) =>
  (channel && hit.shortAnswers[channel]) || hit.standardAnswer;
