/**
 * `npm run bench:follow-up`: the follow-up over a year of a busy centre (issue 18's measure: p99 ≤ 300 ms on this
 * machine). It writes a year of one centre straight into the database: 500,000 contacts, 50,000 errands, 100,000
 * multi-agency queries (about 200,000 agency results) and 10,000 referrals, spread as a centre's year is (weekdays,
 * opening hours with a morning and an after-lunch peak, the tax-return spring and the weeks schools close; a few
 * topics take most contacts), then asks GET /api/follow-up/figures for the whole year, one request at a time, next
 * to two baselines measured in the same run: GET /api/auth/me (the HTTP and token floor of every request) and the
 * existing GET /api/follow-up/summary over the same year. Prints p50/p99 and the ratios.
 *
 *   npm run bench:follow-up
 *   BENCH_REQUESTS=400 npm run bench:follow-up
 *
 * With BENCH_BASE_DIST (a build of the code before, e.g. `artifacts/base-dist`) it also times each figure statement
 * of that build's FiguresRepository next to this build's, on the same seeded year in the same run: one statement at
 * a time (which dominates) and all of them at once, as the endpoint runs them (before/after), the builds taking
 * turns request by request. BENCH_KEEP=true leaves the seeded year in the database afterwards.
 *
 * The hub runs as its own process (`node dist/apps/hub/src/main.js`) on port 3311, on the bench's database and vhost
 * (`hub_bench` unless DATABASE_URL and AMQP_URL say otherwise). The centre is a unit of its own, whose rows are
 * deleted at the end. Exits non-zero only when it could not measure or an answer was wrong.
 */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ORGANISATIONS } from '@hub/contracts';
import { BenchIssuer, sequentialGets, spawnService, stopService, untilReady } from './support/bench-services.js';

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const BENCH_DB = env.BENCH_DB ?? 'hub_bench';
const DATABASE_URL = (env.DATABASE_URL ??= `postgres://postgres@127.0.0.1:5432/${BENCH_DB}`);
env.AMQP_URL ??= `amqp://127.0.0.1:5672/${BENCH_DB}`;
const PORT = num('BENCH_HUB_PORT', 3311);
const HUB = `http://127.0.0.1:${PORT}`;
const REQUESTS = num('BENCH_REQUESTS', 100);
const WARMUP = num('BENCH_WARMUP', 10);
const CONTACTS = num('BENCH_CONTACTS', 500_000);
const ERRANDS = num('BENCH_ERRANDS', 50_000);
const QUERIES = num('BENCH_QUERIES', 100_000);
const REFERRALS = num('BENCH_REFERRALS', 10_000);
const TARGET_P99_MS = 300;
const BASE_DIST = env.BENCH_BASE_DIST;
const PROFILE_REQUESTS = num('BENCH_PROFILE_REQUESTS', 30);
/** BENCH_KEEP=true leaves the seeded year in the database (to EXPLAIN its statements); the next run replaces it. */
const KEEP = env.BENCH_KEEP === 'true';
/** hub.roll_up_contact_days's advisory lock (migration ContactDayRollup). */
const ROLLUP_LOCK = 1_763_901_500;
/** hub.roll_up_query_days's advisory lock (migration FollowUpMonthRollup). */
const QUERY_ROLLUP_LOCK = 1_763_902_030;
const LOG_DIR = join('artifacts', 'follow-up-logs');

const ORGANISATION = ORGANISATIONS.orebro;
const UNIT = 'Bench uppföljning';
const YEAR = { from: '2025-01-01', to: '2025-12-31' };

const issuer = new BenchIssuer('follow-up');
const MANAGER = { id: 'bench.manager', organisation: ORGANISATION, unit: UNIT, roles: ['manager'] };

/**
 * Per-row random draws as functions of the seeding session (pg_temp): an instant of the year in opening hours,
 * Swedish time, and a weighted pick. The year: 15 % in the tax-return spring (March–April), 10 % in the weeks
 * schools close (June, August), the rest even, and a Saturday or Sunday moved to the Friday before or the Monday
 * after four times in five; the day's hours peak at 10 and 13.
 */
