import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The time an agency reported for a status change, kept beside the hub's own: the hub's clock orders the timeline and
 * dates the status, the agency's is evidence only.
 */
export class ReferralReportedAt1763900820000 implements MigrationInterface {
  name = 'ReferralReportedAt1763900820000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE hub.referral_event ADD COLUMN IF NOT EXISTS reported_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE hub.referral_event DROP COLUMN IF EXISTS reported_at`);
  }
}
