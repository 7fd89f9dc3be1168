import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Consents (samtycke): the subject only as its keyed hash, never the personnummer. */
export class Consents1763900300000 implements MigrationInterface {
  name = 'Consents1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE SCHEMA IF NOT EXISTS hub;
      CREATE TABLE hub.consent (
        id           uuid        PRIMARY KEY,
        subject_key  char(64)    NOT NULL CHECK (subject_key ~ '^[0-9a-f]{64}$'),
        organisation char(10)    NOT NULL CHECK (organisation ~ '^[0-9]{10}$'),
        unit         text        NOT NULL,
        purposes     jsonb       NOT NULL,
        agencies     jsonb       NOT NULL,
        categories   jsonb       NOT NULL,
        method       text        NOT NULL,
        recorded_by  text        NOT NULL,
        valid_from   date        NOT NULL,
        valid_until  date        NOT NULL,
        revoked_at   timestamptz,
        revoked_by   text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_until >= valid_from),
        CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
      );
      CREATE INDEX consent_subject ON hub.consent (subject_key, organisation, unit);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS hub.consent');
  }
}
