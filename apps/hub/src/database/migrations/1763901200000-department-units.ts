import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The demo municipalities' departments (förvaltningar) as units of kind `department`, the receivers of forwarded
 * errands (issue 17). Their names are the default taxonomy's `department` names, so that a topic finds its default
 * department by name.
 */
export class DepartmentUnits1763901200000 implements MigrationInterface {
  name = 'DepartmentUnits1763901200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      INSERT INTO hub.unit (organisation, name, kind, display_name, registered_by) VALUES
        ('2120001967', 'Tekniska förvaltningen', 'department', 'Tekniska förvaltningen', 'migration'),
        ('2120001967', 'Socialförvaltningen', 'department', 'Socialförvaltningen', 'migration'),
        ('2120001967', 'Bygg- och miljöförvaltningen', 'department', 'Bygg- och miljöförvaltningen', 'migration'),
        ('2120001967', 'Förskole- och skolförvaltningen', 'department', 'Förskole- och skolförvaltningen',
          'migration'),
        ('2120001991', 'Tekniska förvaltningen', 'department', 'Tekniska förvaltningen', 'migration')
        ON CONFLICT DO NOTHING
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM hub.unit WHERE kind = 'department' AND registered_by = 'migration'
        AND organisation IN ('2120001967', '2120001991')
        AND name IN ('Tekniska förvaltningen', 'Socialförvaltningen', 'Bygg- och miljöförvaltningen',
          'Förskole- och skolförvaltningen')
    `);
  }
}
