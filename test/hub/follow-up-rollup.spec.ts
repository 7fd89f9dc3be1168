import { swedishDay } from '@hub/policy';
import { ContactRollup } from '../../apps/hub/src/follow-up/contact-rollup.js';
import { FiguresRepository } from '../../apps/hub/src/follow-up/figures.repository.js';
import { FOLLOW_UP_TIME_ZONE, type Period } from '../../apps/hub/src/follow-up/period.js';
import { testPool } from '../support/env.js';
import { migrateTestDatabase, USERS } from '../support/hub.js';

const ORGANISATION = USERS.manager.organisation;
const UNIT = 'Rolluptest';
const DAY_MS = 86_400_000;

const jsonRows = (select: string, orderBy: string) =>
  `coalesce((SELECT json_agg(r ORDER BY ${orderBy}) FROM (${select}) r), '[]')`;
const inScope = `organisation = $1 AND ($2::text IS NULL OR unit = $2)
  AND created_at >= $3::date::timestamp AT TIME ZONE $5 AND created_at < ($4::date + 1)::timestamp AT TIME ZONE $5`;
const rounded = (expression: string) => `round((${expression})::numeric, 1)::float8`;

/** The figures as one pass over hub.contact computes them: what the rollup must give, to the last digit. */
const RAW_CONTACTS = `
  WITH grouped AS (
    SELECT channel, topic, outcome, rosa, weekday, hour,
           GROUPING(channel) AS g_channel, GROUPING(topic) AS g_topic, GROUPING(outcome) AS g_outcome,
           GROUPING(rosa) AS g_rosa, GROUPING(weekday, hour) AS g_hour,
           count(*)::int AS count, (count(*) FILTER (WHERE outcome <> 'besvarad'))::int AS unresolved
      FROM (SELECT channel, topic, outcome, rosa,
                   extract(isodow FROM created_at AT TIME ZONE $5)::int AS weekday,
                   extract(hour FROM created_at AT TIME ZONE $5)::int AS hour
              FROM hub.contact WHERE ${inScope}) c
     GROUP BY GROUPING SETS ((channel), (topic), (outcome), (rosa), (weekday, hour), ())
  ), everything AS (SELECT count, unresolved FROM grouped WHERE g_hour = 3 AND g_channel = 1 AND g_topic = 1
                      AND g_outcome = 1 AND g_rosa = 1)
  SELECT
    coalesce((SELECT count FROM everything), 0) AS total,
    coalesce((SELECT count - unresolved FROM everything), 0) AS resolved,
    ${jsonRows(`SELECT channel, count FROM grouped WHERE g_channel = 0`, 'r.count DESC, r.channel')} AS "byChannel",
    ${jsonRows(
      `SELECT g.topic, coalesce(t.name, g.topic) AS "topicName", coalesce(t.category, split_part(g.topic, '.', 1)) AS category,
              coalesce(k.name, t.category, split_part(g.topic, '.', 1)) AS "categoryName", g.count, g.unresolved,
              EXISTS (SELECT 1 FROM hub.article a WHERE a.organisation = $1 AND a.topic = g.topic) AS "hasArticle"
         FROM grouped g
         LEFT JOIN hub.topic_type t ON t.organisation = $1 AND t.code = g.topic
         LEFT JOIN hub.topic_category k ON k.organisation = $1 AND k.code = t.category
        WHERE g.g_topic = 0`,
      'r.count DESC, r.topic',
    )} AS "byTopic",
    ${jsonRows(`SELECT outcome, count FROM grouped WHERE g_outcome = 0`, 'r.count DESC, r.outcome')} AS "byOutcome",
    ${jsonRows(`SELECT rosa, count FROM grouped WHERE g_rosa = 0`, 'r.rosa')} AS "byRosa",
    ${jsonRows(
      `SELECT w AS weekday, h AS hour, coalesce(g.count, 0) AS count
         FROM generate_series(1, 7) w CROSS JOIN generate_series(0, 23) h
         LEFT JOIN grouped g ON g.g_hour = 0 AND g.weekday = w AND g.hour = h`,
      'r.weekday, r.hour',
    )} AS "heatMap"`;
