/**
 * `npm run bench:retention`: the retention job (issue 19's measure: over 10 million audit rows and 1 million records
 * it completes in minutes, not hours, without blocking traffic). It writes straight into the database, with
 * generate_series:
 * - BENCH_RECORDS records (default 1,000,000) of two municipalities with different periods, spread over six years:
 *   25 % consents, 25 % referrals (each with an event), 10 % errands (each with an event), 30 % contacts (half
 *   naming a person), 10 % query outcomes; about half are due;
 * - BENCH_AUDIT_ROWS audit entries (default 10,000,000) over eight years, in a schema of its own (`retention_bench`,
 *   so that the bench database's real chain is left alone), with a period of subject keys for each year. Their hashes
 *   are made up: the bench times the job, which never reads the chain; `audit:verify` is not part of it.
 * Then, in the same run, on the same rows:
 * - baseline: the same rows deleted or anonymised by one plain statement per table (`DELETE … WHERE` with the job's
 *   predicates, no batches), in a transaction rolled back afterwards; and a `SELECT count(*)` over the audit entries
 *   of the years shredded, the least any approach that rewrote audit rows would read;
 * - the job itself (RetentionService.run, as the hub runs it, batches of BENCH_BATCH rows), while four clients keep
 *   up traffic on the same tables (read a person's consents, insert a query outcome, update an open referral);
 *   the traffic's p50/p99 before and during the job;
 * - the job again (nothing left to do).
 * Prints the figures and ratios. Rows it made are deleted and its schema dropped at the end. It runs no hub: it
 * brings the database to the hub's schema itself and runs the job's own classes on a pool of its own.
 *
 *   BENCH_DB=hub_bench_x npm run bench:retention
 *   BENCH_RECORDS=200000 BENCH_AUDIT_ROWS=2000000 npm run bench:retention
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AuditLog } from '@hub/audit';
import { ORGANISATIONS } from '@hub/contracts';
import { Transactions } from '@hub/database';
import { MIGRATIONS } from '../apps/hub/src/database/migrations.js';
import { RetentionRepository } from '../apps/hub/src/retention/retention.repository.js';
import { RetentionService } from '../apps/hub/src/retention/retention.service.js';
import { cutoffOf, DEFAULT_RETENTION, type RetentionPeriods } from '../apps/hub/src/retention/retention-periods.js';

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const BENCH_DB = env.BENCH_DB ?? 'hub_bench';
const DATABASE_URL = env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/${BENCH_DB}`;
const RECORDS = num('BENCH_RECORDS', 1_000_000);
const AUDIT_ROWS = num('BENCH_AUDIT_ROWS', 10_000_000);
const BATCH = num('BENCH_BATCH', 5_000);
const TRAFFIC_CLIENTS = num('BENCH_TRAFFIC_CLIENTS', 4);
const SCHEMA = 'retention_bench';
const MARK = 'bench-retention';
const SECRET = 'bench-retention-subject-key-secret-0123456789';
const OREBRO = ORGANISATIONS.orebro;
const KARLSKOGA = '2120001991';
const KARLSKOGA_PERIODS: RetentionPeriods = {
  ...DEFAULT_RETENTION,
  contactMonths: 6,
  consentMonths: 12,
  referralYears: 3,
  errandYears: 1,
  queryOutcomeMonths: 24,
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const since = (start: number) => performance.now() - start;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
};
/** a uniformly spread instant in the last `years` years, per row */
const instant = (years: number) => `now() - random() * interval '${years} years'`;

