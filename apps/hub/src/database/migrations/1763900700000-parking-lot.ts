import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Parked messages, moved here from the broker's `.parked` queues so that an administrator can list, inspect,
 * replay or discard them without taking them off a quorum queue and putting them back (see docs/parked-messages.md).
 */
export class ParkingLot1763900700000 implements MigrationInterface {
  name = 'ParkingLot1763900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS hub.parked_message (
        id             uuid PRIMARY KEY,
        queue          text NOT NULL,
        message_id     text NOT NULL,
        type           text,
        correlation_id text,
        sender         text,
        reason         text NOT NULL,
        parked_at      timestamptz NOT NULL,
        collected_at   timestamptz NOT NULL DEFAULT now(),
        properties     jsonb NOT NULL,
        content        bytea NOT NULL,
        state          text NOT NULL DEFAULT 'parked' CHECK (state IN ('parked', 'replayed', 'discarded')),
        resolved_at    timestamptz,
        resolved_by    text,
        UNIQUE (queue, message_id, parked_at)
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS parked_message_waiting ON hub.parked_message (queue, parked_at) WHERE state = 'parked'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS hub.parked_message`);
  }
}
