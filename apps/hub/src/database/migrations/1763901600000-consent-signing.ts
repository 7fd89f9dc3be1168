import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consents signed with e-legitimation (issue 19): the provider's signature, the signed text's SHA-256 and the LoA
 * beside the consent, and the signing orders in progress at the desk. The personnummer is not stored: the signer is
 * compared by subject key. `consent_id` has no foreign key, so that suites and retention may clear consents alone.
 */
export class ConsentSigning1763901600000 implements MigrationInterface {
  name = 'ConsentSigning1763901600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE hub.consent
        ADD COLUMN signature          text,
        ADD COLUMN signed_text_sha256 char(64) CHECK (signed_text_sha256 ~ '^[0-9a-f]{64}$'),
        ADD COLUMN loa                text,
        ADD COLUMN signing_id         uuid,
        ADD CONSTRAINT consent_signed_with_eid CHECK (
          (method = 'e-legitimation') = (signature IS NOT NULL AND signed_text_sha256 IS NOT NULL AND loa IS NOT NULL)
        );
      CREATE TABLE hub.consent_signing (
        id             uuid        PRIMARY KEY,
        organisation   char(10)    NOT NULL,
        unit           text        NOT NULL,
        requested_by   text        NOT NULL,
        subject_key    char(64)    NOT NULL CHECK (subject_key ~ '^[0-9a-f]{64}$'),
        subject_masked text        NOT NULL,
        draft          jsonb       NOT NULL,
        text           text        NOT NULL,
        text_sha256    char(64)    NOT NULL,
        order_id       text        NOT NULL,
        qr_start_token text        NOT NULL,
        qr_start_secret text       NOT NULL,
        qr_base_url    text        NOT NULL,
        started_at     timestamptz NOT NULL,
        expires_at     timestamptz NOT NULL,
        status         text        NOT NULL CHECK (status IN ('pending', 'complete', 'failed', 'cancelled', 'expired')),
        consent_id     uuid,
        finished_at    timestamptz,
        CHECK ((status = 'complete') = (consent_id IS NOT NULL))
      );
      CREATE INDEX consent_signing_unit ON hub.consent_signing (organisation, unit, started_at DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE IF EXISTS hub.consent_signing;
      ALTER TABLE hub.consent DROP CONSTRAINT IF EXISTS consent_signed_with_eid,
        DROP COLUMN IF EXISTS signature, DROP COLUMN IF EXISTS signed_text_sha256,
        DROP COLUMN IF EXISTS loa, DROP COLUMN IF EXISTS signing_id;
    `);
  }
}
