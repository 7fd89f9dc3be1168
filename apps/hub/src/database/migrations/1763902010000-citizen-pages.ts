import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Mina uppgifter" (issue 19): the citizen's own sessions and login attempts, apart from the staff's (a staff
 * session can never be read as a citizen's, nor the other way round), the municipality's validity of a consent
 * given by phone, and the indexes that find a person's referrals and errands by subject key. The session keeps the
 * person's subject keys and the masked personnummer only, never the personnummer; like the staff's, it is keyed by
 * the SHA-256 of the random id in the browser's cookie. The audit log's (subject_key, at, seq) index serves the
 * access log.
 */
export class CitizenPages1763902010000 implements MigrationInterface {
  name = 'CitizenPages1763902010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE hub.citizen_session (
        id_hash        char(64)    PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
        subject_keys   text[]      NOT NULL CHECK (cardinality(subject_keys) >= 1),
        subject_masked text        NOT NULL,
        name           text,
        loa            text        NOT NULL,
        id_token       text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        expires_at     timestamptz NOT NULL,
        CHECK (expires_at > created_at)
      );
      CREATE INDEX citizen_session_expires ON hub.citizen_session (expires_at);
      CREATE TABLE hub.citizen_login_attempt (
        id_hash       char(64)    PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
        state         text        NOT NULL,
        nonce         text        NOT NULL,
        code_verifier text        NOT NULL,
        return_to     text        NOT NULL CHECK (return_to LIKE '/%'),
        expires_at    timestamptz NOT NULL
      );
      CREATE INDEX citizen_login_attempt_expires ON hub.citizen_login_attempt (expires_at);
      ALTER TABLE hub.organisation
        ADD COLUMN phone_consent_days integer CHECK (phone_consent_days BETWEEN 1 AND 365);
      CREATE INDEX IF NOT EXISTS referral_subject ON hub.referral (subject_key, created_at DESC);
      CREATE INDEX IF NOT EXISTS errand_subject ON hub.errand (subject_key, created_at DESC)
        WHERE subject_key IS NOT NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX IF EXISTS hub.errand_subject;
      DROP INDEX IF EXISTS hub.referral_subject;
      ALTER TABLE hub.organisation DROP COLUMN IF EXISTS phone_consent_days;
      DROP TABLE IF EXISTS hub.citizen_login_attempt;
      DROP TABLE IF EXISTS hub.citizen_session;
    `);
  }
}
