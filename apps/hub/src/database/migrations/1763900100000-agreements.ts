import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organisations and units (seeded with the public facts of SPEC section 3), agreements and their versions. */
export class Agreements1763900100000 implements MigrationInterface {
  name = 'Agreements1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE SCHEMA IF NOT EXISTS hub;
      CREATE TABLE hub.organisation (
        number      char(10) PRIMARY KEY CHECK (number ~ '^[0-9]{10}$'),
        name        text NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('municipality', 'agency')),
        agency_code text UNIQUE
      );
      CREATE TABLE hub.unit (
        organisation char(10) NOT NULL REFERENCES hub.organisation (number),
        name         text NOT NULL,
        PRIMARY KEY (organisation, name)
      );
      INSERT INTO hub.organisation (number, name, kind, agency_code) VALUES
        ('2021005521', 'Försäkringskassan', 'agency', 'fk'),
        ('2021002114', 'Arbetsförmedlingen', 'agency', 'af'),
        ('2021005448', 'Skatteverket', 'agency', 'skv'),
        ('2120001967', 'Örebro kommun', 'municipality', NULL);
      INSERT INTO hub.unit (organisation, name) VALUES ('2120001967', 'Servicecenter');

      CREATE TABLE hub.agreement (
        id              uuid PRIMARY KEY,
        municipality    char(10) NOT NULL,
        unit            text NOT NULL,
        agency          char(10) NOT NULL REFERENCES hub.organisation (number),
        agency_code     text NOT NULL,
        latest_version  int NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        created_by      text NOT NULL,
        FOREIGN KEY (municipality, unit) REFERENCES hub.unit (organisation, name)
      );
      CREATE TABLE hub.agreement_version (
        agreement_id  uuid NOT NULL REFERENCES hub.agreement (id),
        version       int NOT NULL CHECK (version >= 1),
        title         text NOT NULL,
        status        text NOT NULL CHECK (status IN ('draft', 'proposed', 'active', 'suspended', 'terminated', 'expired')),
        valid_from    date NOT NULL,
        valid_to      date NOT NULL CHECK (valid_to >= valid_from),
        purposes      jsonb NOT NULL,
        approvals     jsonb NOT NULL DEFAULT '[]',
        superseded_at timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        created_by    text NOT NULL,
        PRIMARY KEY (agreement_id, version)
      );
      CREATE TABLE hub.agreement_event (
        id           bigserial PRIMARY KEY,
        agreement_id uuid NOT NULL REFERENCES hub.agreement (id),
        version      int NOT NULL,
        change       text NOT NULL,
        status       text NOT NULL,
        actor        text NOT NULL,
        organisation char(10),
        note         text,
        at           timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX agreement_event_agreement ON hub.agreement_event (agreement_id, id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DROP TABLE hub.agreement_event, hub.agreement_version, hub.agreement, hub.unit, hub.organisation',
    );
  }
}
