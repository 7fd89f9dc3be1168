import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit checkpoints the hub published (to publish again only when the head moved) and the agencies'
 * cosignatures of them, each with the agency's signed message. The agencies keep their own copies: these are the
 * hub's, for the auditor's page and a quick check, and could be cut together with the log.
 */
export class AuditWitnesses1763900800000 implements MigrationInterface {
  name = 'AuditWitnesses1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS hub.audit_checkpoint (
        message_id uuid        PRIMARY KEY,
        position   bigint      NOT NULL CHECK (position >= 0),
        hash       text        NOT NULL,
        taken_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS audit_checkpoint_taken ON hub.audit_checkpoint (taken_at)`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS hub.audit_witness (
        message_id    uuid        PRIMARY KEY,
        agency        text        NOT NULL,
        checkpoint_id uuid        NOT NULL,
        position      bigint      NOT NULL CHECK (position >= 0),
        hash          text        NOT NULL,
        verdict       text        NOT NULL,
        witnessed_at  timestamptz NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT now(),
        body          bytea       NOT NULL,
        signature     text        NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS audit_witness_latest ON hub.audit_witness (agency, position DESC, received_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS hub.audit_witness`);
    await queryRunner.query(`DROP TABLE IF EXISTS hub.audit_checkpoint`);
  }
}
