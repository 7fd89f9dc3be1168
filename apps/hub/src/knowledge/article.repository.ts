import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import type { Article, ArticleContent, ArticleHit, ArticleOwner, ArticleVersion } from './knowledge.types.js';

const CONTENT = `topic, owner_kind, owner, title, standard_answer, short_answers, body, links,
  to_char(review_by, 'YYYY-MM-DD') AS review_by`;
const COLUMNS = `id, organisation, version, ${CONTENT}, created_at, created_by, updated_at, updated_by`;

interface ContentRow {
  topic: string;
  owner_kind: ArticleOwner['kind'];
  owner: string;
  title: string;
  standard_answer: string;
  short_answers: ArticleContent['shortAnswers'];
  body: string;
  links: ArticleContent['links'];
  review_by: string;
}

interface ArticleRow extends ContentRow {
  id: string;
  organisation: string;
  version: number;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

interface VersionRow extends ContentRow {
  article_id: string;
  version: number;
  edited_at: Date;
  edited_by: string;
}

const toContent = (row: ContentRow): ArticleContent => ({
  topic: row.topic,
  owner: { kind: row.owner_kind, name: row.owner },
  title: row.title,
  standardAnswer: row.standard_answer,
  shortAnswers: row.short_answers,
  body: row.body,
  links: row.links,
  reviewBy: row.review_by,
});

const toArticle = (row: ArticleRow): Article => ({
  id: row.id,
  organisation: row.organisation,
  version: row.version,
  ...toContent(row),
  createdAt: row.created_at,
  createdBy: row.created_by,
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
});

const contentParams = (c: ArticleContent) => [
  c.topic,
  c.owner.kind,
  c.owner.name,
  c.title,
  c.standardAnswer,
  JSON.stringify(c.shortAnswers),
  c.body,
  JSON.stringify(c.links),
  c.reviewBy,
];

/** Who an article list is for: a municipality as a whole, one of its units, or an agency in every municipality. */
export type OwnerScope =
  | { organisation: string; unit?: undefined; agency?: undefined }
  | { organisation: string; unit: string; agency?: undefined }
  | { agency: string; organisation?: undefined; unit?: undefined };

/**
 * Search, one statement: hub.search_articles (migrations 1763901100000 and 1763901900000) does full-text search in
 * Swedish over the words as typed (websearch syntax), the last word also as a prefix (the guide is still typing it),
 * and, for a typed word the knowledge base does not know (a typo), its most similar words (pg_trgm on
 * hub.article_word), all OR-ed into one tsquery on the municipality's GIN index. It ranks a shortlist of at most 100
 * (the chosen topic's articles and those with the words in their title first) by cover density (normalised to 0..1),
 * plus an exact match and the topic the guide chose. Without words, the topic's articles by title.
 */
const SEARCH = `
  SELECT a.id, a.organisation, ${CONTENT}, s.score
  FROM hub.search_articles($1, $2, $3, $4, $5, $6) s JOIN hub.article a ON a.id = s.id
  ORDER BY s.score DESC, a.title`;

/** The words a text is searched by: letters and digits, three or more, lower case. */
export const wordsOf = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];

/** The typed words the search compares with the knowledge base's words (a few, not too short to mean anything). */
function searchTerms(text: string): { prefix: string; typed: string[] } {
  const words = wordsOf(text);
  const last = text.match(/[\p{L}\p{N}]+$/u)?.[0].toLowerCase() ?? '';
  return { prefix: last.length >= 3 ? last : '', typed: [...new Set(words.filter((w) => w.length >= 4))].slice(0, 5) };
}

