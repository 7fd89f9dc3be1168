import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations and units become data an operator and a municipality's admin register (issue 16): more kinds of
 * organisation, an agency's broker account, who registered what and when, and closing instead of deleting. A unit's
 * name stays its key, because agreements, consents, referrals, queries and staff tokens name it; a rename changes
 * only its display name. Seeds the demo's second municipality and the organisation whose staff run the hub. The
 * defaults (kind servicecenter, registered by a migration, no display name: the name) keep plain INSERTs of seeds,
 * later migrations and test fixtures working.
 */
export class OrganisationsAndUnits1763900900000 implements MigrationInterface {
  name = 'OrganisationsAndUnits1763900900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE hub.organisation DROP CONSTRAINT IF EXISTS organisation_kind_check;
      ALTER TABLE hub.organisation
        ADD CONSTRAINT organisation_kind_check
          CHECK (kind IN ('municipality', 'agency', 'region', 'samordningsforbund')),
        ADD COLUMN broker_account text UNIQUE,
        ADD COLUMN registered_at  timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN registered_by  text NOT NULL DEFAULT 'migration',
        ADD COLUMN closed_at      timestamptz,
        ADD COLUMN closed_by      text,
        ADD CONSTRAINT organisation_agency_code_check
          CHECK (agency_code IS NULL OR (kind = 'agency' AND agency_code ~ '^[a-z][a-z0-9-]{1,15}$')),
        ADD CONSTRAINT organisation_broker_account_check
          CHECK (broker_account IS NULL OR broker_account = 'adapter-' || agency_code);
      UPDATE hub.organisation SET broker_account = 'adapter-' || agency_code WHERE agency_code IS NOT NULL;

      ALTER TABLE hub.unit
        ADD COLUMN id            uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        ADD COLUMN kind          text NOT NULL DEFAULT 'servicecenter'
          CHECK (kind IN ('servicecenter', 'medborgarkontor', 'department')),
        ADD COLUMN display_name  text,
        ADD COLUMN registered_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN registered_by text NOT NULL DEFAULT 'migration',
        ADD COLUMN closed_at     timestamptz,
        ADD COLUMN closed_by     text;
      UPDATE hub.unit SET display_name = name;

      INSERT INTO hub.organisation (number, name, kind, registered_by) VALUES
        ('2120001991', 'Karlskoga kommun', 'municipality', 'migration'),
        ('2021006883', 'Myndigheten för digital förvaltning', 'agency', 'migration')
        ON CONFLICT (number) DO NOTHING;
      INSERT INTO hub.unit (organisation, name, kind, display_name, registered_by) VALUES
        ('2120001991', 'Servicecenter', 'servicecenter', 'Servicecenter', 'migration')
        ON CONFLICT DO NOTHING;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM hub.unit u WHERE u.organisation IN ('2120001991', '2021006883')
        AND NOT EXISTS (SELECT 1 FROM hub.agreement a WHERE a.municipality = u.organisation);
      DELETE FROM hub.organisation o WHERE o.number IN ('2120001991', '2021006883')
        AND NOT EXISTS (SELECT 1 FROM hub.unit u WHERE u.organisation = o.number);
      ALTER TABLE hub.unit DROP COLUMN id, DROP COLUMN kind, DROP COLUMN display_name, DROP COLUMN registered_at,
        DROP COLUMN registered_by, DROP COLUMN closed_at, DROP COLUMN closed_by;
      ALTER TABLE hub.organisation DROP CONSTRAINT organisation_broker_account_check,
        DROP CONSTRAINT organisation_agency_code_check, DROP COLUMN broker_account, DROP COLUMN registered_at,
        DROP COLUMN registered_by, DROP COLUMN closed_at, DROP COLUMN closed_by,
        DROP CONSTRAINT organisation_kind_check,
        ADD CONSTRAINT organisation_kind_check CHECK (kind IN ('municipality', 'agency')) NOT VALID;
    `);
  }
}
