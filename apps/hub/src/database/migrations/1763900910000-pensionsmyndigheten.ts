import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pensionsmyndigheten (202100-5836), the fourth demo agency, in the organisation registry: registering it is all the
 * hub needs to trust its adapter (apps/adapter-pm) and take its catalogue. Until the operator API registers demo
 * organisations, the demo gets it from here.
 */
export class Pensionsmyndigheten1763900910000 implements MigrationInterface {
  name = 'Pensionsmyndigheten1763900910000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      INSERT INTO hub.organisation (number, name, kind, agency_code)
      VALUES ('2021005836', 'Pensionsmyndigheten', 'agency', 'pm')
      ON CONFLICT DO NOTHING;
      SELECT pg_notify('hub_organisation_changed', 'pm');`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM hub.organisation WHERE number = '2021005836'`);
  }
}