const RANDOM_FUNCTIONS = `
  CREATE FUNCTION pg_temp.bench_instant() RETURNS timestamptz LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    s float8 := random();
    n integer;
    day date;
  BEGIN
    n := CASE WHEN s < 0.15 THEN 59 + floor(random() * 61)
              WHEN s < 0.25 THEN (CASE WHEN random() < 0.5 THEN 152 ELSE 213 END) + floor(random() * 30)
              ELSE floor(random() * 365) END;
    day := date '${YEAR.from}' + n;
    IF extract(isodow FROM day) = 6 AND random() < 0.8 THEN day := day - 1; END IF;
    IF extract(isodow FROM day) = 7 AND random() < 0.8 THEN day := day + 1; END IF;
    RETURN (day + (ARRAY[8,9,9,10,10,10,10,11,11,11,12,12,13,13,13,13,14,14,14,15,15,16,16,17])
                   [1 + floor(random() * 24)::int] * interval '1 hour' + random() * interval '1 hour')
           AT TIME ZONE 'Europe/Stockholm';
  END $$;
  CREATE FUNCTION pg_temp.bench_pick(choices text[], weights float8[]) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    r float8 := random() * (SELECT sum(w) FROM unnest(weights) w);
  BEGIN
    FOR i IN 1 .. array_length(choices, 1) LOOP
      r := r - weights[i];
      IF r < 0 THEN RETURN choices[i]; END IF;
    END LOOP;
    RETURN choices[array_length(choices, 1)];
  END $$;
`;
const INSTANT = 'pg_temp.bench_instant()';
const pick = (values: string[], weights: number[]) =>
  `pg_temp.bench_pick(ARRAY[${values.map((v) => `'${v}'`).join(', ')}], ARRAY[${weights.join(', ')}]::float8[])`;

async function seed(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await seedWith(client);
  } finally {
    client.release();
  }
}

