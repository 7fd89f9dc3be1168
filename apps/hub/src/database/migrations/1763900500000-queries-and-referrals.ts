import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxDdl } from '@hub/messaging';

/**
 * Query outcomes for follow-up, subjects SKV has reported as protected, referrals with their timelines, and the
 * outbox that publishes referrals in the transaction that stores them. Subjects only as keyed hashes.
 */
export class QueriesAndReferrals1763900500000 implements MigrationInterface {
  name = 'QueriesAndReferrals1763900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE SCHEMA IF NOT EXISTS hub;
      CREATE TABLE hub.protected_subject (
        subject_key char(64)    PRIMARY KEY CHECK (subject_key ~ '^[0-9a-f]{64}$'),
        reported_by text        NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE hub.query_outcome (
        query_id     uuid        NOT NULL,
        agency       text        NOT NULL,
        at           timestamptz NOT NULL,
        purpose      text        NOT NULL,
        organisation char(10)    NOT NULL,
        unit         text        NOT NULL,
        status       text        NOT NULL,
        reason       text,
        latency_ms   integer,
        PRIMARY KEY (query_id, agency)
      );
      CREATE INDEX query_outcome_at ON hub.query_outcome (at);
      CREATE TABLE hub.referral (
        id                 uuid        PRIMARY KEY,
        subject_key        char(64)    NOT NULL CHECK (subject_key ~ '^[0-9a-f]{64}$'),
        subject_masked     text        NOT NULL,
        agency             text        NOT NULL,
        referral_type      text        NOT NULL,
        purpose            text        NOT NULL,
        message            text        NOT NULL,
        contact_preference text        NOT NULL,
        consent_id         uuid,
        legal_basis        jsonb,
        agreement_id       uuid        NOT NULL,
        agreement_version  integer     NOT NULL,
        organisation       char(10)    NOT NULL,
        unit               text        NOT NULL,
        created_by         text        NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        respond_by         timestamptz NOT NULL,
        status             text        NOT NULL,
        status_at          timestamptz NOT NULL
      );
      CREATE INDEX referral_unit ON hub.referral (organisation, unit, created_at DESC);
      CREATE INDEX referral_consent ON hub.referral (consent_id) WHERE consent_id IS NOT NULL;
      CREATE INDEX referral_open ON hub.referral (status, respond_by);
      CREATE TABLE hub.referral_event (
        seq         bigserial   PRIMARY KEY,
        referral_id uuid        NOT NULL REFERENCES hub.referral (id),
        status      text        NOT NULL,
        at          timestamptz NOT NULL,
        actor       jsonb       NOT NULL,
        note        text,
        message_id  uuid        UNIQUE
      );
      CREATE INDEX referral_event_referral ON hub.referral_event (referral_id, at, seq);
      ${outboxDdl('hub')}
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE IF EXISTS hub.outbox, hub.referral_event, hub.referral, hub.query_outcome, hub.protected_subject
    `);
  }
}
