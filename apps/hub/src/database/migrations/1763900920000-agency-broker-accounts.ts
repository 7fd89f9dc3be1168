import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agencies registered by a migration after 1763900900000 (Pensionsmyndigheten) get the broker account of their
 * adapter, `adapter-<code>`, as the operator's API gives every agency it registers. And the defaults of
 * 1763900900000, which a first version of it dropped, for plain INSERTs of seeds, migrations and test fixtures.
 */
export class AgencyBrokerAccounts1763900920000 implements MigrationInterface {
  name = 'AgencyBrokerAccounts1763900920000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE hub.organisation SET broker_account = 'adapter-' || agency_code
        WHERE agency_code IS NOT NULL AND broker_account IS NULL;
      ALTER TABLE hub.organisation ALTER COLUMN registered_by SET DEFAULT 'migration';
      ALTER TABLE hub.unit
        ALTER COLUMN kind SET DEFAULT 'servicecenter',
        ALTER COLUMN registered_by SET DEFAULT 'migration',
        ALTER COLUMN display_name DROP NOT NULL;`);
  }

  async down(): Promise<void> {
    // the accounts stay: they are what the adapters connect as either way
  }
}