async function seedWith(pool: pg.PoolClient): Promise<void> {
  await pool.query(RANDOM_FUNCTIONS);
  await pool.query(`INSERT INTO hub.unit (organisation, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
    ORGANISATION,
    UNIT,
  ]);
  await clean(pool);
  const started = performance.now();
  // the municipality's topic types, a few taking most contacts (index ~ n·u²)
  await pool.query(
    `INSERT INTO hub.contact (organisation, unit, created_by, created_at, channel, topic, rosa, outcome, language,
       interpreter, waiting_seconds, handling_seconds)
     SELECT $1, $2, 'bench.guide', at, channel, topics[1 + floor(array_length(topics, 1) * random() ^ 2)::int],
            rosa, outcome, 'sv', false,
            CASE WHEN channel IN ('besok', 'telefon') THEN floor(random() * random() * 1200)::int END,
            CASE WHEN channel IN ('besok', 'telefon', 'chatt') THEN 60 + floor(random() * random() * 1500)::int END
       FROM (SELECT ${INSTANT} AS at,
                    ${pick(['besok', 'telefon', 'e-post', 'chatt', 'e-tjanst', 'sociala-medier'], [35, 40, 12, 7, 4, 2])} AS channel,
                    (ARRAY[1,1,1,2,2,2,2,2,3,3,3,4,4,4,4,4,4,4,4,4,5,5,6,7])[1 + floor(random() * 24)::int] AS rosa,
                    ${pick(['besvarad', 'vidarebefordrad', 'remitterad', 'bokad', 'ej-lost'], [65, 15, 8, 7, 5])} AS outcome,
                    g
               FROM generate_series(1, $3) g) c,
            (SELECT array_agg(code ORDER BY position, code) AS topics FROM hub.topic_type
              WHERE organisation = $1 AND retired_at IS NULL) t`,
    [ORGANISATION, UNIT, CONTACTS],
  );
  await pool.query(
    `INSERT INTO hub.errand (id, organisation, unit, department, topic, secrecy_sensitive, message, citizen,
       preferred_channel, created_by, created_at, respond_by, status, status_at, answered_at)
     SELECT gen_random_uuid(), $1, $2, department, 'gata-park.gatubelysning', false, 'Bench', '{}', 'phone',
            'bench.guide', at, at + response * interval '1 hour',
            CASE WHEN answered THEN 'answered' ELSE 'sent' END, at,
            CASE WHEN answered THEN at + exp(random() * 5.5) * interval '1 hour' END
       FROM (SELECT ${INSTANT} AS at, (ARRAY[24, 48, 72, 120])[1 + floor(random() * 4)::int] AS response,
                    random() < 0.92 AS answered,
                    ${pick(
                      [
                        'Tekniska förvaltningen',
                        'Bygg- och miljöförvaltningen',
                        'Förskole- och skolförvaltningen',
                        'Socialförvaltningen',
                      ],
                      [50, 25, 15, 10],
                    )} AS department, g
               FROM generate_series(1, $3) g) e`,
    [ORGANISATION, UNIT, ERRANDS],
  );
  await pool.query(
    `INSERT INTO hub.query_outcome (query_id, agency, at, purpose, organisation, unit, status, reason, latency_ms)
     SELECT q.id, a.agency, q.at, q.purpose, $1, $2, s.status,
            CASE WHEN s.status = 'denied' THEN 'consent-missing' END,
            CASE WHEN s.status = 'ok' THEN 20 + floor(random() * 200)::int END
       FROM (SELECT gen_random_uuid() AS id, ${INSTANT} AS at, 1 + floor(random() * 3)::int AS n,
                    ${pick(['vagledning', 'ekonomiskt-bistand', 'etablering', 'bostadsanpassning'], [60, 25, 10, 5])} AS purpose
               FROM generate_series(1, $3) g) q
       CROSS JOIN LATERAL (SELECT unnest((ARRAY['fk', 'af', 'skv'])[1:q.n]) AS agency) a
       CROSS JOIN LATERAL (SELECT ${pick(['ok', 'denied', 'timeout'], [85, 12, 3])} AS status, a.agency AS x) s`,
    [ORGANISATION, UNIT, QUERIES],
  );
  await pool.query(
    `WITH r AS (
       INSERT INTO hub.referral (id, subject_key, subject_masked, agency, referral_type, purpose, message,
         contact_preference, agreement_id, agreement_version, organisation, unit, created_by, created_at,
         respond_by, status, status_at)
       SELECT gen_random_uuid(), repeat('ab', 32), '19121212-****', agency, agency || '.bench', 'vagledning', 'Bench',
              'phone', gen_random_uuid(), 1, $1, $2, 'bench.guide', at, at + interval '72 hours',
              CASE WHEN answered THEN 'accepted' ELSE 'received' END, at
         FROM (SELECT ${INSTANT} AS at, (ARRAY['fk', 'af', 'skv'])[1 + floor(random() * 3)::int] AS agency,
                      random() < 0.9 AS answered, g
                 FROM generate_series(1, $3) g) x
       RETURNING id, created_at, status)
     INSERT INTO hub.referral_event (referral_id, status, at, actor)
     SELECT id, 'sent', created_at, '{"organisation": "bench"}'::jsonb FROM r
     UNION ALL
     SELECT id, 'accepted', created_at + exp(random() * 4.6) * interval '1 hour', '{"organisation": "bench"}'::jsonb
       FROM r WHERE status = 'accepted'`,
    [ORGANISATION, UNIT, REFERRALS],
  );
  console.log(
    `seeded ${CONTACTS} contacts, ${ERRANDS} errands, ${QUERIES} queries, ${REFERRALS} referrals in ` +
      `${Math.round((performance.now() - started) / 1000)} s`,
  );
  await rollUpYear(pool);
  // as autovacuum would soon: the visibility map for index-only scans, and statistics for the planner
  await pool.query(
    `VACUUM ANALYZE hub.contact, hub.contact_day, hub.contact_day_duration, hub.contact_month,
       hub.contact_month_duration, hub.errand, hub.query_outcome, hub.query_day, hub.referral, hub.referral_event`,
  );
}

/**
 * The seeded year went into the day rollups through the insert triggers (its days were closed); this drops the
 * rollups from the year's first day and lets the job roll them up again, as the hub's job does after an import, and
 * times it. The month rollup follows the contacts' day rollup through its triggers, both ways.
 */
async function rollUpYear(pool: pg.PoolClient): Promise<void> {
  await pool.query('BEGIN');
  await pool.query(`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK})`);
  await pool.query(`SELECT pg_advisory_xact_lock(${QUERY_ROLLUP_LOCK})`);
  await pool.query(`DELETE FROM hub.contact_day WHERE day >= $1`, [YEAR.from]);
  await pool.query(`DELETE FROM hub.contact_day_duration WHERE day >= $1`, [YEAR.from]);
  await pool.query(`DELETE FROM hub.query_day WHERE day >= $1`, [YEAR.from]);
  await pool.query(`UPDATE hub.follow_up_rollup SET contacts_before = $1, queries_before = $1`, [YEAR.from]);
  await pool.query('COMMIT');
  for (const [what, fn] of [
    ['contacts', 'hub.roll_up_contact_days'],
    ['query outcomes', 'hub.roll_up_query_days'],
  ] as const) {
    const started = performance.now();
    let runs = 0;
    for (let before = YEAR.from; ; runs++) {
      const { rows } = await pool.query<{ before: string }>(`SELECT ${fn}(31)::text AS before`);
      if (rows[0]!.before === before) break;
      before = rows[0]!.before;
    }
    console.log(
      `the rollup job rolled up the year's ${what} again in ${Math.round(performance.now() - started)} ms (${runs} runs)`,
    );
  }
  const { rows } = await pool.query<{ days: number; cells: number; monthCells: number; queryCells: number }>(
    `SELECT (SELECT count(DISTINCT day)::int FROM hub.contact_day_duration WHERE organisation = $1 AND unit = $2) AS days,
            (SELECT count(*)::int FROM hub.contact_day_duration WHERE organisation = $1 AND unit = $2) AS cells,
            (SELECT count(*)::int FROM hub.contact_month_duration WHERE organisation = $1 AND unit = $2) AS "monthCells",
            (SELECT count(*)::int FROM hub.query_day WHERE organisation = $1 AND unit = $2) AS "queryCells"`,
    [ORGANISATION, UNIT],
  );
  const r = rows[0]!;
  console.log(
    `${r.days} days with ${r.cells} per-second duration cells (${r.monthCells} in the month rollup); ` +
      `${r.queryCells} query day cells`,
  );
}

