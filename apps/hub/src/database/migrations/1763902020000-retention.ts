import type { MigrationInterface, QueryRunner } from 'typeorm';
import { auditDdl } from '@hub/audit';

/**
 * Retention (gallring, issue 19; docs/gallring.md):
 * - the audit schema gains its periods of subject keys (`audit.subject_period_key`, libs/audit): auditDdl again,
 *   which only adds what is missing;
 * - `hub.retention_setting`: a municipality's retention periods, one row per organisation, the defaults where none;
 * - `hub.retention_run`: each run of the job, a daily one claimed once per day whichever instance runs it;
 * - indexes that let the job find what is due per organisation without reading whole tables.
 */
export class Retention1763902020000 implements MigrationInterface {
  name = 'Retention1763902020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(auditDdl('audit'));
    await queryRunner.query(`
      CREATE TABLE hub.retention_setting (
        organisation         char(10)    PRIMARY KEY REFERENCES hub.organisation (number),
        contact_months       smallint    NOT NULL CHECK (contact_months BETWEEN 1 AND 120),
        consent_months       smallint    NOT NULL CHECK (consent_months BETWEEN 1 AND 120),
        referral_years       smallint    NOT NULL CHECK (referral_years BETWEEN 1 AND 50),
        errand_years         smallint    NOT NULL CHECK (errand_years BETWEEN 1 AND 50),
        query_outcome_months smallint    NOT NULL CHECK (query_outcome_months BETWEEN 1 AND 120),
        session_days         smallint    NOT NULL CHECK (session_days BETWEEN 1 AND 365),
        audit_years          smallint    NOT NULL CHECK (audit_years BETWEEN 1 AND 50),
        updated_by           text        NOT NULL,
        updated_at           timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE hub.retention_run (
        id          bigserial   PRIMARY KEY,
        day         date,
        as_of       timestamptz NOT NULL,
        instance    text        NOT NULL,
        started_at  timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        counts      jsonb,
        error       text
      );
      CREATE UNIQUE INDEX retention_run_daily ON hub.retention_run (day) WHERE day IS NOT NULL;
      CREATE INDEX retention_run_started ON hub.retention_run (started_at DESC);

      CREATE INDEX consent_retention
        ON hub.consent (organisation, (least(valid_until, (revoked_at AT TIME ZONE 'UTC')::date)));
      CREATE INDEX referral_retention ON hub.referral (organisation, status_at)
        WHERE status IN ('closed', 'declined', 'cancelled');
      CREATE INDEX errand_retention ON hub.errand (organisation, status_at) WHERE status IN ('closed', 'withdrawn');
      CREATE INDEX complaint_retention ON hub.complaint (organisation, answered_at)
        WHERE status = 'answered' AND errand_id IS NULL;
      CREATE INDEX complaint_errand ON hub.complaint (errand_id) WHERE errand_id IS NOT NULL;
      CREATE INDEX contact_retention ON hub.contact (organisation, created_at)
        WHERE subject_key IS NOT NULL OR subject_masked IS NOT NULL OR note IS NOT NULL;
      CREATE INDEX query_outcome_retention ON hub.query_outcome (organisation, at);
      CREATE INDEX consent_signing_retention ON hub.consent_signing (organisation, expires_at)
        WHERE status <> 'complete';
      CREATE INDEX consent_signing_consent ON hub.consent_signing (consent_id) WHERE consent_id IS NOT NULL;
      CREATE INDEX protected_subject_reported ON hub.protected_subject (reported_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // the audit schema's table of period keys stays: a shredded period must never come back
    await queryRunner.query(`
      DROP INDEX IF EXISTS hub.protected_subject_reported, hub.consent_signing_consent, hub.consent_signing_retention,
        hub.query_outcome_retention, hub.contact_retention, hub.complaint_errand, hub.complaint_retention,
        hub.errand_retention, hub.referral_retention, hub.consent_retention;
      DROP TABLE IF EXISTS hub.retention_run, hub.retention_setting;
    `);
  }
}
