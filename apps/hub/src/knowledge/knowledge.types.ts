/** The channels a contact comes by (issue 17); an article may have a short answer for each. */
export const KNOWLEDGE_CHANNELS = ['besok', 'telefon', 'e-post', 'chatt', 'e-tjanst', 'sociala-medier'] as const;
export type KnowledgeChannel = (typeof KNOWLEDGE_CHANNELS)[number];

/** A unit of the municipality (by its name, the unit's key) or an agency (by its code) keeps the article. */
export interface ArticleOwner {
  kind: 'unit' | 'agency';
  name: string;
}

export interface ArticleLink {
  title: string;
  url: string;
}

/** The content of one version of an article: what an edit replaces. */
export interface ArticleContent {
  topic: string;
  owner: ArticleOwner;
  title: string;
  standardAnswer: string;
  shortAnswers: Partial<Record<KnowledgeChannel, string>>;
  body: string;
  links: ArticleLink[];
  /** YYYY-MM-DD: after this day the article is stale, flagged to its owner */
  reviewBy: string;
}

export interface Article extends ArticleContent {
  id: string;
  organisation: string;
  version: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export interface ArticleVersion extends ArticleContent {
  articleId: string;
  version: number;
  editedAt: Date;
  editedBy: string;
}

export interface ArticleHit {
  id: string;
  organisation: string;
  topic: string;
  owner: ArticleOwner;
  title: string;
  standardAnswer: string;
  shortAnswers: Partial<Record<KnowledgeChannel, string>>;
  reviewBy: string;
  score: number;
}
