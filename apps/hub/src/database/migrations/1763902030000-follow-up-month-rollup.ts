import type { MigrationInterface, QueryRunner } from 'typeorm';

const TIME_ZONE = `'Europe/Stockholm'`;
/** The contacts' day rollup lock (migration ContactDayRollup): held here while the month rollup is filled. */
const CONTACT_ROLLUP_LOCK = 1_763_901_500;
/** pg_advisory lock key of the query outcomes' day rollup: the job holds it exclusively, every write shares it. */
const QUERY_ROLLUP_LOCK = 1_763_902_030;
const localDay = (at: string) => `(${at} AT TIME ZONE ${TIME_ZONE})::date`;
const dayStart = (day: string) => `(${day})::timestamp AT TIME ZONE ${TIME_ZONE}`;
const monthOf = (day: string) => `date_trunc('month', (${day})::timestamp)::date`;

/**
 * The month rollup of hub.contact_day follows it row for row: what a statement added to (`plus`) and took from
 * (`minus`) the day rows is added to their months, in one upsert, and months left at zero are dropped.
 */
function contactDaysToMonths(plus: string | null, minus: string | null): string {
  const rows = (source: string, sign: 1 | -1) =>
    `SELECT organisation, unit, ${monthOf('day')} AS month, dimension, key,
            CASE WHEN dimension = 'hour' THEN extract(isodow FROM day)::int ELSE 0 END AS weekday,
            ${sign} * count AS count, ${sign} * unresolved AS unresolved
       FROM ${source}`;
  const parts = [plus && rows(plus, 1), minus && rows(minus, -1)].filter(Boolean).join(' UNION ALL ');
  return `
    INSERT INTO hub.contact_month AS m (organisation, unit, month, dimension, key, weekday, count, unresolved)
    SELECT organisation, unit, month, dimension, key, weekday, sum(count), sum(unresolved)
      FROM (${parts}) d
     GROUP BY organisation, unit, month, dimension, key, weekday
    HAVING sum(count) <> 0 OR sum(unresolved) <> 0
     ORDER BY organisation, unit, month, dimension, key, weekday
    ON CONFLICT (organisation, unit, month, dimension, key, weekday)
      DO UPDATE SET count = m.count + excluded.count, unresolved = m.unresolved + excluded.unresolved;
    ${
      minus
        ? `DELETE FROM hub.contact_month
            WHERE count = 0 AND unresolved = 0
              AND (organisation, unit, month) IN (SELECT organisation, unit, ${monthOf('day')} FROM ${minus});`
        : ''
    }`;
}

function durationDaysToMonths(plus: string | null, minus: string | null): string {
  const rows = (source: string, sign: 1 | -1) =>
    `SELECT organisation, unit, ${monthOf('day')} AS month, seconds, ${sign} * waiting AS waiting,
            ${sign} * handling AS handling
       FROM ${source}`;
  const parts = [plus && rows(plus, 1), minus && rows(minus, -1)].filter(Boolean).join(' UNION ALL ');
  return `
    INSERT INTO hub.contact_month_duration AS m (organisation, unit, month, seconds, waiting, handling)
    SELECT organisation, unit, month, seconds, sum(waiting), sum(handling)
      FROM (${parts}) d
     GROUP BY organisation, unit, month, seconds
    HAVING sum(waiting) <> 0 OR sum(handling) <> 0
     ORDER BY organisation, unit, month, seconds
    ON CONFLICT (organisation, unit, month, seconds)
      DO UPDATE SET waiting = m.waiting + excluded.waiting, handling = m.handling + excluded.handling;
    ${
      minus
        ? `DELETE FROM hub.contact_month_duration
            WHERE waiting = 0 AND handling = 0
              AND (organisation, unit, month) IN (SELECT organisation, unit, ${monthOf('day')} FROM ${minus});`
        : ''
    }`;
}

