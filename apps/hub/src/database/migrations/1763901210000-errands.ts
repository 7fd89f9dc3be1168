import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Errands (ärenden) a guide forwards from a contact to a department unit of the same municipality, and their
 * timeline (issue 17). `contact_id` has no foreign key: contacts are stored by another module. The citizen's
 * contact details are one jsonb of only what may be passed on; the personnummer only as subject key and masked form.
 */
export class Errands1763901210000 implements MigrationInterface {
  name = 'Errands1763901210000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE hub.errand (
        id                uuid        PRIMARY KEY,
        organisation      char(10)    NOT NULL,
        unit              text        NOT NULL,
        department        text        NOT NULL,
        contact_id        uuid,
        topic             text        NOT NULL,
        secrecy_sensitive boolean     NOT NULL,
        message           text        NOT NULL,
        citizen           jsonb       NOT NULL,
        preferred_channel text        NOT NULL,
        subject_key       char(64)    CHECK (subject_key ~ '^[0-9a-f]{64}$'),
        subject_masked    text,
        created_by        text        NOT NULL,
        created_at        timestamptz NOT NULL,
        respond_by        timestamptz NOT NULL,
        status            text        NOT NULL CHECK (status IN ('sent', 'taken', 'answered', 'closed')),
        status_at         timestamptz NOT NULL,
        taken_by          text,
        answer            text,
        answered_by       text,
        answered_at       timestamptz,
        FOREIGN KEY (organisation, unit) REFERENCES hub.unit (organisation, name),
        FOREIGN KEY (organisation, department) REFERENCES hub.unit (organisation, name),
        CHECK ((subject_key IS NULL) = (subject_masked IS NULL))
      );
      CREATE INDEX errand_unit ON hub.errand (organisation, unit, created_at DESC);
      CREATE INDEX errand_department ON hub.errand (organisation, department, created_at DESC);
      CREATE INDEX errand_open ON hub.errand (status, respond_by);
      CREATE TABLE hub.errand_event (
        seq        bigserial   PRIMARY KEY,
        errand_id  uuid        NOT NULL REFERENCES hub.errand (id),
        event      text        NOT NULL,
        at         timestamptz NOT NULL,
        actor      jsonb       NOT NULL,
        department text        NOT NULL,
        note       text
      );
      CREATE INDEX errand_event_errand ON hub.errand_event (errand_id, at, seq);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS hub.errand_event, hub.errand`);
  }
}
