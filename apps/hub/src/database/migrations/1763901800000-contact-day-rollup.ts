import type { MigrationInterface, QueryRunner } from 'typeorm';

const TIME_ZONE = `'Europe/Stockholm'`;
/** pg_advisory lock key of the rollup: the job holds it exclusively, every write to hub.contact shares it. */
const ROLLUP_LOCK = 1_763_901_500;
const localDay = (at: string) => `(${at} AT TIME ZONE ${TIME_ZONE})::date`;
const dayStart = (day: string) => `(${day})::timestamp AT TIME ZONE ${TIME_ZONE}`;

/**
 * Adds (sign 1) or takes away (sign -1) the contacts of `source` that satisfy `where` to the day rollup: one
 * statement per table, every dimension a grouping set of the same pass.
 */
function addToRollup(source: string, where: string, sign: 1 | -1): string {
  return `
    INSERT INTO hub.contact_day AS d (organisation, unit, day, dimension, key, count, unresolved)
    SELECT organisation, unit, day,
           CASE WHEN GROUPING(channel) = 0 THEN 'channel' WHEN GROUPING(topic) = 0 THEN 'topic'
                WHEN GROUPING(outcome) = 0 THEN 'outcome' WHEN GROUPING(rosa) = 0 THEN 'rosa'
                WHEN GROUPING(hour) = 0 THEN 'hour' ELSE 'total' END,
           coalesce(channel, topic, outcome, rosa::text, hour::text, ''),
           ${sign} * count(*), ${sign} * count(*) FILTER (WHERE outcome <> 'besvarad')
      FROM (SELECT organisation, unit, ${localDay('created_at')} AS day, channel, topic, outcome, rosa,
                   extract(hour FROM created_at AT TIME ZONE ${TIME_ZONE})::int AS hour
              FROM ${source} WHERE ${where}) c
     GROUP BY organisation, unit, day, GROUPING SETS ((channel), (topic), (outcome), (rosa), (hour), ())
    ON CONFLICT (organisation, unit, day, dimension, key)
      DO UPDATE SET count = d.count + excluded.count, unresolved = d.unresolved + excluded.unresolved;
    INSERT INTO hub.contact_day_duration AS d (organisation, unit, day, seconds, waiting, handling)
    SELECT organisation, unit, day, seconds, ${sign} * sum(waiting), ${sign} * sum(handling)
      FROM (SELECT organisation, unit, ${localDay('created_at')} AS day, waiting_seconds AS seconds,
                   1 AS waiting, 0 AS handling
              FROM ${source} WHERE (${where}) AND waiting_seconds IS NOT NULL
            UNION ALL
            SELECT organisation, unit, ${localDay('created_at')}, handling_seconds, 0, 1
              FROM ${source} WHERE (${where}) AND handling_seconds IS NOT NULL) v
     GROUP BY organisation, unit, day, seconds
    ON CONFLICT (organisation, unit, day, seconds)
      DO UPDATE SET waiting = d.waiting + excluded.waiting, handling = d.handling + excluded.handling;`;
}

const rolled = (rows: string) =>
  `SELECT 1 FROM ${rows} WHERE created_at < ${dayStart('(SELECT contacts_before FROM hub.follow_up_rollup)')}`;
const dropEmpty = (rows: string) => `
  DELETE FROM hub.contact_day
   WHERE count = 0 AND (organisation, unit, day) IN (SELECT organisation, unit, ${localDay('created_at')} FROM ${rows});
  DELETE FROM hub.contact_day_duration
   WHERE waiting = 0 AND handling = 0
     AND (organisation, unit, day) IN (SELECT organisation, unit, ${localDay('created_at')} FROM ${rows});`;
const inRolledDay = `created_at < ${dayStart('(SELECT contacts_before FROM hub.follow_up_rollup)')}`;

/**
 * A daily rollup of the contacts for the follow-up figures (issue 18): per organisation, unit and Swedish day the
 * count per channel, topic (with those not resolved), outcome, ROSA level and hour, and per whole second how many
 * waited and were handled that long (so medians and percentiles stay exact). Every day before
 * follow_up_rollup.contacts_before is in it; the figures read the rollup for those days and hub.contact for the rest
 * (today, and any day the job has not reached).
 *
 * The job (hub.roll_up_contact_days) rolls closed days forward; it holds an advisory lock exclusively, which every
 * statement writing hub.contact shares, so that a contact committed after the job has read its day is added by its
 * own trigger and none is lost or counted twice, on any number of hub instances. A contact written into, changed in
 * or deleted from a day already rolled up (imports, retention, tests) updates the rollup in the same statement.
 */