async function seed(pool: pg.Pool): Promise<void> {
  const started = performance.now();
  const n = (share: number) => Math.round(RECORDS * share);
  const department = async (organisation: string) =>
    (
      await pool.query<{ name: string }>(
        `SELECT name FROM hub.unit WHERE organisation = $1 AND kind = 'department' ORDER BY name LIMIT 1`,
        [organisation],
      )
    ).rows[0]?.name;
  const topic = async (organisation: string) =>
    (
      await pool.query<{ code: string }>(
        `SELECT code FROM hub.topic_type WHERE organisation = $1 AND retired_at IS NULL ORDER BY code LIMIT 1`,
        [organisation],
      )
    ).rows[0]?.code;
  const org = `CASE WHEN g % 3 = 0 THEN '${KARLSKOGA}' ELSE '${OREBRO}' END`;
  await pool.query(
    `INSERT INTO hub.consent (id, subject_key, organisation, unit, purposes, agencies, categories, method,
                              recorded_by, valid_from, valid_until, revoked_at, revoked_by, created_at)
     SELECT gen_random_uuid(), encode(sha256(('c' || g)::text::bytea), 'hex'), ${org}, 'Servicecenter',
            '["vagledning"]', '["fk"]', '["fk.utbetalningar"]', 'in-person-written', '${MARK}', d::date,
            (d + interval '1 year')::date, CASE WHEN g % 5 = 0 THEN d + interval '30 days' END,
            CASE WHEN g % 5 = 0 THEN '${MARK}' END, d
       FROM (SELECT g, ${instant(6)} AS d FROM generate_series(1, $1::int) g) s`,
    [n(0.25)],
  );
  await pool.query(
    `WITH r AS (
       INSERT INTO hub.referral (id, subject_key, subject_masked, agency, referral_type, purpose, message,
                                 contact_preference, agreement_id, agreement_version, organisation, unit, created_by,
                                 created_at, respond_by, status, status_at)
       SELECT gen_random_uuid(), encode(sha256(('r' || g)::text::bytea), 'hex'), '19121212-****', 'af',
              'af.bench', 'vagledning', 'Bench', 'phone', gen_random_uuid(), 1, ${org}, 'Servicecenter', '${MARK}',
              d, d + interval '3 days',
              (ARRAY['closed', 'declined', 'cancelled', 'closed', 'closed', 'closed', 'sent', 'accepted', 'in-progress',
                     'received'])[1 + g % 10], d + interval '30 days'
         FROM (SELECT g, ${instant(6)} AS d FROM generate_series(1, $1::int) g) s
       RETURNING id, created_at)
     INSERT INTO hub.referral_event (referral_id, status, at, actor)
     SELECT id, 'sent', created_at, '{"organisation": "bench"}'::jsonb FROM r`,
    [n(0.25)],
  );
  const errandOrgs = [];
  for (const organisation of [OREBRO, KARLSKOGA]) {
    const dept = await department(organisation);
    if (dept) errandOrgs.push({ organisation, dept });
  }
  for (const { organisation, dept } of errandOrgs) {
    await pool.query(
      `WITH e AS (
         INSERT INTO hub.errand (id, organisation, unit, department, topic, secrecy_sensitive, message, citizen,
                                 preferred_channel, subject_key, subject_masked, created_by, created_at, respond_by,
                                 status, status_at)
         SELECT gen_random_uuid(), $2, 'Servicecenter', $3, 'bench.errand', false, 'Bench', '{"name": "Bench"}',
                'telefon', encode(sha256(('e' || g)::text::bytea), 'hex'), '19121212-****', '${MARK}', d,
                d + interval '3 days', (ARRAY['closed', 'withdrawn', 'closed', 'sent', 'taken'])[1 + g % 5],
                d + interval '10 days'
           FROM (SELECT g, ${instant(6)} AS d FROM generate_series(1, $1::int) g) s
         RETURNING id, created_at, department)
       INSERT INTO hub.errand_event (errand_id, event, at, actor, department, note)
       SELECT id, 'sent', created_at, '{"organisation": "bench"}'::jsonb, department, 'Ring upp' FROM e`,
      [Math.round(n(0.1) / errandOrgs.length), organisation, dept],
    );
  }
  const contactOrgs = [];
  for (const organisation of [OREBRO, KARLSKOGA]) {
    const code = await topic(organisation);
    if (code) contactOrgs.push({ organisation, code });
  }
  for (const { organisation, code } of contactOrgs) {
    await pool.query(
      `INSERT INTO hub.contact (organisation, unit, created_by, created_at, channel, topic, rosa, outcome, note,
                                subject_key, subject_masked)
       SELECT $2, 'Servicecenter', '${MARK}', d, 'telefon', $3, 2, 'besvarad',
              CASE WHEN g % 2 = 0 THEN 'Frågade om bygglov' END,
              CASE WHEN g % 2 = 0 THEN encode(sha256(('k' || g)::text::bytea), 'hex') END,
              CASE WHEN g % 2 = 0 THEN '19121212-****' END
         FROM (SELECT g, ${instant(3)} AS d FROM generate_series(1, $1::int) g) s`,
      [Math.round(n(0.3) / contactOrgs.length), organisation, code],
    );
  }
  await pool.query(
    `INSERT INTO hub.query_outcome (query_id, agency, at, purpose, organisation, unit, status)
     SELECT gen_random_uuid(), 'fk', d, 'vagledning', ${org}, 'Servicecenter', 'ok'
       FROM (SELECT g, ${instant(6)} AS d FROM generate_series(1, $1::int) g) s`,
    [n(0.1)],
  );
  console.log(
    `seeded ${RECORDS.toLocaleString('sv-SE')} records (errands for ${errandOrgs.length}, contacts for ` +
      `${contactOrgs.length} municipalities) in ${seconds(since(started))}`,
  );

  const auditStarted = performance.now();
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  const log = new AuditLog(pool, { schema: SCHEMA, subjectKeySecret: SECRET });
  await log.migrate();
  const year = new Date().getUTCFullYear();
  await log.loadSubjectKeys({ periods: Array.from({ length: 9 }, (_, i) => String(year - 8 + i)) });
  // in slices, so that one statement's memory and WAL stay bounded
  const slice = 1_000_000;
  for (let from = 1; from <= AUDIT_ROWS; from += slice) {
    const to = Math.min(AUDIT_ROWS, from + slice - 1);
    await pool.query(
      `INSERT INTO ${SCHEMA}.entry (seq, at, kind, actor_kind, actor, organisation, unit, agreement_id,
         agreement_version, purpose, subject_key, categories_requested, categories_released, categories_denied,
         outcome, correlation_id, protected_identity, details, prev_hash, hash)
       SELECT g, now() - interval '8 years' + (g::float8 / $2) * interval '8 years', 'query', 'staff', 'bench.guide',
              '${OREBRO}', 'Servicecenter', NULL, NULL, 'vagledning',
              CASE WHEN g % 5 < 3 THEN encode(sha256(('a' || (g % 200000))::text::bytea), 'hex') END,
              ARRAY['fk.utbetalningar'], ARRAY['fk.utbetalningar'], '[]'::jsonb, 'ok', 'bench-' || g, false,
              '{"agencies": {"fk": "ok"}}'::jsonb, encode(sha256((g - 1)::text::bytea), 'hex'),
              encode(sha256(g::text::bytea), 'hex')
         FROM generate_series($1::bigint, $3::bigint) g`,
      [from, AUDIT_ROWS, to],
    );
  }
  await pool.query(
    `UPDATE ${SCHEMA}.chain_head SET seq = e.seq, hash = e.hash, at = e.at
       FROM ${SCHEMA}.entry e WHERE e.seq = $1 AND chain_head.id = 1`,
    [AUDIT_ROWS],
  );
  console.log(`seeded ${AUDIT_ROWS.toLocaleString('sv-SE')} audit entries in ${seconds(since(auditStarted))}`);
  const vacuumStarted = performance.now();
  await pool.query(
    `VACUUM ANALYZE hub.consent, hub.consent_signing, hub.referral, hub.referral_event, hub.errand, hub.errand_event,
       hub.complaint, hub.contact, hub.query_outcome, hub.staff_session, ${SCHEMA}.entry`,
  );
  console.log(`VACUUM ANALYZE in ${seconds(since(vacuumStarted))}`);
}