@Injectable()
export class ArticleRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async find(id: string, db: Queryable = this.pool): Promise<Article | undefined> {
    const { rows } = await db.query<ArticleRow>(`SELECT ${COLUMNS} FROM hub.article WHERE id = $1`, [id]);
    return rows[0] && toArticle(rows[0]);
  }

  async lock(id: string, tx: Queryable): Promise<Article | undefined> {
    const { rows } = await tx.query<ArticleRow>(`SELECT ${COLUMNS} FROM hub.article WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] && toArticle(rows[0]);
  }

  /** A municipality's articles, of one topic or all, by title. */
  async list(organisation: string, topic: string | undefined, limit: number, db: Queryable = this.pool) {
    const { rows } = await db.query<ArticleRow>(
      `SELECT ${COLUMNS} FROM hub.article WHERE organisation = $1 AND ($2::text IS NULL OR topic = $2)
       ORDER BY title, id LIMIT $3`,
      [organisation, topic ?? null, limit],
    );
    return rows.map(toArticle);
  }

  /** The articles of an owner whose review day has passed, the longest overdue first. */
  async dueForReview(scope: OwnerScope, today: string, db: Queryable = this.pool): Promise<Article[]> {
    const { rows } = await db.query<ArticleRow>(
      `SELECT ${COLUMNS} FROM hub.article
       WHERE review_by < $1::date
         AND ($2::text IS NULL OR organisation = $2)
         AND ($3::text IS NULL OR (owner_kind = 'unit' AND owner = $3))
         AND ($4::text IS NULL OR (owner_kind = 'agency' AND owner = $4))
       ORDER BY review_by, title LIMIT 500`,
      [today, scope.organisation ?? null, scope.unit ?? null, scope.agency ?? null],
    );
    return rows.map(toArticle);
  }

  async search(
    organisation: string,
    text: string,
    topic: string | undefined,
    limit: number,
    db: Queryable = this.pool,
  ): Promise<ArticleHit[]> {
    const { prefix, typed } = searchTerms(text);
    const { rows } = await db.query<ContentRow & { id: string; organisation: string; score: number }>(SEARCH, [
      organisation,
      text,
      topic ?? '',
      limit,
      prefix,
      typed,
    ]);
    return rows.map((row) => ({
      id: row.id,
      organisation: row.organisation,
      ...toContent(row),
      score: Number(row.score),
    }));
  }

  async insert(organisation: string, content: ArticleContent, by: string, tx: Queryable): Promise<Article> {
    const { rows } = await tx.query<ArticleRow>(
      `INSERT INTO hub.article (organisation, version, topic, owner_kind, owner, title, standard_answer,
         short_answers, body, links, review_by, created_by, updated_by)
       VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
       RETURNING ${COLUMNS}`,
      [organisation, ...contentParams(content), by],
    );
    const article = toArticle(rows[0]!);
    await this.insertVersion(article.id, 1, content, by, tx);
    await this.keepWords(content, tx);
    return article;
  }

  /** Replaces the current content and keeps it as the next version. */
  async update(id: string, version: number, content: ArticleContent, by: string, tx: Queryable): Promise<Article> {
    const { rows } = await tx.query<ArticleRow>(
      `UPDATE hub.article SET version = $2, topic = $3, owner_kind = $4, owner = $5, title = $6,
         standard_answer = $7, short_answers = $8, body = $9, links = $10, review_by = $11,
         updated_at = now(), updated_by = $12
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, version, ...contentParams(content), by],
    );
    await this.insertVersion(id, version, content, by, tx);
    await this.keepWords(content, tx);
    return toArticle(rows[0]!);
  }

  async versions(id: string, db: Queryable = this.pool): Promise<ArticleVersion[]> {
    const { rows } = await db.query<VersionRow>(
      `SELECT article_id, version, ${CONTENT}, edited_at, edited_by FROM hub.article_version
       WHERE article_id = $1 ORDER BY version DESC`,
      [id],
    );
    return rows.map((row) => ({
      articleId: row.article_id,
      version: row.version,
      ...toContent(row),
      editedAt: row.edited_at,
      editedBy: row.edited_by,
    }));
  }

  /** The words typos are matched against; a word no article uses any more only costs a row. */
  private async keepWords(c: ArticleContent, tx: Queryable): Promise<void> {
    const words = new Set(wordsOf([c.title, c.standardAnswer, ...Object.values(c.shortAnswers)].join(' ')));
    await tx.query(`INSERT INTO hub.article_word (word) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING`, [
      [...words],
    ]);
  }

  private async insertVersion(id: string, version: number, c: ArticleContent, by: string, tx: Queryable) {
    await tx.query(
      `INSERT INTO hub.article_version (article_id, version, topic, owner_kind, owner, title, standard_answer,
         short_answers, body, links, review_by, edited_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [id, version, ...contentParams(c), by],
    );
  }
}
