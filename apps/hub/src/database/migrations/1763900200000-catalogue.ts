import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The latest announced catalogue of each agency. */
export class Catalogue1763900200000 implements MigrationInterface {
  name = 'Catalogue1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE SCHEMA IF NOT EXISTS hub;
      CREATE TABLE hub.agency_catalogue (
        agency         text        PRIMARY KEY,
        organisation   char(10)    NOT NULL CHECK (organisation ~ '^[0-9]{10}$'),
        name           text        NOT NULL,
        categories     jsonb       NOT NULL,
        referral_types jsonb       NOT NULL,
        announced_at   timestamptz NOT NULL,
        message_id     uuid        NOT NULL,
        received_at    timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS hub.agency_catalogue');
  }
}
