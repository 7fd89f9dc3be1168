import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, every party sees its part. Query outcomes name the agreement they were decided under and the categories
 * released and denied, so that an agency's follow-up counts exactly the traffic under its own agreements; outcomes
 * stored before this migration get the agreement of their unit and agency, where one exists. Organisations get an
 * optional report address, and the monthly report of each party and month is one row, claimed by one hub instance.
 */
export class PartyReports1763901700000 implements MigrationInterface {
  name = 'PartyReports1763901700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE hub.query_outcome
        ADD COLUMN agreement_id uuid,
        ADD COLUMN released_categories jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN denied_categories jsonb NOT NULL DEFAULT '[]';
      UPDATE hub.query_outcome o SET agreement_id = (
          SELECT a.id FROM hub.agreement a
           WHERE a.municipality = o.organisation AND a.unit = o.unit AND a.agency_code = o.agency
           ORDER BY a.created_at DESC LIMIT 1)
       WHERE o.reason IS DISTINCT FROM 'no-agreement';
      CREATE INDEX query_outcome_agreement ON hub.query_outcome (agreement_id, at) WHERE agreement_id IS NOT NULL;
      CREATE INDEX referral_agreement ON hub.referral (agreement_id, created_at);
      CREATE INDEX agreement_agency ON hub.agreement (agency);

      ALTER TABLE hub.organisation ADD COLUMN report_address text
        CHECK (report_address IS NULL OR (length(report_address) <= 254 AND report_address ~ '^[^@\\s]+@[^@\\s]+$'));

      CREATE TABLE hub.party_report (
        organisation char(10)    NOT NULL REFERENCES hub.organisation (number),
        month        date        NOT NULL CHECK (extract(day FROM month) = 1),
        claimed_by   text        NOT NULL,
        claimed_at   timestamptz NOT NULL DEFAULT now(),
        attempts     integer     NOT NULL DEFAULT 1,
        generated_at timestamptz,
        pdf          bytea,
        csv          text,
        recipient    text,
        mailed_at    timestamptz,
        finished_at  timestamptz,
        error        text,
        PRIMARY KEY (organisation, month)
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE hub.party_report;
      ALTER TABLE hub.organisation DROP COLUMN report_address;
      DROP INDEX hub.agreement_agency;
      DROP INDEX hub.referral_agreement;
      ALTER TABLE hub.query_outcome
        DROP COLUMN agreement_id, DROP COLUMN released_categories, DROP COLUMN denied_categories;
    `);
  }
}