/** Adds the query outcomes of `plus` and takes away those of `minus` (each filtered by `where`) to the day rollup. */
function addQueryOutcomes(plus: string | null, minus: string | null, where: string): string {
  const rows = (source: string, sign: 1 | -1) =>
    `SELECT organisation, unit, ${localDay('at')} AS day, agency, purpose, ${sign} AS n FROM ${source} WHERE ${where}`;
  const parts = [plus && rows(plus, 1), minus && rows(minus, -1)].filter(Boolean).join(' UNION ALL ');
  return `
    INSERT INTO hub.query_day AS d (organisation, unit, day, agency, purpose, count)
    SELECT organisation, unit, day, agency, purpose, sum(n)
      FROM (${parts}) q
     GROUP BY organisation, unit, day, agency, purpose
    HAVING sum(n) <> 0
     ORDER BY organisation, unit, day, agency, purpose
    ON CONFLICT (organisation, unit, day, agency, purpose) DO UPDATE SET count = d.count + excluded.count;
    ${
      minus
        ? `DELETE FROM hub.query_day
            WHERE count = 0 AND (organisation, unit, day) IN (SELECT organisation, unit, ${localDay('at')} FROM ${minus});`
        : ''
    }`;
}

const QUERIES_BEFORE = '(SELECT queries_before FROM hub.follow_up_rollup)';
const inRolledQueryDay = `at < ${dayStart(QUERIES_BEFORE)}`;
const rolledQueries = (rows: string) => `SELECT 1 FROM ${rows} WHERE ${inRolledQueryDay}`;

/**
 * The follow-up over a year (issue 18's measure, bench/follow-up.bench.ts) in fewer rows.
 *
 * - **Months of the contacts' day rollup.** hub.contact_month and hub.contact_month_duration hold the sums of
 *   hub.contact_day and hub.contact_day_duration per calendar month (the hour cells keep their ISO weekday), kept by
 *   statement triggers on the day tables: whatever writes a day row (the job, a late contact's trigger, a test or
 *   the bench rewinding the rollup) updates its month in the same statement. A year's figures read twelve months
 *   (about 24,000 per-second duration cells instead of 270,000) and the days of the period's partial months.
 * - **A day rollup of the query outcomes.** hub.query_day: per organisation, unit, Swedish day, agency and purpose
 *   the count of agency results, for every day before follow_up_rollup.queries_before, rolled forward by
 *   hub.roll_up_query_days as the contacts' job does (the same lock discipline under its own key, so that several
 *   hub instances neither lose nor double an outcome, and a write into a rolled day updates the rollup itself).
 * - **A partial index of the referrals' answers**, so the first accept or decline of each referral is one index
 *   entry instead of its events from the heap.
 * - **The errands by department**: an index in the order the department figures group them (ROLLUP), so that a
 *   year of a unit's errands is an index-only scan instead of a seq scan and a sort spilling to disk.
 */
export class FollowUpMonthRollup1763902030000 implements MigrationInterface {
  name = 'FollowUpMonthRollup1763902030000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      SELECT pg_advisory_xact_lock(${CONTACT_ROLLUP_LOCK});
      SELECT pg_advisory_xact_lock(${QUERY_ROLLUP_LOCK});

      CREATE TABLE hub.contact_month (
        organisation char(10) NOT NULL,
        unit         text     NOT NULL,
        month        date     NOT NULL CHECK (extract(day FROM month) = 1),
        dimension    text     NOT NULL,
        key          text     NOT NULL,
        weekday      smallint NOT NULL,
        count        integer  NOT NULL,
        unresolved   integer  NOT NULL,
        PRIMARY KEY (organisation, unit, month, dimension, key, weekday) INCLUDE (count, unresolved)
      );
      CREATE TABLE hub.contact_month_duration (
        organisation char(10) NOT NULL,
        unit         text     NOT NULL,
        month        date     NOT NULL CHECK (extract(day FROM month) = 1),
        seconds      integer  NOT NULL,
        waiting      integer  NOT NULL,
        handling     integer  NOT NULL,
        PRIMARY KEY (organisation, unit, month, seconds) INCLUDE (waiting, handling)
      );

