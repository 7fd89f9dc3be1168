import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-up figures and targets (issue 18). A contact may record how long the citizen waited and how long it took
 * (both optional: a visit's queue system or a phone switch knows them, a guide often does not). The figures read a
 * unit's contacts of up to a year; the index covers every column they group by, so that they are an index-only scan
 * of the unit's range (it replaces contact_unit_day, which had the same leading columns). Errands get the same for
 * their department figures. A municipality's targets, for one unit or (unit NULL) the whole municipality.
 */
export class FollowUpFigures1763901400000 implements MigrationInterface {
  name = 'FollowUpFigures1763901400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE hub.contact
        ADD COLUMN waiting_seconds integer CHECK (waiting_seconds BETWEEN 0 AND 604800),
        ADD COLUMN handling_seconds integer CHECK (handling_seconds BETWEEN 0 AND 86400);
      CREATE INDEX contact_follow_up ON hub.contact (organisation, unit, created_at)
        INCLUDE (channel, topic, rosa, outcome, waiting_seconds, handling_seconds);
      DROP INDEX hub.contact_unit_day;
      CREATE INDEX errand_follow_up ON hub.errand (organisation, unit, created_at)
        INCLUDE (department, status, respond_by, answered_at);

      CREATE TABLE hub.follow_up_target (
        id                             uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation                   char(10)     NOT NULL REFERENCES hub.organisation (number),
        unit                           text,
        first_contact_resolved_percent numeric(4,1) CHECK (first_contact_resolved_percent BETWEEN 0 AND 100),
        nki                            numeric(4,1) CHECK (nki BETWEEN 0 AND 100),
        errands_in_time_percent        numeric(4,1) CHECK (errands_in_time_percent BETWEEN 0 AND 100),
        referrals_in_time_percent      numeric(4,1) CHECK (referrals_in_time_percent BETWEEN 0 AND 100),
        updated_at                     timestamptz  NOT NULL DEFAULT now(),
        updated_by                     text         NOT NULL,
        UNIQUE NULLS NOT DISTINCT (organisation, unit),
        FOREIGN KEY (organisation, unit) REFERENCES hub.unit (organisation, name)
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE hub.follow_up_target;
      DROP INDEX hub.errand_follow_up;
      CREATE INDEX contact_unit_day ON hub.contact (organisation, unit, created_at);
      DROP INDEX hub.contact_follow_up;
      ALTER TABLE hub.contact DROP COLUMN waiting_seconds, DROP COLUMN handling_seconds;
    `);
  }
}
