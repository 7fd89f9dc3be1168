import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Knowledge-base search within its measure (issue 17: p99 ≤ 30 ms over 5,000 articles). It spent its time ranking:
 * `ts_rank_cd` over an article's whole tsvector (its body too, often TOASTed) for every article that matched any
 * typed word, thousands for a word most articles use, and a correctly spelt word brought its three nearest words
 * along (`hemtjänst` also `tjänst`, in half the bench's articles). Now:
 * - a typed word the knowledge base knows stands for itself; only an unknown one (a typo) brings its nearest words;
 * - one GIN index over organisation, topic, words and title words (btree_gin), so that the municipality's matches
 *   come from the index alone. The btree on (organisation, topic) is gone: with it, the planner read every article of
 *   the municipality and checked each one's tsvector whenever a word was common;
 * - a shortlist of at most 100 articles, taken from the index tier by tier (the topic the guide chose with a word in
 *   the title, the topic, all words in the title, a word in the title, any match; at most 100 of each), and only
 *   those are ranked as before (cover density, an exact match, the topic);
 * - the function says it returns a few rows, so that the repository's join to hub.article looks each one up by key
 *   instead of reading the whole table into a hash, and plans its statements once per connection.
 * A search with at most 100 matches ranks them all; with more, the best of the shortlist.
 */
export class KnowledgeSearchShortlist1763901900000 implements MigrationInterface {
  name = 'KnowledgeSearchShortlist1763901900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE EXTENSION IF NOT EXISTS btree_gin;
      ALTER TABLE hub.article
        ADD COLUMN search_title tsvector GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig, title)) STORED;
      DROP INDEX hub.article_search;
      DROP INDEX hub.article_organisation_topic;
      CREATE INDEX article_search ON hub.article USING gin (organisation, topic, search, search_title);

      -- ROWS: at most p_limit (five for the guide); at the default 1000 the caller's join to hub.article read every
      -- article. Generic plans, made once per connection: the GIN index is the one way to a municipality's
      -- articles, whatever the words, and planning each search anew cost a fifth of it. JIT off: a plan the
      -- disabled seq scan made look expensive would otherwise be compiled, which costs more than the search.
      CREATE OR REPLACE FUNCTION hub.search_articles(p_organisation text, p_text text, p_topic text, p_limit integer,
                                                     p_prefix text, p_typed text[])
      RETURNS TABLE (id uuid, score double precision)
      LANGUAGE plpgsql STABLE
      ROWS 10
      SET plan_cache_mode = force_generic_plan
      SET enable_seqscan = off
      SET jit = off
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
                CROSS JOIN LATERAL (
                  SELECT known.word FROM hub.article_word known WHERE known.word = t.typed
                  UNION ALL
                  (SELECT aw.word FROM hub.article_word aw
                   WHERE aw.word % t.typed
                     AND NOT EXISTS (SELECT 1 FROM hub.article_word known WHERE known.word = t.typed)
                   ORDER BY aw.word <-> t.typed LIMIT 3)) w) n;
        tsq := exact;
        IF p_prefix <> '' THEN tsq := tsq || to_tsquery('swedish', quote_literal(p_prefix) || ':*'); END IF;
        IF near IS NOT NULL THEN tsq := tsq || near; END IF;
        -- each tier at most 100 articles straight from the index, so that a word most articles use costs no more
        RETURN QUERY
          WITH tiers AS MATERIALIZED (
            (SELECT a.id, 1 AS tier FROM hub.article a
             WHERE a.organisation = p_organisation AND a.topic = p_topic AND a.search_title @@ tsq LIMIT 100)
            UNION ALL
            (SELECT a.id, 2 FROM hub.article a
             WHERE a.organisation = p_organisation AND a.topic = p_topic AND a.search @@ tsq LIMIT 100)
            UNION ALL
            (SELECT a.id, 3 FROM hub.article a
             WHERE a.organisation = p_organisation AND a.search_title @@ exact LIMIT 100)
            UNION ALL
            (SELECT a.id, 4 FROM hub.article a
             WHERE a.organisation = p_organisation AND a.search_title @@ tsq LIMIT 100)
            UNION ALL
            (SELECT a.id, 5 FROM hub.article a
             WHERE a.organisation = p_organisation AND a.search @@ tsq LIMIT 100)
          ), shortlist AS MATERIALIZED (
            SELECT t.id FROM tiers t GROUP BY t.id ORDER BY min(t.tier) LIMIT 100
          )
          SELECT a.id,
            ts_rank_cd(a.search, tsq, 32)
              + CASE WHEN a.search @@ exact THEN 0.5 ELSE 0 END
              + CASE WHEN a.topic = p_topic THEN 0.3 ELSE 0 END AS score
          FROM shortlist s JOIN hub.article a ON a.id = s.id
          ORDER BY score DESC
          LIMIT p_limit;
      END
      $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION hub.search_articles(p_organisation text, p_text text, p_topic text, p_limit integer,
                                                     p_prefix text, p_typed text[])
      RETURNS TABLE (id uuid, score double precision)
      LANGUAGE plpgsql STABLE
      ROWS 1000
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
      DROP INDEX hub.article_search;
      CREATE INDEX article_organisation_topic ON hub.article (organisation, topic);
      CREATE INDEX article_search ON hub.article USING gin (search);
      ALTER TABLE hub.article DROP COLUMN search_title;
    `);
  }
}