async function clean(pool: pg.Pool | pg.PoolClient): Promise<void> {
  await pool.query(
    `DELETE FROM hub.referral_event WHERE referral_id IN (SELECT id FROM hub.referral WHERE unit = $1)`,
    [UNIT],
  );
  for (const table of ['contact', 'errand', 'query_outcome', 'referral']) {
    await pool.query(`DELETE FROM hub.${table} WHERE organisation = $1 AND unit = $2`, [ORGANISATION, UNIT]);
  }
}

interface FigureStatements {
  contacts(o: string, u: string | null, p: Period): Promise<unknown>;
  durations(o: string, u: string | null, p: Period): Promise<unknown>;
  errands(o: string, u: string | null, p: Period, now: Date): Promise<unknown>;
  referrals(o: string, u: string | null, p: Period, now: Date): Promise<unknown>;
  queries(o: string, u: string | null, p: Period): Promise<unknown>;
  targeted(o: string, u: string | null, p: Period, now: Date): Promise<unknown>;
}
interface Period {
  from: string;
  to: string;
  days: number;
}

const percentiles = (latencies: number[]) => {
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99) };
};

/**
 * Each figure statement of the year, one at a time, and all of them at once as FollowUpService.figures runs them
 * (the previous year's targeted figures included), for each build given: where the time of a request goes.
 */
async function profile(builds: Array<{ name: string; dist: string }>): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
  const year: Period = { from: YEAR.from, to: YEAR.to, days: 365 };
  const before: Period = { from: '2024-01-01', to: '2024-12-31', days: 366 };
  const now = new Date();
  const rows: Array<Record<string, string | number>> = [];
  try {
    const built = await Promise.all(
      builds.map(async (build) => {
        const loaded = (await import(
          pathToFileURL(resolve(build.dist, 'apps/hub/src/follow-up/figures.repository.js')).href
        )) as { FiguresRepository: new (pool: pg.Pool) => FigureStatements };
        const figures = new loaded.FiguresRepository(pool);
        const statements: Array<[string, () => Promise<unknown>]> = [
          ['contacts', () => figures.contacts(ORGANISATION, UNIT, year)],
          ['durations', () => figures.durations(ORGANISATION, UNIT, year)],
          ['errands', () => figures.errands(ORGANISATION, UNIT, year, now)],
          ['referrals', () => figures.referrals(ORGANISATION, UNIT, year, now)],
          ['queries', () => figures.queries(ORGANISATION, UNIT, year)],
          ['targeted, the year before', () => figures.targeted(ORGANISATION, UNIT, before, now)],
        ];
        const six = [...statements];
        statements.push(['all six at once', () => Promise.all(six.map(([, run]) => run()))]);
        return { name: build.name, statements };
      }),
    );
    // the builds take turns, request by request, so that the machine's other work weighs on both alike
    for (let s = 0; s < built[0]!.statements.length; s++) {
      const latencies = built.map(() => [] as number[]);
      for (let i = 0; i < 3 + PROFILE_REQUESTS; i++) {
        for (const [b, build] of built.entries()) {
          const started = performance.now();
          await build.statements[s]![1]();
          if (i >= 3) latencies[b]!.push(performance.now() - started);
        }
      }
      for (const [b, build] of built.entries()) {
        const { p50, p99 } = percentiles(latencies[b]!);
        rows.push({ statement: build.statements[s]![0], build: build.name, 'p50 ms': p50, 'p99 ms': p99 });
      }
    }
  } finally {
    await pool.end();
  }
  console.log(`\nthe figure statements of the year, ${PROFILE_REQUESTS} times each, straight to PostgreSQL:`);
  console.table(rows);
}

