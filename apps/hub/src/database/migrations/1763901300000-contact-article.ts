import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The knowledge-base article a contact was answered with (issue 17), so that the follow-up can tell the questions
 * the knowledge base answers from those it does not (issue 18). No foreign key, as for `contact_id`: contacts and
 * articles are kept and thinned out (gallring) on their own schedules.
 */
export class ContactArticle1763901300000 implements MigrationInterface {
  name = 'ContactArticle1763901300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE hub.contact ADD COLUMN IF NOT EXISTS article_id uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE hub.contact DROP COLUMN IF EXISTS article_id`);
  }
}
