import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: the anonymous customer-satisfaction survey (kundnöjdhet, NKI) and complaints and suggestions (klagomål och
 * synpunkter).
 *
 * A survey token is kept only as its SHA-256 hash, with what an answer may carry (unit, channel, day) and no link to
 * the contact it was issued for; an answer holds the three scores and the same three facts, and no link to its
 * token, so that neither table tells whose contact an answer was about. A kiosk (the unit's tablet at the exit)
 * is paired with a short-lived one-time code and then holds a key, both kept hashed; a guide offers a token to the
 * unit's kiosks by its hash.
 *
 * A complaint routed to a department is an errand (`errand_id`), whose status and answer it shows; one the centre
 * answers itself, or forwards to an agency, keeps its own status and answer.
 */
export class SurveysAndComplaints1763901500000 implements MigrationInterface {
  name = 'SurveysAndComplaints1763901500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE hub.survey_token (
        token_hash   char(64)    PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        organisation char(10)    NOT NULL,
        unit         text        NOT NULL,
        channel      text        NOT NULL,
        day          date        NOT NULL,
        expires_at   timestamptz NOT NULL,
        answered     boolean     NOT NULL DEFAULT false
      );
      CREATE INDEX survey_token_expiry ON hub.survey_token (expires_at);
      CREATE TABLE hub.survey_answer (
        id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation char(10)    NOT NULL,
        unit         text        NOT NULL,
        channel      text        NOT NULL,
        day          date        NOT NULL,
        overall      smallint    NOT NULL CHECK (overall BETWEEN 1 AND 10),
        expectations smallint    NOT NULL CHECK (expectations BETWEEN 1 AND 10),
        ideal        smallint    NOT NULL CHECK (ideal BETWEEN 1 AND 10)
      );
      CREATE INDEX survey_answer_unit_day ON hub.survey_answer (organisation, unit, day);
      CREATE TABLE hub.survey_kiosk_pairing (
        code_hash    char(64)    PRIMARY KEY,
        organisation char(10)    NOT NULL,
        unit         text        NOT NULL,
        created_by   text        NOT NULL,
        expires_at   timestamptz NOT NULL
      );
      CREATE TABLE hub.survey_kiosk (
        key_hash     char(64)    PRIMARY KEY,
        organisation char(10)    NOT NULL,
        unit         text        NOT NULL,
        paired_by    text        NOT NULL,
        expires_at   timestamptz NOT NULL
      );
      CREATE TABLE hub.survey_kiosk_offer (
        organisation char(10)    NOT NULL,
        unit         text        NOT NULL,
        token_hash   char(64)    NOT NULL,
        expires_at   timestamptz NOT NULL,
        PRIMARY KEY (organisation, unit)
      );
      CREATE TABLE hub.complaint (
        id                uuid        PRIMARY KEY,
        organisation      char(10)    NOT NULL,
        unit              text        NOT NULL,
        kind              text        NOT NULL CHECK (kind IN ('klagomal', 'synpunkt')),
        channel           text        NOT NULL,
        topic             text        NOT NULL,
        text              text        NOT NULL,
        party_kind        text        NOT NULL CHECK (party_kind IN ('department', 'agency', 'centre')),
        party             text        NOT NULL,
        party_name        text        NOT NULL,
        wants_answer      boolean     NOT NULL,
        citizen           jsonb       NOT NULL,
        preferred_channel text,
        errand_id         uuid        REFERENCES hub.errand (id),
        respond_by        timestamptz NOT NULL,
        status            text        NOT NULL CHECK (status IN ('open', 'answered')),
        answer            text,
        answered_by       text,
        answered_at       timestamptz,
        created_by        text        NOT NULL,
        created_at        timestamptz NOT NULL,
        FOREIGN KEY (organisation, unit) REFERENCES hub.unit (organisation, name),
        CHECK ((party_kind = 'department') = (errand_id IS NOT NULL))
      );
      CREATE INDEX complaint_unit ON hub.complaint (organisation, unit, created_at DESC);
      CREATE INDEX complaint_created ON hub.complaint (organisation, created_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE IF EXISTS hub.complaint, hub.survey_kiosk_offer, hub.survey_kiosk, hub.survey_kiosk_pairing,
        hub.survey_answer, hub.survey_token
    `);
  }
}