async function main(): Promise<void> {
  mkdirSync(LOG_DIR, { recursive: true });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const child = spawnService(LOG_DIR, 'hub', 'dist/apps/hub/src/main.js', {
    ...issuer.hubEnv(),
    DATABASE_URL,
    PORT: String(PORT),
    DEMO_AGREEMENTS: 'false',
  });
  try {
    await untilReady(child, `${HUB}/health/ready`, `${LOG_DIR}/hub.log`);
    await seed(pool);
    console.log(
      `load average (1, 5, 15 min) before the requests: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    );
    const bearer = await issuer.token(MANAGER);
    const step = sequentialGets(HUB, { authorization: `Bearer ${bearer}` });
    const year = `?from=${YEAR.from}&to=${YEAR.to}`;
    const figures = `/api/follow-up/figures${year}`;
    const counted = (body: unknown) =>
      (body as { contacts?: { total?: { count?: number } } }).contacts?.total?.count === CONTACTS;
    await step('warm-up', figures, WARMUP, counted);
    await step('warm-up', `/api/follow-up/summary${year}`, WARMUP);
    await step('warm-up', '/api/auth/me', WARMUP);
    const results = [
      await step('baseline GET /api/auth/me', '/api/auth/me', REQUESTS),
      await step('baseline GET /api/follow-up/summary, a year', `/api/follow-up/summary${year}`, REQUESTS),
      await step('GET /api/follow-up/figures, a year', figures, REQUESTS, counted),
      await step(
        'GET /api/follow-up/figures, a month',
        `/api/follow-up/figures?from=2025-03-01&to=2025-03-31`,
        REQUESTS,
      ),
    ];
    const [floor, summary] = results;
    console.log(
      `\nfollow-up over a year of one centre: ${CONTACTS} contacts, ${ERRANDS} errands, ${QUERIES} queries, ` +
        `${REFERRALS} referrals; ${REQUESTS} requests per step, one at a time (target p99 ≤ ${TARGET_P99_MS} ms)`,
    );
    console.table(
      results.map((r) => ({
        step: r.name,
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        'max ms': r.maxMs,
        'p99 / auth/me': Math.round((r.p99Ms / Math.max(floor!.p99Ms, 0.1)) * 100) / 100,
        'p99 / summary': Math.round((r.p99Ms / Math.max(summary!.p99Ms, 0.1)) * 100) / 100,
        wrong: r.wrong,
      })),
    );
    for (const r of results.slice(2)) {
      console.log(`${r.name}: p99 ${r.p99Ms} ms ${r.p99Ms <= TARGET_P99_MS ? 'meets' : 'MISSES'} ${TARGET_P99_MS} ms`);
    }
    console.log(
      `load average (1, 5, 15 min) at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    );
    await profile([
      ...(BASE_DIST ? [{ name: 'before (BENCH_BASE_DIST)', dist: resolve(BASE_DIST) }] : []),
      { name: 'this build', dist: resolve('dist') },
    ]);
    console.log(
      `load average (1, 5, 15 min) after the profile: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    );
    if (results.some((r) => r.wrong > 0)) process.exitCode = 1;
  } finally {
    if (!KEEP) {
      await clean(pool).catch(() => undefined);
      await pool
        .query(`DELETE FROM hub.unit WHERE organisation = $1 AND name = $2`, [ORGANISATION, UNIT])
        .catch(() => undefined);
    }
    await pool.end();
    await stopService(child);
    issuer.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
