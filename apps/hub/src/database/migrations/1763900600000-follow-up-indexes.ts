import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-up counts one organisation's (or unit's) query outcomes in a period; the index on `at` alone would read
 * every organisation's rows of that period. Referrals already have (organisation, unit, created_at).
 */
export class FollowUpIndexes1763900600000 implements MigrationInterface {
  name = 'FollowUpIndexes1763900600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS query_outcome_scope ON hub.query_outcome (organisation, unit, at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS hub.query_outcome_scope`);
  }
}
