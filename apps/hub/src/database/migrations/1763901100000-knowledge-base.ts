import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The knowledge base (issue 17): articles of a municipality, one row each for the current version and every version
 * kept in hub.article_version. The owner is a unit of the municipality (by name, no foreign key: units are keyed by
 * name and an article may name a department registered later) or an agency (by code). Search is PostgreSQL full-text
 * search in Swedish (title A, standard and short answers B, body C) with a trigram index on the title for typos and
 * half-typed words.
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
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE hub.article_version; DROP TABLE hub.article;`);
  }
}
