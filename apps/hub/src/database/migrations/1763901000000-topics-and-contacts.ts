import type { MigrationInterface, QueryRunner } from 'typeorm';
import { defaultTaxonomyRows } from '../../topics/default-taxonomy-rows.js';

/**
 * Issue 17: every municipality's own topic taxonomy (category → type, kept by its admin, seeded with the default one)
 * and the contacts (kontakter) its guides log. A retired topic stays, so contacts that name it stay readable. A
 * contact names its topic type by code, the municipality's stable key. Queries and referrals made during a contact
 * name it (`contact_id`); no foreign key, so that contacts can be thinned out (gallring) on their own schedule.
 */
export class TopicsAndContacts1763901000000 implements MigrationInterface {
  name = 'TopicsAndContacts1763901000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE hub.topic_category (
        id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation char(10)    NOT NULL REFERENCES hub.organisation (number),
        code         text        NOT NULL CHECK (code ~ '^[a-z][a-z0-9-]{1,39}$'),
        name         text        NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
        position     integer     NOT NULL DEFAULT 1000,
        created_at   timestamptz NOT NULL DEFAULT now(),
        created_by   text        NOT NULL DEFAULT 'migration',
        retired_at   timestamptz,
        retired_by   text,
        UNIQUE (organisation, code)
      );
      CREATE TABLE hub.topic_type (
        id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation      char(10)    NOT NULL,
        category          text        NOT NULL,
        code              text        NOT NULL CHECK (code ~ '^[a-z][a-z0-9-]{1,39}\\.[a-z0-9][a-z0-9-]{1,59}$'),
        name              text        NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
        department        text,
        response_hours    integer     CHECK (response_hours BETWEEN 1 AND 8760),
        secrecy_sensitive boolean     NOT NULL DEFAULT false,
        position          integer     NOT NULL DEFAULT 1000,
        created_at        timestamptz NOT NULL DEFAULT now(),
        created_by        text        NOT NULL DEFAULT 'migration',
        retired_at        timestamptz,
        retired_by        text,
        UNIQUE (organisation, code),
        FOREIGN KEY (organisation, category) REFERENCES hub.topic_category (organisation, code),
        CHECK (starts_with(code, category || '.'))
      );

      CREATE TABLE hub.contact (
        id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation   char(10)    NOT NULL,
        unit           text        NOT NULL,
        created_by     text        NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        channel        text        NOT NULL
          CHECK (channel IN ('besok', 'telefon', 'e-post', 'chatt', 'e-tjanst', 'sociala-medier')),
        topic          text        NOT NULL,
        rosa           smallint    NOT NULL CHECK (rosa BETWEEN 1 AND 8),
        outcome        text        NOT NULL
          CHECK (outcome IN ('besvarad', 'vidarebefordrad', 'remitterad', 'bokad', 'ej-lost')),
        language       char(2)     NOT NULL DEFAULT 'sv' CHECK (language ~ '^[a-z]{2}$'),
        interpreter    boolean     NOT NULL DEFAULT false,
        note           text        CHECK (length(note) <= 2000),
        subject_key    char(64)    CHECK (subject_key ~ '^[0-9a-f]{64}$'),
        subject_masked text,
        FOREIGN KEY (organisation, topic) REFERENCES hub.topic_type (organisation, code)
      );
      CREATE INDEX contact_unit_day ON hub.contact (organisation, unit, created_at);
      CREATE INDEX contact_at ON hub.contact (created_at);

      ALTER TABLE hub.referral ADD COLUMN contact_id uuid;
      ALTER TABLE hub.query_outcome ADD COLUMN contact_id uuid;
      CREATE INDEX referral_contact ON hub.referral (contact_id) WHERE contact_id IS NOT NULL;
      CREATE INDEX query_outcome_contact ON hub.query_outcome (contact_id) WHERE contact_id IS NOT NULL;
    `);
    const { categories, types } = defaultTaxonomyRows();
    await queryRunner.query(
      `INSERT INTO hub.topic_category (organisation, code, name, position)
       SELECT o.number, c.code, c.name, c.position
       FROM hub.organisation o, json_to_recordset($1::json) AS c(code text, name text, position integer)
       WHERE o.kind = 'municipality'`,
      [JSON.stringify(categories)],
    );
    await queryRunner.query(
      `INSERT INTO hub.topic_type (organisation, category, code, name, department, response_hours, secrecy_sensitive,
         position)
       SELECT o.number, t.category, t.code, t.name, t.department, t.response_hours, t.secrecy_sensitive, t.position
       FROM hub.organisation o, json_to_recordset($1::json) AS t(category text, code text, name text, department text,
         response_hours integer, secrecy_sensitive boolean, position integer)
       WHERE o.kind = 'municipality'`,
      [JSON.stringify(types)],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE hub.query_outcome DROP COLUMN contact_id;
      ALTER TABLE hub.referral DROP COLUMN contact_id;
      DROP TABLE hub.contact;
      DROP TABLE hub.topic_type;
      DROP TABLE hub.topic_category;
    `);
  }
}