      CREATE FUNCTION hub.contact_month_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${contactDaysToMonths('new_rows', null)} RETURN NULL; END $$;
      CREATE FUNCTION hub.contact_month_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${contactDaysToMonths(null, 'old_rows')} RETURN NULL; END $$;
      CREATE FUNCTION hub.contact_month_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${contactDaysToMonths('new_rows', 'old_rows')} RETURN NULL; END $$;
      CREATE FUNCTION hub.contact_month_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN TRUNCATE hub.contact_month; RETURN NULL; END $$;
      CREATE TRIGGER contact_month_insert AFTER INSERT ON hub.contact_day REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_month_on_insert();
      CREATE TRIGGER contact_month_delete AFTER DELETE ON hub.contact_day REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_month_on_delete();
      CREATE TRIGGER contact_month_update AFTER UPDATE ON hub.contact_day
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_month_on_update();
      CREATE TRIGGER contact_month_truncate AFTER TRUNCATE ON hub.contact_day
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_month_on_truncate();

      CREATE FUNCTION hub.contact_month_duration_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${durationDaysToMonths('new_rows', null)} RETURN NULL; END $$;
      CREATE FUNCTION hub.contact_month_duration_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${durationDaysToMonths(null, 'old_rows')} RETURN NULL; END $$;
      CREATE FUNCTION hub.contact_month_duration_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${durationDaysToMonths('new_rows', 'old_rows')} RETURN NULL; END $$;
      CREATE FUNCTION hub.contact_month_duration_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN TRUNCATE hub.contact_month_duration; RETURN NULL; END $$;
      CREATE TRIGGER contact_month_duration_insert AFTER INSERT ON hub.contact_day_duration
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_month_duration_on_insert();
      CREATE TRIGGER contact_month_duration_delete AFTER DELETE ON hub.contact_day_duration
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_month_duration_on_delete();
      CREATE TRIGGER contact_month_duration_update AFTER UPDATE ON hub.contact_day_duration
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_month_duration_on_update();
      CREATE TRIGGER contact_month_duration_truncate AFTER TRUNCATE ON hub.contact_day_duration
        FOR EACH STATEMENT EXECUTE FUNCTION hub.contact_month_duration_on_truncate();

      ${contactDaysToMonths('hub.contact_day', null)}
      ${durationDaysToMonths('hub.contact_day_duration', null)}

      CREATE TABLE hub.query_day (
        organisation char(10) NOT NULL,
        unit         text     NOT NULL,
        day          date     NOT NULL,
        agency       text     NOT NULL,
        purpose      text     NOT NULL,
        count        integer  NOT NULL,
        PRIMARY KEY (organisation, unit, day, agency, purpose) INCLUDE (count)
      );
      ALTER TABLE hub.follow_up_rollup ADD COLUMN queries_before date;

      CREATE FUNCTION hub.roll_up_query_days(max_days integer) RETURNS date LANGUAGE plpgsql AS $$
      DECLARE
        today date := ${localDay('clock_timestamp()')};
        rolled date;
        upto date;
      BEGIN
        PERFORM pg_advisory_xact_lock(${QUERY_ROLLUP_LOCK});
        SELECT queries_before INTO rolled FROM hub.follow_up_rollup FOR UPDATE;
        IF rolled IS NULL THEN
          SELECT coalesce(${localDay('min(at)')}, today) INTO rolled FROM hub.query_outcome;
        END IF;
        upto := greatest(rolled, least(today, rolled + max_days));
        IF upto > rolled THEN
          ${addQueryOutcomes('hub.query_outcome', null, `at >= ${dayStart('rolled')} AND at < ${dayStart('upto')}`)}
        END IF;
        UPDATE hub.follow_up_rollup SET queries_before = upto;
        RETURN upto;
      END $$;

