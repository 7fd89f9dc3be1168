import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An errand the front office withdraws before it is answered (issue 17): a status of its own, after which none. */
export class ErrandWithdrawal1763901220000 implements MigrationInterface {
  name = 'ErrandWithdrawal1763901220000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE hub.errand DROP CONSTRAINT errand_status_check,
        ADD CONSTRAINT errand_status_check CHECK (status IN ('sent', 'taken', 'answered', 'closed', 'withdrawn'))
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // fails while a withdrawn errand is stored: it has no earlier status to go back to
    await queryRunner.query(`
      ALTER TABLE hub.errand DROP CONSTRAINT errand_status_check,
        ADD CONSTRAINT errand_status_check CHECK (status IN ('sent', 'taken', 'answered', 'closed'))
    `);
  }
}
