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
 * Search: full-text search in Swedish (websearch syntax, ranked by cover density normalised to 0..1) together with
 * trigram word similarity on the title, which finds misspelt and half-typed words; the articles of the topic the
 * guide chose get a boost. One statement, both paths index-backed, limited per municipality.
 */
const SEARCH = `
  WITH q AS (SELECT websearch_to_tsquery('swedish', $2) AS tsq),
  fts AS (
    SELECT a.id, ts_rank_cd(a.search, q.tsq, 32) AS rank
    FROM hub.article a, q
    WHERE a.organisation = $1 AND $2 <> '' AND a.search @@ q.tsq
    ORDER BY rank DESC
    LIMIT 50
  ),
  fuzzy AS (
    SELECT a.id, word_similarity($2, a.title) AS similarity
    FROM hub.article a
    WHERE a.organisation = $1 AND $2 <> '' AND $2 <% a.title
    ORDER BY similarity DESC
    LIMIT 50
  ),
  topical AS (
    SELECT a.id FROM hub.article a
    WHERE a.organisation = $1 AND $2 = '' AND a.topic = $3
    ORDER BY a.title
    LIMIT $4
  ),
  scored AS (
    SELECT id, sum(score) AS score FROM (
      SELECT id, rank AS score FROM fts
      UNION ALL SELECT id, 0.6 * similarity FROM fuzzy
      UNION ALL SELECT id, 0 FROM topical
    ) s GROUP BY id
  )
  SELECT a.id, a.organisation, ${CONTENT},
    s.score + CASE WHEN a.topic = $3 THEN 0.3 ELSE 0 END AS score
  FROM scored s JOIN hub.article a ON a.id = s.id
  ORDER BY score DESC, a.title
  LIMIT $4`;

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
    const { rows } = await db.query<ContentRow & { id: string; organisation: string; score: number }>(SEARCH, [
      organisation,
      text,
      topic ?? '',
      limit,
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

  private async insertVersion(id: string, version: number, c: ArticleContent, by: string, tx: Queryable) {
    await tx.query(
      `INSERT INTO hub.article_version (article_id, version, topic, owner_kind, owner, title, standard_answer,
         short_answers, body, links, review_by, edited_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [id, version, ...contentParams(c), by],
    );
  }
}