      CREATE FUNCTION hub.query_day_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${QUERY_ROLLUP_LOCK});
        IF EXISTS (${rolledQueries('new_rows')}) THEN
          ${addQueryOutcomes('new_rows', null, inRolledQueryDay)}
        END IF;
        RETURN NULL;
      END $$;
      CREATE FUNCTION hub.query_day_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${QUERY_ROLLUP_LOCK});
        IF EXISTS (${rolledQueries('old_rows')}) THEN
          ${addQueryOutcomes(null, 'old_rows', inRolledQueryDay)}
        END IF;
        RETURN NULL;
      END $$;
      CREATE FUNCTION hub.query_day_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${QUERY_ROLLUP_LOCK});
        IF EXISTS (${rolledQueries('old_rows')}) OR EXISTS (${rolledQueries('new_rows')}) THEN
          ${addQueryOutcomes('new_rows', 'old_rows', inRolledQueryDay)}
        END IF;
        RETURN NULL;
      END $$;
      CREATE FUNCTION hub.query_day_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${QUERY_ROLLUP_LOCK});
        TRUNCATE hub.query_day;
        UPDATE hub.follow_up_rollup SET queries_before = NULL;
        RETURN NULL;
      END $$;
      CREATE TRIGGER query_day_insert AFTER INSERT ON hub.query_outcome REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.query_day_on_insert();
      CREATE TRIGGER query_day_delete AFTER DELETE ON hub.query_outcome REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.query_day_on_delete();
      CREATE TRIGGER query_day_update AFTER UPDATE ON hub.query_outcome
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION hub.query_day_on_update();
      CREATE TRIGGER query_day_truncate AFTER TRUNCATE ON hub.query_outcome
        FOR EACH STATEMENT EXECUTE FUNCTION hub.query_day_on_truncate();

      CREATE INDEX referral_event_answer ON hub.referral_event (referral_id, at)
        WHERE status IN ('accepted', 'declined');
      CREATE INDEX errand_follow_up_department ON hub.errand (organisation, unit, department, created_at)
        INCLUDE (respond_by, answered_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX hub.errand_follow_up_department;
      DROP INDEX hub.referral_event_answer;
      DROP TRIGGER query_day_insert ON hub.query_outcome;
      DROP TRIGGER query_day_delete ON hub.query_outcome;
      DROP TRIGGER query_day_update ON hub.query_outcome;
      DROP TRIGGER query_day_truncate ON hub.query_outcome;
      DROP FUNCTION hub.query_day_on_insert(), hub.query_day_on_delete(), hub.query_day_on_update(),
        hub.query_day_on_truncate(), hub.roll_up_query_days(integer);
      ALTER TABLE hub.follow_up_rollup DROP COLUMN queries_before;
      DROP TABLE hub.query_day;
      DROP TRIGGER contact_month_insert ON hub.contact_day;
      DROP TRIGGER contact_month_delete ON hub.contact_day;
      DROP TRIGGER contact_month_update ON hub.contact_day;
      DROP TRIGGER contact_month_truncate ON hub.contact_day;
      DROP TRIGGER contact_month_duration_insert ON hub.contact_day_duration;
      DROP TRIGGER contact_month_duration_delete ON hub.contact_day_duration;
      DROP TRIGGER contact_month_duration_update ON hub.contact_day_duration;
      DROP TRIGGER contact_month_duration_truncate ON hub.contact_day_duration;
      DROP FUNCTION hub.contact_month_on_insert(), hub.contact_month_on_delete(), hub.contact_month_on_update(),
        hub.contact_month_on_truncate(), hub.contact_month_duration_on_insert(),
        hub.contact_month_duration_on_delete(), hub.contact_month_duration_on_update(),
        hub.contact_month_duration_on_truncate();
      DROP TABLE hub.contact_month, hub.contact_month_duration;
    `);
  }
}
