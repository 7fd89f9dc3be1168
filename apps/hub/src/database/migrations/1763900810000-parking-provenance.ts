import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who put a parked message on its parking queue, as the broker says (the message's validated user id), beside the
 * original sender: the sender is the service whose signature holds, or what the hub's own consumer saw; never a
 * header that whoever parked the message chose.
 */
export class ParkingProvenance1763900810000 implements MigrationInterface {
  name = 'ParkingProvenance1763900810000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE hub.parked_message ADD COLUMN IF NOT EXISTS parked_by text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE hub.parked_message DROP COLUMN IF EXISTS parked_by`);
  }
}