const RAW_DURATIONS = `
  SELECT json_build_object('samples', count(waiting_seconds),
           'median', ${rounded('percentile_cont(0.5) WITHIN GROUP (ORDER BY waiting_seconds)')},
           'p90', ${rounded('percentile_cont(0.9) WITHIN GROUP (ORDER BY waiting_seconds)')}) AS waiting,
         json_build_object('samples', count(handling_seconds),
           'median', ${rounded('percentile_cont(0.5) WITHIN GROUP (ORDER BY handling_seconds)')},
           'p90', ${rounded('percentile_cont(0.9) WITHIN GROUP (ORDER BY handling_seconds)')}) AS handling
    FROM hub.contact WHERE ${inScope}`;

/** The agency results per agency and purpose as one pass over hub.query_outcome counts them. */
const RAW_QUERIES = `
  SELECT ${jsonRows(
    `SELECT agency, purpose, count(*)::int AS count FROM hub.query_outcome
      WHERE organisation = $1 AND ($2::text IS NULL OR unit = $2)
        AND at >= $3::date::timestamp AT TIME ZONE $5 AND at < ($4::date + 1)::timestamp AT TIME ZONE $5
      GROUP BY agency, purpose`,
    'r.agency, r.purpose',
  )} AS "byAgencyAndPurpose"`;

/** The month rollup as the sums of the day rollup's days: what the triggers on the day tables must keep it at. */
const MONTHS_OF_DAYS = `
  SELECT json_agg(r ORDER BY r) AS rows FROM (
    SELECT organisation, unit, date_trunc('month', day::timestamp)::date AS month, dimension, key,
           CASE WHEN dimension = 'hour' THEN extract(isodow FROM day)::int ELSE 0 END AS weekday,
           sum(count)::int AS count, sum(unresolved)::int AS unresolved
      FROM hub.contact_day WHERE organisation = $1 AND unit = $2 GROUP BY 1, 2, 3, 4, 5, 6) r`;
const MONTHS = `
  SELECT json_agg(r ORDER BY r) AS rows FROM (
    SELECT organisation, unit, month, dimension, key, weekday::int, count, unresolved
      FROM hub.contact_month WHERE organisation = $1 AND unit = $2) r`;
const DURATION_MONTHS_OF_DAYS = `
  SELECT json_agg(r ORDER BY r) AS rows FROM (
    SELECT date_trunc('month', day::timestamp)::date AS month, seconds, sum(waiting)::int AS waiting,
           sum(handling)::int AS handling
      FROM hub.contact_day_duration WHERE organisation = $1 AND unit = $2 GROUP BY 1, 2) r`;
const DURATION_MONTHS = `
  SELECT json_agg(r ORDER BY r) AS rows FROM (
    SELECT month, seconds, waiting, handling FROM hub.contact_month_duration WHERE organisation = $1 AND unit = $2) r`;

