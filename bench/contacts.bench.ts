/**
 * `npm run bench:contacts` (also part of `npm run bench`): logging a contact (issue 17's measure: at most one request,
 * p99 ≤ 50 ms at 200 contacts/s on this machine). The hub runs as its own process (`node dist/apps/hub/src/main.js`,
 * as in production) and the bench sends POST /api/contacts at an even fixed rate (open loop), anonymous ones and ones
 * naming a subject (audited), next to two baselines measured in the same run at the same rate: GET /api/auth/me, the
 * HTTP and token floor every request of the hub pays, and a one-row INSERT committed by the bench itself, the
 * database's commit floor (the WAL flush every stored contact waits for). The four take turns in rounds
 * (BENCH_CONTACT_ROUNDS), so that a machine shared with other work slows them alike. Prints p50/p99, the ratio of
 * each p99 to each baseline's, and the hub process's CPU time per request (from /proc).
 *
 *   npm run bench:contacts
 *   BENCH_RATE=400 BENCH_STEP_SECONDS=20 npm run bench:contacts
 *
 * It uses its own database and vhost (`hub_bench`, which `npm run bench:contacts` prepares), port 3310, and deletes
 * the contacts it logged, its commit-floor table and its key file. It exits non-zero only when it could not measure
 * or an answer was wrong.
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ORGANISATIONS } from '@hub/contracts';
import { BenchIssuer, spawnService, stopService, untilReady } from './support/bench-services.js';
import { delay } from './support/scatter-gather.js';

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const DATABASE_URL = (env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/hub_bench');
env.AMQP_URL ??= 'amqp://127.0.0.1:5672/hub_bench';
const PORT = num('BENCH_HUB_PORT', 3310);
const HUB = `http://127.0.0.1:${PORT}`;
const RATE = num('BENCH_RATE', 200);
/** seconds of each variant in all, split over the rounds */
const SECONDS = num('BENCH_STEP_SECONDS', 10);
const ROUNDS = num('BENCH_CONTACT_ROUNDS', 5);
const WARMUP_SECONDS = num('BENCH_WARMUP_SECONDS', 3);
const TARGET_P99_MS = 50;
const LOG_DIR = join('artifacts', 'contacts-logs');
const COMMIT_FLOOR_TABLE = 'public.bench_contacts_commit_floor';

const issuer = new BenchIssuer('contacts');
const GUIDE = {
  id: 'bench.guide',
  organisation: ORGANISATIONS.orebro,
  unit: 'Servicecenter',
  roles: ['guide'],
};

const CHANNELS = ['besok', 'telefon', 'e-post', 'chatt', 'e-tjanst', 'sociala-medier'];
const TOPICS = ['gata-park.snorojning', 'skola.skolskjuts', 'bygga-bo.bygglov', 'myndigheter.forsakringskassan'];
const OUTCOMES = ['besvarad', 'remitterad', 'bokad', 'ej-lost'];
let n = 0;
const contact = (subject?: string) => {
  n++;
  return JSON.stringify({
    channel: CHANNELS[n % CHANNELS.length],
    topic: TOPICS[n % TOPICS.length],
    rosa: (n % 4) + 1,
    outcome: OUTCOMES[n % OUTCOMES.length],
    ...(n % 5 === 0 && { language: 'ar', interpreter: true }),
    ...(subject && { subject }),
  });
};

interface Step {
  name: string;
  hubCpuMsPerCall: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  wrong: number;
}

/** A variant measured over the rounds: one call, true when its answer was right. */
interface Variant {
  name: string;
  call: () => Promise<boolean>;
  latencies: number[];
  wrong: number;
  seconds: number;
  /** CPU time the hub process spent while the variant ran */
  hubCpuMs: number;
}

/** CPU time of a process on this machine, from /proc (0 where there is none). */
function cpuMsOf(pid: number | undefined): number {
  const stat = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(stat)) return 0;
  const fields = readFileSync(stat, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ 100
}

/**
 * An open-loop load at an even pace: one call every 1000/RATE ms whatever the answers do, as contacts come in
 * (autocannon's rate sends each second's requests in a burst at its start, which measures the burst instead).
 */
async function run(variant: Variant, seconds: number, hubPid: number | undefined): Promise<void> {
  const hubCpuBefore = cpuMsOf(hubPid);
  const count = Math.round(RATE * seconds);
  const intervalMs = 1000 / RATE;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await delay(wait);
    inFlight.push(
      (async () => {
        const sent = performance.now();
        const right = await variant.call().catch(() => false);
        if (!right) variant.wrong++;
        variant.latencies.push(performance.now() - sent);
      })(),
    );
  }
  await Promise.all(inFlight);
  variant.seconds += (performance.now() - started) / 1000;
  variant.hubCpuMs += cpuMsOf(hubPid) - hubCpuBefore;
}

