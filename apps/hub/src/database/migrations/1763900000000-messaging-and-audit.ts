import type { MigrationInterface, QueryRunner } from 'typeorm';
import { auditDdl } from '@hub/audit';
import { PROCESSED_MESSAGES_DDL } from '@hub/messaging';

/** The libraries' own tables: processed message ids (idempotent consumers) and the audit chain. */
export class MessagingAndAudit1763900000000 implements MigrationInterface {
  name = 'MessagingAndAudit1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(PROCESSED_MESSAGES_DDL);
    await queryRunner.query(auditDdl('audit'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP SCHEMA IF EXISTS audit CASCADE');
    await queryRunner.query('DROP TABLE IF EXISTS messaging.processed_message');
  }
}