/** The job's predicates as one plain statement per table, the same cutoffs, in a transaction rolled back. */
async function baseline(pool: pg.Pool, asOf: Date): Promise<{ ms: number; rows: number }> {
  const periods = [
    { organisation: OREBRO, p: DEFAULT_RETENTION },
    { organisation: KARLSKOGA, p: KARLSKOGA_PERIODS },
  ];
  const client = await pool.connect();
  let rows = 0;
  const started = performance.now();
  try {
    await client.query('BEGIN');
    for (const { organisation, p } of periods) {
      const run = async (sql: string, cutoff: Date) => {
        rows += (await client.query(sql, [organisation, cutoff])).rowCount ?? 0;
      };
      await run(
        `UPDATE hub.contact SET subject_key = NULL, subject_masked = NULL, note = NULL
          WHERE organisation = $1 AND created_at < $2
            AND (subject_key IS NOT NULL OR subject_masked IS NOT NULL OR note IS NOT NULL)`,
        cutoffOf('contacts', p, asOf),
      );
      await run(
        `DELETE FROM hub.consent c WHERE organisation = $1
            AND least(c.valid_until, (c.revoked_at AT TIME ZONE 'UTC')::date) < ($2::timestamptz AT TIME ZONE 'UTC')::date`,
        cutoffOf('consents', p, asOf),
      );
      await run(
        `WITH d AS (SELECT id FROM hub.referral WHERE organisation = $1 AND status IN ('closed', 'declined', 'cancelled')
                       AND status_at < $2),
              ev AS (DELETE FROM hub.referral_event e USING d WHERE e.referral_id = d.id)
         SELECT 1 FROM d LIMIT 0`,
        cutoffOf('referrals', p, asOf),
      );
      await run(
        `DELETE FROM hub.referral WHERE organisation = $1 AND status IN ('closed', 'declined', 'cancelled')
            AND status_at < $2`,
        cutoffOf('referrals', p, asOf),
      );
      await run(
        `WITH d AS (SELECT id FROM hub.errand WHERE organisation = $1 AND status IN ('closed', 'withdrawn')
                       AND status_at < $2),
              ev AS (DELETE FROM hub.errand_event e USING d WHERE e.errand_id = d.id)
         SELECT 1 FROM d LIMIT 0`,
        cutoffOf('errands', p, asOf),
      );
      await run(
        `DELETE FROM hub.errand WHERE organisation = $1 AND status IN ('closed', 'withdrawn') AND status_at < $2`,
        cutoffOf('errands', p, asOf),
      );
      await run(
        `DELETE FROM hub.query_outcome WHERE organisation = $1 AND at < $2`,
        cutoffOf('query-outcomes', p, asOf),
      );
    }
    return { ms: since(started), rows };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

interface Traffic {
  stop(): Promise<number[]>;
}

/** Clients doing what the hub's traffic does to the same tables, each operation timed. */
function traffic(pool: pg.Pool, openReferrals: string[], subjectKeys: string[]): Traffic {
  let running = true;
  const latencies: number[] = [];
  const client = async () => {
    let i = 0;
    while (running) {
      i += 1;
      const started = performance.now();
      const op = i % 3;
      if (op === 0) {
        await pool.query(`SELECT id FROM hub.consent WHERE subject_key = ANY($1::char(64)[])`, [
          [subjectKeys[i % subjectKeys.length]],
        ]);
      } else if (op === 1) {
        await pool.query(
          `INSERT INTO hub.query_outcome (query_id, agency, at, purpose, organisation, unit, status)
           VALUES (gen_random_uuid(), 'fk', now(), 'vagledning', $1, 'Servicecenter', 'ok')`,
          [OREBRO],
        );
      } else {
        await pool.query(`UPDATE hub.referral SET respond_by = respond_by WHERE id = $1`, [
          openReferrals[i % openReferrals.length],
        ]);
      }
      latencies.push(performance.now() - started);
    }
  };
  const clients = Array.from({ length: TRAFFIC_CLIENTS }, client);
  return {
    async stop() {
      running = false;
      await Promise.all(clients);
      return latencies;
    },
  };
}

function describeTraffic(name: string, latencies: number[], ms: number): string {
  return (
    `${name}: ${latencies.length} operations in ${seconds(ms)} (${Math.round(latencies.length / (ms / 1000))}/s), ` +
    `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
    `max ${percentile(latencies, 100).toFixed(1)} ms`
  );
}

async function cleanUp(pool: pg.Pool): Promise<void> {
  await pool.query(`DELETE FROM hub.consent WHERE recorded_by = '${MARK}'`);
  await pool.query(
    `DELETE FROM hub.referral_event e USING hub.referral r WHERE e.referral_id = r.id AND r.created_by = '${MARK}'`,
  );
  await pool.query(`DELETE FROM hub.referral WHERE created_by = '${MARK}'`);
  await pool.query(
    `DELETE FROM hub.errand_event e USING hub.errand r WHERE e.errand_id = r.id AND r.created_by = '${MARK}'`,
  );
  await pool.query(`DELETE FROM hub.errand WHERE created_by = '${MARK}'`);
  await pool.query(`DELETE FROM hub.contact WHERE created_by = '${MARK}'`);
  await pool.query(`DELETE FROM hub.query_outcome WHERE unit = 'Servicecenter' AND purpose = 'vagledning'
                      AND organisation IN ('${OREBRO}', '${KARLSKOGA}') AND agency = 'fk'`);
  await pool.query(`DELETE FROM hub.retention_setting WHERE updated_by = '${MARK}'`);
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 + TRAFFIC_CLIENTS });
  const cores = (await import('node:os')).availableParallelism();
  console.log(
    `retention bench on ${new URL(DATABASE_URL).pathname.slice(1)}: ${RECORDS.toLocaleString('sv-SE')} records, ` +
      `${AUDIT_ROWS.toLocaleString('sv-SE')} audit rows, batches of ${BATCH}, ${TRAFFIC_CLIENTS} traffic clients, ` +
      `${cores} cores`,
  );
  try {
    // the hub's schema, as the hub brings it at start (the bench runs no hub)
    const dataSource = new DataSource({ type: 'postgres', url: DATABASE_URL, migrations: MIGRATIONS });
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.destroy();
    await cleanUp(pool);
    await seed(pool);
    const repository = new RetentionRepository(pool);
    await repository.upsertSettings(KARLSKOGA, KARLSKOGA_PERIODS, MARK);
    const audit = new AuditLog(pool, { schema: SCHEMA, subjectKeySecret: SECRET });
    await audit.loadSubjectKeys();
    const service = new RetentionService(repository, new Transactions(pool), audit, { retentionClockOverride: true });
    const asOf = new Date();

    // warm the tables alike for both
    for (const table of [
      'consent',
      'referral',
      'referral_event',
      'errand',
      'errand_event',
      'contact',
      'query_outcome',
    ]) {
      await pool.query(`SELECT count(*) FROM hub.${table}`);
    }
    const plain = await baseline(pool, asOf);
    console.log(`baseline, one plain statement per table (rolled back): ${plain.rows} rows in ${seconds(plain.ms)}`);
    const scanStarted = performance.now();
    const years = 3;
    const { rows: scanned } = await pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${SCHEMA}.entry WHERE at < make_timestamptz($1, 1, 1, 0, 0, 0, 'UTC')`,
      [new Date().getUTCFullYear() - 8 + years],
    );
    const scanMs = since(scanStarted);
    console.log(
      `baseline, SELECT count(*) of the audit entries of the ${years} oldest years: ${scanned[0]!.n} rows in ` +
        `${seconds(scanMs)}`,
    );

    const openReferrals = (
      await pool.query<{ id: string }>(
        `SELECT id FROM hub.referral WHERE created_by = '${MARK}' AND status IN ('sent', 'accepted') LIMIT 1000`,
      )
    ).rows.map((r) => r.id);
    const subjectKeys = (
      await pool.query<{ k: string }>(
        `SELECT subject_key AS k FROM hub.consent WHERE recorded_by = '${MARK}' LIMIT 1000`,
      )
    ).rows.map((r) => r.k);

    const quietStarted = performance.now();
    const quiet = traffic(pool, openReferrals, subjectKeys);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const quietLatencies = await quiet.stop();
    const quietMs = since(quietStarted);

    const busy = traffic(pool, openReferrals, subjectKeys);
    const jobStarted = performance.now();
    const run = await service.run({ asOf, batchSize: BATCH });
    const jobMs = since(jobStarted);
    const busyLatencies = await busy.stop();
    const rows = Object.values(run.counts).reduce((sum, c) => sum + c.rows + c.related, 0);
    console.log(`retention job: ${rows} rows in ${seconds(jobMs)}; ${JSON.stringify(summaryOf(run))}`);
    // the same predicates: the job took what the plain statements would have (the traffic adds nothing due)
    if (rows !== plain.rows) console.log(`NOTE: the job took ${rows} rows, the plain statements ${plain.rows}`);
    console.log(describeTraffic('traffic alone (before)', quietLatencies, quietMs));
    console.log(describeTraffic('traffic during the job', busyLatencies, jobMs));

    const againStarted = performance.now();
    const again = await service.run({ asOf, batchSize: BATCH });
    const againMs = since(againStarted);
    const left = Object.values(again.counts).reduce((sum, c) => sum + c.rows + c.related, 0);
    console.log(`the job again: ${left} rows in ${seconds(againMs)}`);

    console.log('');
    console.log(`job / plain statements: ${(jobMs / plain.ms).toFixed(2)} (${seconds(jobMs)} / ${seconds(plain.ms)})`);
    console.log(
      `shredding ${run.shredded.length} years of subject keys took one UPDATE of ${run.shredded.length} rows, ` +
        `against ${seconds(scanMs)} merely to count the entries of ${years} years`,
    );
    console.log(
      `traffic p99 during the job / alone: ${(percentile(busyLatencies, 99) / percentile(quietLatencies, 99)).toFixed(2)}`,
    );
    if (left !== 0) throw new Error(`the second run still found ${left} rows`);
  } finally {
    await cleanUp(pool).catch((err: unknown) => console.error(`clean-up failed: ${(err as Error).message}`));
    await pool.end();
  }
}

function summaryOf(run: Awaited<ReturnType<RetentionService['run']>>) {
  return {
    ...Object.fromEntries(Object.entries(run.counts).map(([k, c]) => [k, c.rows + c.related])),
    shredded: run.shredded,
    postponed: run.postponed,
  };
}

main().catch((err: unknown) => {
  console.error(`retention bench failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
