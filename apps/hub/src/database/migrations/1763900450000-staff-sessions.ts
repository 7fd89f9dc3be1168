import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff login: server-side sessions and the login attempts in flight between the redirect to the identity provider
 * and its callback. Both are keyed by the SHA-256 of the random id in the browser's cookie, so a copy of the table
 * cannot be replayed as cookies.
 */
export class StaffSessions1763900450000 implements MigrationInterface {
  name = 'StaffSessions1763900450000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE SCHEMA IF NOT EXISTS hub;
      CREATE TABLE hub.staff_session (
        id_hash     char(64)    PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
        staff_user  jsonb       NOT NULL,
        id_token    text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        CHECK (expires_at > created_at)
      );
      CREATE INDEX staff_session_expires ON hub.staff_session (expires_at);
      CREATE TABLE hub.login_attempt (
        id_hash       char(64)    PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
        state         text        NOT NULL,
        nonce         text        NOT NULL,
        code_verifier text        NOT NULL,
        return_to     text        NOT NULL CHECK (return_to LIKE '/%'),
        expires_at    timestamptz NOT NULL
      );
      CREATE INDEX login_attempt_expires ON hub.login_attempt (expires_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS hub.login_attempt; DROP TABLE IF EXISTS hub.staff_session');
  }
}
