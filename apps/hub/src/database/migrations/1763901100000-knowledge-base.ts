import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The knowledge base (issue 17): articles of a municipality, one row each for the current version and every version
 * kept in hub.article_version. The owner is a unit of the municipality (by name, no foreign key: units are keyed by
 * name and an article may name a department registered later) or an agency (by code). Search is PostgreSQL full-text
 * search in Swedish (title A, standard and short answers B, body C) with a trigram index on the title for typos and
 * half-typed words. The words of titles and answers are also kept once each, with a trigram index, so that a misspelt
 * word finds the words it was meant to be (a few thousand short strings to compare, not every title).
 */
export class KnowledgeBase1763901100000 implements MigrationInterface {
  name = 'KnowledgeBase1763901100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE EXTENSION IF NOT EXISTS pg_trgm;

      CREATE TABLE hub.article (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation    text NOT NULL REFERENCES hub.organisation (number),
        topic           text NOT NULL CHECK (topic ~ '^[a-z0-9-]+\\.[a-z0-9-]+$'),
        owner_kind      text NOT NULL CHECK (owner_kind IN ('unit', 'agency')),
        owner           text NOT NULL,
        version         integer NOT NULL CHECK (version >= 1),
        title           text NOT NULL,
        standard_answer text NOT NULL,
        short_answers   jsonb NOT NULL DEFAULT '{}',
        body            text NOT NULL DEFAULT '',
        links           jsonb NOT NULL DEFAULT '[]',
        review_by       date NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        created_by      text NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        updated_by      text NOT NULL,
        search          tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('swedish'::regconfig, title), 'A') ||
          setweight(to_tsvector('swedish'::regconfig, standard_answer), 'B') ||
          setweight(jsonb_to_tsvector('swedish'::regconfig, short_answers, '["string"]'), 'B') ||
          setweight(to_tsvector('swedish'::regconfig, body), 'C')
        ) STORED
      );
      CREATE INDEX article_search ON hub.article USING gin (search);
      CREATE INDEX article_title_trgm ON hub.article USING gin (title gin_trgm_ops);
      CREATE INDEX article_organisation_topic ON hub.article (organisation, topic);
      CREATE INDEX article_owner_review ON hub.article (owner_kind, owner, review_by);

      CREATE TABLE hub.article_version (
        article_id      uuid NOT NULL REFERENCES hub.article (id),
        version         integer NOT NULL,
        topic           text NOT NULL,
        owner_kind      text NOT NULL,
        owner           text NOT NULL,
        title           text NOT NULL,
        standard_answer text NOT NULL,
        short_answers   jsonb NOT NULL,
        body            text NOT NULL,
        links           jsonb NOT NULL,
        review_by       date NOT NULL,
        edited_at       timestamptz NOT NULL DEFAULT now(),
        edited_by       text NOT NULL,
        PRIMARY KEY (article_id, version)
      );

      CREATE TABLE hub.article_word (word text PRIMARY KEY);
      CREATE INDEX article_word_trgm ON hub.article_word USING gist (word gist_trgm_ops);

      -- One round trip for the search: the tsquery is built first (the words as typed, the last one as a prefix,
      -- the knowledge base's words nearest each typed word), then the articles are found with it as a constant
      -- (a custom plan). The planner does not count reading each article's TOASTed tsvector, so it would rather scan
      -- every article than the GIN index; here the index is always the cheaper way.
      CREATE FUNCTION hub.search_articles(p_organisation text, p_text text, p_topic text, p_limit integer,
                                          p_prefix text, p_typed text[])
      RETURNS TABLE (id uuid, score double precision)
      LANGUAGE plpgsql STABLE
      SET plan_cache_mode = force_custom_plan
      SET enable_seqscan = off
      AS $$
      DECLARE
        exact tsquery := websearch_to_tsquery('swedish', p_text);
        near tsquery;
        tsq tsquery;
      BEGIN
        IF p_text = '' THEN
          RETURN QUERY SELECT a.id, 0::double precision FROM hub.article a
            WHERE a.organisation = p_organisation AND a.topic = p_topic ORDER BY a.title LIMIT p_limit;
          RETURN;
        END IF;
        SELECT to_tsquery('swedish', string_agg(quote_literal(n.word), ' | ')) INTO near
          FROM (SELECT DISTINCT w.word FROM unnest(p_typed) AS t(typed)
                CROSS JOIN LATERAL (SELECT aw.word FROM hub.article_word aw WHERE aw.word % t.typed
                                    ORDER BY aw.word <-> t.typed LIMIT 3) w) n;
        tsq := exact;
        IF p_prefix <> '' THEN tsq := tsq || to_tsquery('swedish', quote_literal(p_prefix) || ':*'); END IF;
        IF near IS NOT NULL THEN tsq := tsq || near; END IF;
        -- by the words first (the GIN index), then each found article by its key: the municipality's btree index
        -- would mean reading every article of the municipality (OFFSET 0 keeps the planner from merging the two)
        RETURN QUERY
          WITH matching AS MATERIALIZED (SELECT m.id FROM hub.article m WHERE m.search @@ tsq)
          SELECT r.id, r.score FROM matching, LATERAL (
            SELECT a.id,
              ts_rank_cd(a.search, tsq, 32)
                + CASE WHEN a.search @@ exact THEN 0.5 ELSE 0 END
                + CASE WHEN a.topic = p_topic THEN 0.3 ELSE 0 END AS score
            FROM hub.article a
            WHERE a.id = matching.id AND a.organisation = p_organisation
            OFFSET 0
          ) r
          ORDER BY r.score DESC
          LIMIT p_limit;
      END
      $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION hub.search_articles; DROP TABLE hub.article_word; DROP TABLE hub.article_version; DROP TABLE hub.article;`,
    );
  }
}