const dayBefore = (day: string, n: number) =>
  new Date(Date.parse(`${day}T12:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);

describe('the day and month rollups give the figures of one pass over hub.contact and hub.query_outcome', () => {
  const pool = testPool();
  const repository = new FiguresRepository(pool);
  const today = swedishDay(new Date());
  const period = (from: string, to: string): Period => ({
    from,
    to,
    days: Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1,
  });
  // the weeks summer time starts (29 March) and ends (25 October, 02:00–03:00 twice), the last week and the year
  const periods = [
    period('2026-03-23', '2026-03-31'),
    period('2026-10-19', '2026-11-01'),
    period(dayBefore(today, 6), today),
    period(dayBefore(today, 365), today),
    period('2026-03-29', '2026-03-29'),
    period('2026-10-25', '2026-10-25'),
    // whole months (from the month rollup) and the days around them (from the day rollup)
    period('2026-03-01', '2026-10-31'),
    period('2026-02-27', '2026-11-02'),
  ];

  /** Contacts at random instants of whole Swedish days (midnight to midnight, however long the day is). */
  const insertDay = async (day: string, n: number) => {
    await pool.query(
      `INSERT INTO hub.contact (organisation, unit, created_by, created_at, channel, topic, rosa, outcome,
         waiting_seconds, handling_seconds)
       SELECT $1, $2, 'rollup.test', s + random() * (e - s),
              (ARRAY['besok', 'telefon', 'e-post', 'chatt', 'e-tjanst', 'sociala-medier'])[1 + floor(random() * 6)::int],
              topics[1 + floor(random() * least(array_length(topics, 1), 6))::int],
              1 + floor(random() * 8)::int,
              (ARRAY['besvarad', 'besvarad', 'vidarebefordrad', 'remitterad', 'bokad', 'ej-lost'])[1 + floor(random() * 6)::int],
              CASE WHEN random() < 0.7 THEN floor(random() * random() * 900)::int END,
              CASE WHEN random() < 0.8 THEN 30 + floor(random() * 600)::int END
         FROM generate_series(1, $4) g,
              (SELECT $3::date::timestamp AT TIME ZONE '${FOLLOW_UP_TIME_ZONE}' AS s,
                      ($3::date + 1)::timestamp AT TIME ZONE '${FOLLOW_UP_TIME_ZONE}' AS e) d,
              (SELECT array_agg(code ORDER BY code) AS topics FROM hub.topic_type
                WHERE organisation = $1 AND retired_at IS NULL) t`,
      [ORGANISATION, UNIT, day, n],
    );
  };

  /** Agency results at random instants of a whole Swedish day, for three agencies and two purposes. */
  const insertQueriesOfDay = async (day: string, n: number) => {
    await pool.query(
      `INSERT INTO hub.query_outcome (query_id, agency, at, purpose, organisation, unit, status)
       SELECT gen_random_uuid(), (ARRAY['fk', 'af', 'skv'])[1 + floor(random() * 3)::int], s + random() * (e - s),
              (ARRAY['vagledning', 'etablering'])[1 + floor(random() * 2)::int], $1, $2, 'ok'
         FROM generate_series(1, $4) g,
              (SELECT $3::date::timestamp AT TIME ZONE '${FOLLOW_UP_TIME_ZONE}' AS s,
                      ($3::date + 1)::timestamp AT TIME ZONE '${FOLLOW_UP_TIME_ZONE}' AS e) d`,
      [ORGANISATION, UNIT, day, n],
    );
  };

  const expectSameFigures = async () => {
    const [months, monthsOfDays, durationMonths, durationMonthsOfDays] = await Promise.all(
      [MONTHS, MONTHS_OF_DAYS, DURATION_MONTHS, DURATION_MONTHS_OF_DAYS].map((sql) =>
        pool.query(sql, [ORGANISATION, UNIT]),
      ),
    );
    expect(months!.rows[0].rows).toEqual(monthsOfDays!.rows[0].rows);
    expect(durationMonths!.rows[0].rows).toEqual(durationMonthsOfDays!.rows[0].rows);
    for (const p of periods) {
      for (const unit of [UNIT, null]) {
        const params = [ORGANISATION, unit, p.from, p.to, FOLLOW_UP_TIME_ZONE];
        const [raw, rawDurations, rawQueries] = await Promise.all([
          pool.query(RAW_CONTACTS, params),
          pool.query(RAW_DURATIONS, params),
          pool.query(RAW_QUERIES, params),
        ]);
        const [contacts, durations, targeted, queries] = await Promise.all([
          repository.contacts(ORGANISATION, unit, p),
          repository.durations(ORGANISATION, unit, p),
          repository.targeted(ORGANISATION, unit, p, new Date()),
          repository.queries(ORGANISATION, unit, p),
        ]);
        const where = `${p.from}–${p.to} ${unit ?? 'whole municipality'}`;
        expect({ where, queries }).toEqual({ where, queries: rawQueries.rows[0] });
        expect({ where, contacts }).toEqual({ where, contacts: raw.rows[0] });
        expect({ where, durations }).toEqual({ where, durations: rawDurations.rows[0] });
        expect({ where, contacts: targeted.contacts, resolved: targeted.resolved }).toEqual({
          where,
          contacts: raw.rows[0].total,
          resolved: raw.rows[0].resolved,
        });
      }
    }
  };
  const unitTotal = async () =>
    (await repository.contacts(ORGANISATION, UNIT, period(dayBefore(today, 365), today))).total;
  /** As if the job had never reached `day`: the rollup from then on is dropped and the days are read raw again. */
  const rewindRollup = async (day: string) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(1763901500)`);
      await client.query(`SELECT pg_advisory_xact_lock(1763902030)`);
      await client.query(`DELETE FROM hub.contact_day WHERE day >= $1`, [day]);
      await client.query(`DELETE FROM hub.contact_day_duration WHERE day >= $1`, [day]);
      await client.query(`DELETE FROM hub.query_day WHERE day >= $1`, [day]);
      await client.query(`UPDATE hub.follow_up_rollup SET contacts_before = $1, queries_before = $1`, [day]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query(`INSERT INTO hub.unit (organisation, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      ORGANISATION,
      UNIT,
    ]);
    await pool.query(`DELETE FROM hub.contact WHERE organisation = $1 AND unit = $2`, [ORGANISATION, UNIT]);
    await pool.query(`DELETE FROM hub.query_outcome WHERE organisation = $1 AND unit = $2`, [ORGANISATION, UNIT]);
    await new ContactRollup(repository).run();
    for (const day of ['2026-03-28', '2026-03-29', '2026-03-30', '2026-10-24', '2026-10-25', '2026-10-26']) {
      await insertDay(day, 150);
      await insertQueriesOfDay(day, 60);
    }
    for (let n = 0; n <= 3; n++) {
      await insertDay(dayBefore(today, n), 120);
      await insertQueriesOfDay(dayBefore(today, n), 40);
    }
  }, 60_000);

  afterAll(async () => {
    await pool.query(`DELETE FROM hub.contact WHERE organisation = $1 AND unit = $2`, [ORGANISATION, UNIT]);
    await pool.query(`DELETE FROM hub.query_outcome WHERE organisation = $1 AND unit = $2`, [ORGANISATION, UNIT]);
    await pool.end();
  });

  it('for days written after they were rolled up (added by the trigger) and today’s live rows', async () => {
    const { rows } = await pool.query(
      `SELECT contacts_before::text AS before, queries_before::text AS queries FROM hub.follow_up_rollup`,
    );
    expect(rows[0]).toEqual({ before: today, queries: today });
    await expectSameFigures();
    expect(await unitTotal()).toBe(1380);
  });

  it('for days the job has not reached (read raw), and once it has rolled them up', async () => {
    await rewindRollup('2026-03-01');
    await expectSameFigures();
    // two instances at once: the lock serialises them, and the second finds nothing left to roll up
    const [a, b] = await Promise.all([
      new ContactRollup(new FiguresRepository(pool)).run(),
      new ContactRollup(new FiguresRepository(pool)).run(),
    ]);
    expect([a, b]).toEqual([today, today]);
    await expectSameFigures();
    expect(await unitTotal()).toBe(1380);
  });

  it('after contacts of rolled-up days are deleted, changed and written late', async () => {
    await pool.query(
      `DELETE FROM hub.contact WHERE organisation = $1 AND unit = $2 AND id IN
         (SELECT id FROM hub.contact WHERE organisation = $1 AND unit = $2 ORDER BY id LIMIT 200)`,
      [ORGANISATION, UNIT],
    );
    await pool.query(
      `UPDATE hub.contact SET channel = 'telefon', outcome = 'ej-lost', waiting_seconds = 42,
              created_at = created_at - interval '20 hours'
        WHERE organisation = $1 AND unit = $2 AND id IN
         (SELECT id FROM hub.contact WHERE organisation = $1 AND unit = $2 ORDER BY id DESC LIMIT 150)`,
      [ORGANISATION, UNIT],
    );
    await insertDay('2026-10-25', 40);
    await pool.query(
      `DELETE FROM hub.query_outcome WHERE organisation = $1 AND unit = $2 AND query_id IN
         (SELECT query_id FROM hub.query_outcome WHERE organisation = $1 AND unit = $2 ORDER BY query_id LIMIT 50)`,
      [ORGANISATION, UNIT],
    );
    await pool.query(
      `UPDATE hub.query_outcome SET purpose = 'bostadsanpassning', at = at - interval '20 hours'
        WHERE organisation = $1 AND unit = $2 AND query_id IN
         (SELECT query_id FROM hub.query_outcome WHERE organisation = $1 AND unit = $2 ORDER BY query_id DESC LIMIT 40)`,
      [ORGANISATION, UNIT],
    );
    await insertQueriesOfDay('2026-03-29', 25);
    await expectSameFigures();
    expect(await unitTotal()).toBe(1220);
  });
});