function figures(variant: Variant): Step {
  const latencies = [...variant.latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
  return {
    name: variant.name,
    hubCpuMsPerCall: Math.round((variant.hubCpuMs / Math.max(latencies.length, 1)) * 100) / 100,
    requests: latencies.length,
    perSecond: Math.round((latencies.length - variant.wrong) / variant.seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: at(1),
    wrong: variant.wrong,
  };
}

const http =
  (bearer: string, method: 'GET' | 'POST', path: string, body?: () => string) => async (): Promise<boolean> => {
    const response = await fetch(`${HUB}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body && { body: body() }),
    });
    await response.arrayBuffer();
    return response.status < 300;
  };

async function main(): Promise<void> {
  const child = spawnService(LOG_DIR, 'hub', 'dist/apps/hub/src/main.js', {
    ...issuer.hubEnv(),
    DATABASE_URL,
    PORT: String(PORT),
    DEMO_AGREEMENTS: 'false',
  });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  // enough connections that no floor INSERT waits for one at the rate, as the hub's batches do not
  const floorPool = new pg.Pool({ connectionString: DATABASE_URL, max: 16 });
  try {
    await untilReady(child, `${HUB}/health/ready`, `${LOG_DIR}/hub.log`);
    const bearer = await issuer.token(GUIDE);
    await floorPool.query(
      `CREATE TABLE IF NOT EXISTS ${COMMIT_FLOOR_TABLE} (id bigserial, at timestamptz DEFAULT now())`,
    );
    const variant = (name: string, call: Variant['call']): Variant => ({
      name,
      call,
      latencies: [],
      wrong: 0,
      seconds: 0,
      hubCpuMs: 0,
    });
    const variants = [
      variant('baseline: GET /api/auth/me (HTTP, token)', http(bearer, 'GET', '/api/auth/me')),
      variant('baseline: one-row INSERT, committed (SQL)', async () => {
        await floorPool.query(`INSERT INTO ${COMMIT_FLOOR_TABLE} DEFAULT VALUES`);
        return true;
      }),
      variant(
        'POST /api/contacts, anonymous',
        http(bearer, 'POST', '/api/contacts', () => contact()),
      ),
      variant(
        'POST /api/contacts, naming a subject (audited)',
        http(bearer, 'POST', '/api/contacts', () => contact('19121212-1212')),
      ),
    ];
    for (const v of variants) await run({ ...v, latencies: [], wrong: 0 }, WARMUP_SECONDS, child.pid);
    for (let round = 0; round < ROUNDS; round++) for (const v of variants) await run(v, SECONDS / ROUNDS, child.pid);
    const results = variants.map(figures);
    const [httpFloor, commitFloor] = results as [Step, Step];
    const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 0.1)) * 100) / 100;
    console.log(
      `\ncontacts at ${RATE}/s, ${SECONDS} s per variant in ${ROUNDS} rounds, evenly paced (target p99 ≤ ${TARGET_P99_MS} ms)`,
    );
    console.table(
      results.map((r) => ({
        variant: r.name,
        'req/s': r.perSecond,
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        'max ms': r.maxMs,
        'p99 / HTTP floor': ratio(r.p99Ms, httpFloor.p99Ms),
        'p99 / commit floor': ratio(r.p99Ms, commitFloor.p99Ms),
        'hub CPU ms/req': r.hubCpuMsPerCall,
        wrong: r.wrong,
      })),
    );
    for (const r of results.slice(2)) {
      console.log(
        `${r.name}: p99 ${r.p99Ms} ms = ${ratio(r.p99Ms, httpFloor.p99Ms)}× the HTTP floor, ` +
          `${ratio(r.p99Ms, commitFloor.p99Ms)}× the commit floor; ` +
          `${r.p99Ms <= TARGET_P99_MS ? 'meets' : 'MISSES'} ${TARGET_P99_MS} ms`,
      );
    }
    if (results.some((r) => r.wrong > 0)) process.exitCode = 1;
  } finally {
    await pool.query(`DELETE FROM hub.contact WHERE created_by = $1`, [GUIDE.id]).catch(() => undefined);
    await pool.query(`DROP TABLE IF EXISTS ${COMMIT_FLOOR_TABLE}`).catch(() => undefined);
    await pool.end();
    await floorPool.end();
    await stopService(child);
    issuer.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