export class ContactDayRollup1763901800000 implements MigrationInterface {
  name = 'ContactDayRollup1763901800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE hub.contact_day (
        organisation char(10) NOT NULL,
        unit         text     NOT NULL,
        day          date     NOT NULL,
        dimension    text     NOT NULL CHECK (dimension IN ('total', 'channel', 'topic', 'outcome', 'rosa', 'hour')),
        key          text     NOT NULL,
        count        integer  NOT NULL,
        unresolved   integer  NOT NULL,
        PRIMARY KEY (organisation, unit, day, dimension, key) INCLUDE (count, unresolved)
      );
      CREATE TABLE hub.contact_day_duration (
        organisation char(10) NOT NULL,
        unit         text     NOT NULL,
        day          date     NOT NULL,
        seconds      integer  NOT NULL,
        waiting      integer  NOT NULL,
        handling     integer  NOT NULL,
        PRIMARY KEY (organisation, unit, day, seconds) INCLUDE (waiting, handling)
      );
      CREATE TABLE hub.follow_up_rollup (
        singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        contacts_before date
      );
      INSERT INTO hub.follow_up_rollup (singleton, contacts_before) VALUES (true, NULL);

      CREATE FUNCTION hub.roll_up_contact_days(max_days integer) RETURNS date LANGUAGE plpgsql AS $$
      DECLARE
        today date := ${localDay('clock_timestamp()')};
        rolled date;
        upto date;
      BEGIN
        PERFORM pg_advisory_xact_lock(${ROLLUP_LOCK});
        SELECT contacts_before INTO rolled FROM hub.follow_up_rollup FOR UPDATE;
        IF rolled IS NULL THEN
          SELECT coalesce(${localDay('min(created_at)')}, today) INTO rolled FROM hub.contact;
        END IF;
        upto := greatest(rolled, least(today, rolled + max_days));
        IF upto > rolled THEN
          ${addToRollup('hub.contact', `created_at >= ${dayStart('rolled')} AND created_at < ${dayStart('upto')}`, 1)}
        END IF;
        UPDATE hub.follow_up_rollup SET contacts_before = upto;
        RETURN upto;
      END $$;

      CREATE FUNCTION hub.contact_day_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${ROLLUP_LOCK});
        IF EXISTS (${rolled('new_rows')}) THEN
          ${addToRollup('new_rows', inRolledDay, 1)}
        END IF;
        RETURN NULL;
      END $$;
      CREATE FUNCTION hub.contact_day_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${ROLLUP_LOCK});
        IF EXISTS (${rolled('old_rows')}) THEN
          ${addToRollup('old_rows', inRolledDay, -1)}
          ${dropEmpty('old_rows')}
        END IF;
        RETURN NULL;
      END $$;
      CREATE FUNCTION hub.contact_day_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${ROLLUP_LOCK});
        IF EXISTS (${rolled('old_rows')}) OR EXISTS (${rolled('new_rows')}) THEN
          ${addToRollup('old_rows', inRolledDay, -1)}
          ${addToRollup('new_rows', inRolledDay, 1)}
          ${dropEmpty('old_rows')}
        END IF;
        RETURN NULL;
      END $$;
      CREATE FUNCTION hub.contact_day_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${ROLLUP_LOCK});
        TRUNCATE hub.contact_day, hub.contact_day_duration;
        UPDATE hub.follow_up_rollup SET contacts_before = NULL;
        RETURN NULL;
      END $$;

      CREATE TRIGGER contact_day_insert AFTER INSERT ON hub.contact REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_day_on_insert();
      CREATE TRIGGER contact_day_delete AFTER DELETE ON hub.contact REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_day_on_delete();
      CREATE TRIGGER contact_day_update AFTER UPDATE ON hub.contact
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_day_on_update();
      CREATE TRIGGER contact_day_truncate AFTER TRUNCATE ON hub.contact
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_day_on_truncate();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER contact_day_insert ON hub.contact;
      DROP TRIGGER contact_day_delete ON hub.contact;
      DROP TRIGGER contact_day_update ON hub.contact;
      DROP TRIGGER contact_day_truncate ON hub.contact;
      DROP FUNCTION hub.contact_day_on_insert(), hub.contact_day_on_delete(), hub.contact_day_on_update(),
        hub.contact_day_on_truncate(), hub.roll_up_contact_days(integer);
      DROP TABLE hub.follow_up_rollup, hub.contact_day_duration, hub.contact_day;
    `);
  }
}
