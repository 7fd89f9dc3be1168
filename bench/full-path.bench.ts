/**
 * Full-path benchmark: the hub and the three agency adapters as separate processes (`node dist/apps/...`, as in
 * production), driven over HTTP by autocannon with bearer tokens, in one run:
 *   1. the floor: the raw amqplib 3-agency scatter-gather of bench/messaging.bench.ts (variant a);
 *   2. POST /api/queries at rising concurrency (token check, consent lookup, policy, scatter-gather to the three
 *      adapters, which decide again and read their registers, audit entry per agency, outcome rows); every answer
 *      is checked to hold three `ok` agency results;
 *   3. POST /api/referrals at rising concurrency, each step timed until its last referral is in its adapter's inbox;
 *      then checks that none is lost or duplicated (hub table, outbox, adapter inboxes, `received` events).
 *
 *   npm run bench:full-path
 *   BENCH_PROFILE=1 npm run bench:full-path          # CPU profiles of hub and adapters into artifacts/profiles
 *   BENCH_CONCURRENCY=32,64 BENCH_STEP_SECONDS=5 BENCH_REFERRALS=3000 npm run bench:full-path
 *
 * It uses its own database and vhost (`hub_bench`, which `npm run bench:full-path` prepares) and ports 3300–3303,
 * and empties the hub's and adapters' tables there (not the append-only audit chain). The adapters answer at once
 * (FAULT_LATENCY_MEDIAN_MS=0) and referrals wait for a caseworker (CASEWORKER=manual): what is measured is the
 * system's own cost. It reports; it exits non-zero only when it could not measure, or an answer or referral was
 * wrong (not when a speed target is missed).
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { ORGANISATIONS, queueName, type StaffRole } from '@hub/contracts';
import { generatePopulation } from '@hub/registers';
import {
  AGENCIES,
  brokerCpuMicros,
  cpuMicros,
  delay,
  deleteAgencyQueues,
  drive,
  machineCpu,
  processCpuMicros,
  rawQueueOf,
  rawRequester,
  ResponderProcess,
  round,
  serveResponders,
  startRawResponders,
} from './support/scatter-gather.js';
import { SERVICE_NODE_ARGS } from '../scripts/service-runtime.js';
import { BenchIssuer } from './support/bench-services.js';

// ---------------------------------------------------------------------------------------------------------------
// Settings

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const list = (name: string, fallback: number[]) => (env[name] ? env[name].split(',').map(Number) : fallback);

const DATABASE_URL = (env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/hub_bench');
env.AMQP_URL ??= 'amqp://127.0.0.1:5672/hub_bench';
const HUB_PORT = num('BENCH_HUB_PORT', 3300);
const ADAPTER_PORTS: Record<string, number> = { fk: HUB_PORT + 1, af: HUB_PORT + 2, skv: HUB_PORT + 3 };
const HUB = `http://127.0.0.1:${HUB_PORT}`;
/** hub instances, as behind a load balancer: the load generator spreads its connections over them */
const HUBS = num('BENCH_HUBS', 1);
const hubPort = (i: number) => (i === 0 ? HUB_PORT : HUB_PORT + 3 + i);
const QUERY_CONCURRENCY = list('BENCH_CONCURRENCY', [8, 32, 64, 96, 128]);
const STEP_SECONDS = num('BENCH_STEP_SECONDS', 10);
const WARMUP_SECONDS = num('BENCH_WARMUP_SECONDS', 5);
const FLOOR_CONCURRENCY = list('BENCH_FLOOR_CONCURRENCY', [32, 64]);
const FLOOR_COUNT = num('BENCH_FLOOR_COUNT', 5000);
const REFERRALS = num('BENCH_REFERRALS', 20_000);
const REFERRAL_CONCURRENCY = list('BENCH_REFERRAL_CONCURRENCY', [32, 128, 256]);
const REFERRALS_PER_STEP = Math.ceil(REFERRALS / REFERRAL_CONCURRENCY.length);
// autocannon refuses more connections than requests; say so before the run rather than after the queries
if (REFERRALS_PER_STEP < Math.max(...REFERRAL_CONCURRENCY)) {
  throw new Error(
    `BENCH_REFERRALS=${REFERRALS} gives ${REFERRALS_PER_STEP} referrals per step, fewer than its concurrency ` +
      `${Math.max(...REFERRAL_CONCURRENCY)}: raise BENCH_REFERRALS or lower BENCH_REFERRAL_CONCURRENCY`,
  );
}
const PEOPLE = num('BENCH_PEOPLE', 500);
const DELIVERY_TIMEOUT_MS = num('BENCH_DELIVERY_TIMEOUT_MS', 180_000);
/** which window to profile: the last query step (`1` or `queries`) or the referrals, created and delivered */
const PROFILE_WINDOW = env.BENCH_PROFILE === 'referrals' ? 'referrals' : env.BENCH_PROFILE ? 'queries' : undefined;
const PROFILE = PROFILE_WINDOW !== undefined;
const ARTIFACTS = 'artifacts';
const RESULTS_FILE = join(ARTIFACTS, 'bench-full-path.json');
const LOG_DIR = join(ARTIFACTS, 'full-path-logs');
const PROFILE_DIR = join(ARTIFACTS, 'profiles');
const METRICS_TOKEN = 'bench-metrics-token-0123456789abcdef';
/** Issue 21: queries at half the floor within the p99 bound, and at least 1,000 a second; referrals 1,000 a second. */
const TARGETS = { queriesPerSecond: 1_000, p99Ms: 100, ratioToFloor: 0.5, referralsPerSecond: 1_000 };

/** What the adapters do for the bench: answer at once, and leave referrals to a caseworker. */
const ADAPTER_ENV = {
  FAULT_LATENCY_MEDIAN_MS: '0',
  FAULT_LATENCY_P99_MS: '0',
  FAULT_ERROR_RATE: '0',
  CASEWORKER: 'manual',
  // PostgreSQL's 100 connections are shared with everyone's tests on this machine; 6 keep up with 2 cores
  DATABASE_POOL_SIZE: '6',
};

// ---------------------------------------------------------------------------------------------------------------
// Tokens: an issuer of the bench's own, trusted by the hub and the adapters through AUTH_JWKS_FILE

// made on first use: the floor's responders run this file too, and need no issuer
let issuerOnce: BenchIssuer | undefined;
const issuer = () => (issuerOnce ??= new BenchIssuer('idp'));

interface Staff {
  id: string;
  organisation: string;
  unit?: string;
  roles: StaffRole[];
}
const GUIDE: Staff = { id: 'anna.guide', organisation: ORGANISATIONS.orebro, unit: 'Servicecenter', roles: ['guide'] };
const MUNICIPALITY_ADMIN: Staff = {
  id: 'maria.admin',
  organisation: ORGANISATIONS.orebro,
  unit: 'Servicecenter',
  roles: ['admin'],
};
const agencyStaff = (agency: string, role: StaffRole): Staff => ({
  id: `${agency}.${role}`,
  organisation: ORGANISATIONS[agency as 'fk'],
  roles: [role],
});

function tokenFor(user: Staff, expiresIn = '2h'): Promise<string> {
  return issuer().token(user, expiresIn);
}

async function call(
  base: string,
  method: string,
  path: string,
  as: Staff,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await tokenFor(as)}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The system as separate processes

interface Service {
  name: string;
  child: ChildProcess;
  url: string;
  profileFile?: string;
}

const services: Service[] = [];

function startService(name: string, entry: string, port: number, extraEnv: Record<string, string>): Service {
  mkdirSync(LOG_DIR, { recursive: true });
  const profileFile = PROFILE ? resolve(PROFILE_DIR, `full-path-${name}.cpuprofile`) : undefined;
  const child = spawn(
    process.execPath,
    [
      ...SERVICE_NODE_ARGS,
      ...(PROFILE ? ['--import', resolve('dist/bench/support/profiler-preload.js')] : []),
      resolve(entry),
    ],
    {
      env: {
        ...process.env,
        ...issuer().hubEnv(),
        DATABASE_URL,
        PORT: String(port),
        ...extraEnv,
        ...(profileFile && { BENCH_PROFILE_FILE: profileFile }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(join(LOG_DIR, `${name}.log`));
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const service = { name, child, url: `http://127.0.0.1:${port}`, profileFile };
  child.once('exit', (code, signal) => {
    if (!stopping)
      console.error(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}); see ${LOG_DIR}/${name}.log`);
  });
  services.push(service);
  return service;
}

let stopping = false;
async function stopServices(): Promise<void> {
  stopping = true;
  issuerOnce?.dispose();
  await Promise.all(
    services.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      if (await Promise.race([exited.then(() => false), delay(10_000).then(() => true)])) child.kill('SIGKILL');
    }),
  );
}

async function waitReady(service: Service): Promise<void> {
  await waitFor(
    `${service.name} to be ready`,
    async () => {
      if (service.child.exitCode !== null)
        throw new Error(`${service.name} exited; see ${LOG_DIR}/${service.name}.log`);
      return (await fetch(`${service.url}/health/ready`)).ok;
    },
    180_000,
  );
}

/** The hub's and the adapters' tables emptied, and their queues deleted, so that every run starts alike. */
async function resetState(pool: pg.Pool): Promise<void> {
  const truncate = (tables: string) => pool.query(`TRUNCATE ${tables} CASCADE`).catch(() => undefined);
  await truncate(
    `hub.agreement_event, hub.agreement_version, hub.agreement, hub.consent, hub.agency_catalogue,
     hub.protected_subject, hub.referral_event, hub.referral, hub.outbox, hub.query_outcome`,
  );
  for (const agency of AGENCIES) {
    await truncate(`${agency}.agreement_version, ${agency}.revoked_consent, ${agency}.referral_event,
       ${agency}.referral, ${agency}.outbox`);
  }
  await deleteAgencyQueues((agency) => [
    rawQueueOf(agency),
    ...['queries', 'referrals', 'events'].map((q) => queueName(`adapter-${agency}`, q)),
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// CPU accounting per process during a step

interface CpuSnapshot {
  own: number;
  services: Record<string, number | undefined>;
  broker?: number;
  machine: { busy: number; total: number };
  at: number;
}

function cpuSnapshot(): CpuSnapshot {
  return {
    own: cpuMicros(process.cpuUsage()),
    services: Object.fromEntries(services.map((s) => [s.name, processCpuMicros(s.child.pid)])),
    broker: brokerCpuMicros(),
    machine: machineCpu(),
    at: Date.now(),
  };
}

/** CPU per process as a share of one core, and the machine's busy share (all cores) with what others took. */
function cpuBetween(before: CpuSnapshot, after: CpuSnapshot) {
  const wallUs = Math.max(1, (after.at - before.at) * 1000);
  const core = (us: number | undefined) => (us === undefined ? undefined : round((100 * us) / wallUs, 0));
  const perService = Object.fromEntries(
    services.map((s) => [s.name, core((after.services[s.name] ?? 0) - (before.services[s.name] ?? 0))]),
  );
  const broker = before.broker !== undefined && after.broker !== undefined ? after.broker - before.broker : undefined;
  const own = after.own - before.own;
  const ownedUs =
    own + Object.keys(perService).reduce((s, n) => s + ((after.services[n] ?? 0) - (before.services[n] ?? 0)), 0);
  const totalMs = Math.max(1, after.machine.total - before.machine.total);
  const busyMs = after.machine.busy - before.machine.busy;
  const hubUs = services
    .filter((s) => s.name === 'hub' || s.name.startsWith('hub-'))
    .reduce((sum, s) => sum + ((after.services[s.name] ?? 0) - (before.services[s.name] ?? 0)), 0);
  return {
    /** % of one core */
    loadGenerator: core(own),
    ...perService,
    /** every hub instance together */
    hub: core(hubUs),
    broker: core(broker),
    /** % of all cores */
    machineBusy: round((100 * busyMs) / totalMs, 0),
    /** % of all cores not taken by the bench, the services or the broker (PostgreSQL and other work) */
    postgresAndOthers: Math.max(0, round((100 * (busyMs - (ownedUs + (broker ?? 0)) / 1000)) / totalMs, 0)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. The floor: raw amqplib scatter-gather, before the system starts (so no adapter queue gets copies)

interface FloorResult {
  concurrency: number;
  queries: number;
  failed: number;
  queriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpu: ReturnType<typeof cpuBetween>;
}

async function measureFloor(): Promise<FloorResult[]> {
  const responders = await ResponderProcess.start(fileURLToPath(import.meta.url), ['responders']);
  const requester = await rawRequester();
  const results: FloorResult[] = [];
  try {
    await drive(requester, 32, Math.round(FLOOR_COUNT / 5), 20_000);
    for (const concurrency of FLOOR_CONCURRENCY) {
      const before = cpuSnapshot();
      const run = await drive(requester, concurrency, FLOOR_COUNT, 30_000);
      const cpu = cpuBetween(before, cpuSnapshot());
      results.push({
        concurrency,
        queries: run.done,
        failed: run.failed,
        queriesPerSecond: round(run.done / run.seconds, 0),
        p50Ms: round(run.p50, 2),
        p99Ms: round(run.p99, 2),
        cpu,
      });
      console.log(
        `  floor c=${concurrency}: ${results.at(-1)!.queriesPerSecond} q/s, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms` +
          (run.failed ? `, FAILED ${run.failed}: ${JSON.stringify(run.failures)}` : ''),
      );
    }
  } finally {
    await requester.close();
    await responders.stop();
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// 2. and 3. HTTP load with autocannon

interface StepResult {
  concurrency: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** answers that were not right: not three `ok` results (queries), or no referral id (referrals) */
  wrongAnswers: number;
  wrongExamples: string[];
  ratioToFloor?: number;
  cpu: ReturnType<typeof cpuBetween>;
}

interface ReferralStepResult extends StepResult {
  /** this step's referrals in their adapters' inboxes */
  delivered: number;
  /** from the step's first request until its last referral was in an inbox */
  endToEndSeconds: number;
  deliveredPerSecond: number;
}

interface LoadOptions {
  path: string;
  concurrency: number;
  seconds?: number;
  amount?: number;
  token: string;
  body: () => string;
  /** undefined when the answer is right, otherwise what is wrong with it */
  check: (status: number, body: string) => string | undefined;
}

async function load(options: LoadOptions): Promise<StepResult> {
  let wrong = 0;
  const examples: string[] = [];
  const before = cpuSnapshot();
  const startedMs = performance.now();
  let lastResponseMs = startedMs;
  const result = await autocannon({
    // autocannon spreads the connections over several URLs; its types know only one
    url: (HUBS === 1
      ? `${HUB}${options.path}`
      : Array.from({ length: HUBS }, (_, i) => `http://127.0.0.1:${hubPort(i)}${options.path}`)) as string,
    connections: options.concurrency,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? STEP_SECONDS }),
    timeout: 10,
    // a run of a given amount ends at the first sample after its last answer: the default 1 s adds up to a second
    sampleInt: 100,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: options.body() }),
        onResponse: (status, body) => {
          lastResponseMs = performance.now();
          const problem = options.check(status, body);
          if (problem === undefined) return;
          wrong++;
          if (examples.length < 5) examples.push(problem.slice(0, 300));
        },
      },
    ],
  });
  const cpu = cpuBetween(before, cpuSnapshot());
  const requests = result['2xx'] + result.non2xx;
  const seconds = options.amount ? (lastResponseMs - startedMs) / 1000 : result.duration;
  return {
    concurrency: options.concurrency,
    requests,
    perSecond: round(result['2xx'] / seconds, 0),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    wrongAnswers: wrong,
    wrongExamples: examples,
    cpu,
  };
}

function checkQueryAnswer(status: number, body: string): string | undefined {
  if (status !== 200) return `${status}: ${body}`;
  try {
    const answer = JSON.parse(body) as { results?: Array<{ agency: string; status: string; reason?: string }> };
    const results = answer.results ?? [];
    if (results.length !== 3 || results.some((r) => r.status !== 'ok'))
      return `not three ok results: ${JSON.stringify(results.map((r) => [r.agency, r.status, r.reason]))}`;
    return undefined;
  } catch {
    return `not JSON: ${body}`;
  }
}

async function signal(service: Service, sig: NodeJS.Signals): Promise<void> {
  if (service.child.pid) process.kill(service.child.pid, sig);
  await delay(50);
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  console.log(
    `full-path bench: node ${process.version}, ${cpus().length} CPUs, load average before ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}; database ${new URL(DATABASE_URL).pathname.slice(1)}, vhost ${new URL(env.AMQP_URL!).pathname.slice(1)}`,
  );
  if (!existsSync('dist/apps/hub/src/main.js')) throw new Error('run `npm run build` first (dist/ is missing)');
  if (PROFILE) mkdirSync(PROFILE_DIR, { recursive: true });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  try {
    await resetState(pool);

    console.log('1. floor: raw amqplib scatter-gather to three responders');
    const floor = await measureFloor();
    await deleteAgencyQueues((agency) => [rawQueueOf(agency)]);
    const floorBest = Math.max(...floor.map((f) => f.queriesPerSecond));

    console.log(`starting ${HUBS === 1 ? 'the hub' : `${HUBS} hub instances`} and the three adapters`);
    const hub = startService('hub', 'dist/apps/hub/src/main.js', HUB_PORT, {
      DEMO_AGREEMENTS: 'false',
      METRICS_TOKEN,
    });
    await waitReady(hub);
    for (let i = 1; i < HUBS; i++) {
      const another = startService(`hub-${i + 1}`, 'dist/apps/hub/src/main.js', hubPort(i), {
        DEMO_AGREEMENTS: 'false',
        METRICS_TOKEN,
      });
      await waitReady(another);
    }
    const adapters = AGENCIES.map((agency) =>
      startService(agency, `dist/apps/adapter-${agency}/src/main.js`, ADAPTER_PORTS[agency], ADAPTER_ENV),
    );
    await Promise.all(adapters.map(waitReady));
    const catalogues = await setUpAgreements();
    const people = await recordConsents(catalogues);

    console.log(
      `2. POST /api/queries, ${people.length} people, 3 agencies each, ${STEP_SECONDS} s per step after ${WARMUP_SECONDS} s warm-up`,
    );
    const guideToken = await tokenFor(GUIDE, '4h');
    let next = 0;
    const queryBody = () =>
      JSON.stringify({ subject: people[next++ % people.length], purpose: 'vagledning', agencies: [...AGENCIES] });
    await load({
      path: '/api/queries',
      concurrency: 32,
      seconds: WARMUP_SECONDS,
      token: guideToken,
      body: queryBody,
      check: checkQueryAnswer,
    });
    const queries: StepResult[] = [];
    for (const concurrency of QUERY_CONCURRENCY) {
      const profiled = PROFILE_WINDOW === 'queries' && concurrency === QUERY_CONCURRENCY.at(-1);
      if (profiled) for (const s of services) await signal(s, 'SIGWINCH');
      const step = await load({
        path: '/api/queries',
        concurrency,
        token: guideToken,
        body: queryBody,
        check: checkQueryAnswer,
      });
      if (profiled) for (const s of services) await signal(s, 'SIGWINCH');
      step.ratioToFloor = round(step.perSecond / floorBest, 3);
      queries.push(step);
      console.log(`  ${describe(step)}`);
    }

    await saveHubMetrics('queries');
    console.log(`3. POST /api/referrals: ${REFERRALS} referrals over concurrency ${REFERRAL_CONCURRENCY.join(', ')}`);
    const referralTypes = Object.fromEntries(catalogues.map((c) => [c.agency, c.referralTypes[0]!.code]));
    const created = new Set<string>();
    let duplicateIds = 0;
    let referralNo = 0;
    const referralBody = () => {
      const agency = AGENCIES[referralNo % AGENCIES.length];
      const subject = people[Math.floor(referralNo / AGENCIES.length) % people.length];
      referralNo++;
      return JSON.stringify({
        subject,
        agency,
        referralType: referralTypes[agency],
        purpose: 'vagledning',
        message: 'Behöver hjälp att komma igång; ring gärna förmiddag.',
        contactPreference: 'phone',
      });
    };
    const referralSteps: ReferralStepResult[] = [];
    if (PROFILE_WINDOW === 'referrals') for (const s of services) await signal(s, 'SIGWINCH');
    let deliveredBefore = 0;
    // each step ends when its last referral is in its inbox, so that no step inherits the one before's backlog
    for (const [i, concurrency] of REFERRAL_CONCURRENCY.entries()) {
      const amount = Math.min(REFERRALS_PER_STEP, REFERRALS - i * REFERRALS_PER_STEP);
      if (amount <= 0) break;
      const stepStarted = Date.now();
      const step = await load({
        path: '/api/referrals',
        concurrency,
        amount,
        token: guideToken,
        body: referralBody,
        check: (status, body) => {
          if (status !== 201) return `${status}: ${body}`;
          const id = (JSON.parse(body) as { id?: string }).id;
          if (!id) return `no id: ${body}`;
          if (created.has(id)) duplicateIds++;
          created.add(id);
          return undefined;
        },
      });
      const delivered = await awaitInboxes(pool, created.size);
      const endToEndMs = delivered.at - stepStarted;
      const deliveredInStep = delivered.count - deliveredBefore;
      const referralStep: ReferralStepResult = {
        ...step,
        delivered: deliveredInStep,
        endToEndSeconds: round(endToEndMs / 1000, 2),
        deliveredPerSecond: round((1000 * deliveredInStep) / endToEndMs, 0),
      };
      deliveredBefore = delivered.count;
      referralSteps.push(referralStep);
      console.log(`  ${describe(step)}  delivered ${referralStep.deliveredPerSecond}/s end to end`);
    }
    const delivery = await checkDelivery(pool, created.size);
    if (PROFILE_WINDOW === 'referrals') for (const s of services) await signal(s, 'SIGWINCH');
    await saveHubMetrics('referrals');

    const results = {
      at: startedAt.toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadAverageAfter: loadavg(),
      settings: {
        adapters: ADAPTER_ENV,
        people: people.length,
        stepSeconds: STEP_SECONDS,
        referrals: REFERRALS,
        database: new URL(DATABASE_URL).pathname.slice(1),
      },
      floor,
      floorBestQueriesPerSecond: floorBest,
      queries,
      referrals: {
        steps: referralSteps,
        created: created.size,
        duplicateIdsOverHttp: duplicateIds,
        ...delivery,
      },
      targets: TARGETS,
    };
    const verdicts = judge(results);
    printTables(results, verdicts);
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...results, verdicts }, null, 2)}\n`);
    console.log(`\nresults written to ${RESULTS_FILE}`);
    const wrong =
      queries.some((q) => q.wrongAnswers > 0) ||
      referralSteps.some((r) => r.wrongAnswers > 0) ||
      delivery.lost > 0 ||
      delivery.duplicated > 0 ||
      duplicateIds > 0;
    if (wrong) process.exitCode = 3;
  } finally {
    if (PROFILE) await delay(1_000);
    await stopServices();
    await pool.end();
  }
}

/** The hub's own view (agency latency, audit append time) next to the results, to tell where time went. */
async function saveHubMetrics(after: string): Promise<void> {
  const response = await fetch(`${HUB}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await response.text();
  writeFileSync(join(LOG_DIR, `hub-metrics-after-${after}.txt`), text);
  const sums = new Map<string, { sum: number; count: number }>();
  for (const line of text.split('\n')) {
    const match = /^(samtjanst_\w+)_(sum|count)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!match) continue;
    const key = `${match[1]}${match[3] ?? ''}`;
    const entry = sums.get(key) ?? { sum: 0, count: 0 };
    entry[match[2] as 'sum' | 'count'] = Number(match[4]);
    sums.set(key, entry);
  }
  for (const [key, { sum, count }] of sums) {
    if (count > 0) console.log(`  hub metric ${key}: mean ${((1000 * sum) / count).toFixed(2)} ms over ${count}`);
  }
}

function describe(s: StepResult): string {
  return (
    `c=${String(s.concurrency).padEnd(4)} ${String(s.perSecond).padStart(6)}/s  p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms` +
    `  non-2xx ${s.non2xx}  errors ${s.errors}  wrong ${s.wrongAnswers}` +
    (s.ratioToFloor !== undefined ? `  ${s.ratioToFloor.toFixed(2)}x floor` : '') +
    `  cpu ${JSON.stringify(s.cpu)}` +
    (s.wrongExamples.length ? `\n    e.g. ${s.wrongExamples.join('\n    ')}` : '')
  );
}

interface Catalogue {
  agency: string;
  organisation: string;
  categories: Array<{ code: string; secrecyClass: string }>;
  referralTypes: Array<{ code: string }>;
}

/** An agreement with each agency, registered and proposed by the municipality and approved by the agency. */
async function setUpAgreements(): Promise<Catalogue[]> {
  let catalogues: Catalogue[] = [];
  await waitFor('the three catalogues', async () => {
    catalogues = (await call(HUB, 'GET', '/api/catalogues', GUIDE)).body as Catalogue[];
    return AGENCIES.every((a) => catalogues.some((c) => c.agency === a));
  });
  const year = new Date().getUTCFullYear();
  for (const agency of AGENCIES) {
    const catalogue = catalogues.find((c) => c.agency === agency)!;
    const categories = catalogue.categories.filter((c) => c.secrecyClass !== 'never').map((c) => c.code);
    const created = await call(HUB, 'POST', '/api/agreements', MUNICIPALITY_ADMIN, {
      title: `Bench – ${agency}`,
      municipality: { organisation: ORGANISATIONS.orebro, unit: 'Servicecenter' },
      agency: { organisation: catalogue.organisation },
      validFrom: `${year}-01-01`,
      validTo: `${year + 1}-12-31`,
      purposes: {
        // on consent, so that every query and referral goes through the consent lookup
        vagledning: {
          categories,
          referralTypes: catalogue.referralTypes.map((r) => r.code),
          roles: ['guide', 'caseworker'],
          consentRequired: true,
        },
      },
    });
    if (created.status !== 201) throw new Error(`agreement with ${agency}: ${JSON.stringify(created.body)}`);
    const id = (created.body as { id: string }).id;
    await call(HUB, 'POST', `/api/agreements/${id}/propose`, MUNICIPALITY_ADMIN, {});
    const approved = await call(HUB, 'POST', `/api/agreements/${id}/approve`, agencyStaff(agency, 'agency-admin'), {});
    if ((approved.body as { status?: string } | undefined)?.status !== 'active')
      throw new Error(`agreement with ${agency}: ${JSON.stringify(approved.body)}`);
    const adapter = `http://127.0.0.1:${ADAPTER_PORTS[agency]}`;
    await waitFor(`${agency} to enforce the agreement`, async () => {
      const { body } = await call(adapter, 'GET', '/api/agreements', agencyStaff(agency, 'caseworker'));
      return (
        Array.isArray(body) &&
        (body as Array<{ id: string; status: string }>).some((v) => v.id === id && v.status === 'active')
      );
    });
  }
  return catalogues;
}

/** Adults of the register without protected identity, each with a consent to all three agencies. */
async function recordConsents(catalogues: Catalogue[]): Promise<string[]> {
  const population = generatePopulation({ seed: num('REGISTER_SEED', 20_251_123), size: num('REGISTER_SIZE', 10_000) });
  const people = population.people
    .filter((p) => p.protectedIdentity === null && !p.coordinationNumber && p.birthDate < '2000-01-01')
    .slice(0, PEOPLE)
    .map((p) => p.subject);
  const categories = catalogues.flatMap((c) =>
    c.categories.filter((x) => x.secrecyClass !== 'never').map((x) => x.code),
  );
  const until = new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < people.length; i += 20) {
    await Promise.all(
      people.slice(i, i + 20).map(async (subject) => {
        const { status, body } = await call(HUB, 'POST', '/api/consents', GUIDE, {
          subject,
          purposes: ['vagledning'],
          agencies: [...AGENCIES],
          categories,
          method: 'in-person-written',
          validUntil: until,
        });
        if (status !== 201) throw new Error(`consent: ${status} ${JSON.stringify(body)}`);
      }),
    );
  }
  console.log(`consents recorded for ${people.length} people`);
  return people;
}

function inboxRows(): string {
  return AGENCIES.map((a) => `SELECT id FROM ${a}.referral`).join(' UNION ALL ');
}

/** Waits until the adapters' inboxes hold `expected` referrals (or the time is up): how many, and when. */
async function awaitInboxes(pool: pg.Pool, expected: number): Promise<{ count: number; at: number }> {
  const count = async () => Number((await pool.query(`SELECT count(*) AS n FROM (${inboxRows()}) x`)).rows[0].n);
  const until = Date.now() + DELIVERY_TIMEOUT_MS;
  let delivered = await count();
  while (delivered < expected && Date.now() < until) {
    await delay(100);
    delivered = await count();
  }
  return { count: delivered, at: Date.now() };
}

/** After the last step: counts what was lost or doubled between the hub and the inboxes. */
async function checkDelivery(pool: pg.Pool, expected: number) {
  const inboxes = inboxRows();
  // a late duplicate would come after the last first delivery: give it a moment
  await delay(2_000);
  const { rows } = await pool.query(`
    SELECT
      (SELECT count(*) FROM hub.referral) AS hub_referrals,
      (SELECT count(*) FROM hub.outbox) AS hub_outbox_left,
      (SELECT count(*) FROM (${inboxes}) x) AS inbox_rows,
      (SELECT count(DISTINCT id) FROM (${inboxes}) x) AS inbox_distinct,
      (SELECT count(*) FROM hub.referral h WHERE NOT EXISTS (SELECT 1 FROM (${inboxes}) x WHERE x.id = h.id)) AS lost,
      (SELECT count(*) FROM (${inboxes}) x WHERE NOT EXISTS (SELECT 1 FROM hub.referral h WHERE h.id = x.id)) AS unknown,
      (SELECT count(*) - count(DISTINCT referral_id) FROM (${AGENCIES.map(
        (a) => `SELECT referral_id FROM ${a}.referral_event WHERE status = 'received'`,
      ).join(' UNION ALL ')}) e) AS duplicate_received_events,
      (SELECT count(*) FROM hub.referral_event WHERE status = 'received') AS hub_received_events`);
  const r = rows[0] as Record<string, string>;
  const n = (k: string) => Number(r[k]);
  return {
    delivered: n('inbox_distinct'),
    hubReferrals: n('hub_referrals'),
    hubOutboxLeft: n('hub_outbox_left'),
    inboxRows: n('inbox_rows'),
    lost: n('lost') + Math.max(0, expected - n('hub_referrals')),
    duplicated: n('inbox_rows') - n('inbox_distinct') + n('duplicate_received_events'),
    unknownInInbox: n('unknown'),
    hubReceivedEvents: n('hub_received_events'),
  };
}

type Results = {
  floor: FloorResult[];
  floorBestQueriesPerSecond: number;
  queries: StepResult[];
  referrals: { steps: ReferralStepResult[]; lost: number; duplicated: number; duplicateIdsOverHttp: number };
};

function judge(r: Results) {
  // the best step that keeps p99 within the target
  const withinP99 = r.queries.filter((q) => q.p99Ms <= TARGETS.p99Ms && q.wrongAnswers === 0 && q.non2xx === 0);
  const best = withinP99.sort((a, b) => b.perSecond - a.perSecond)[0];
  const fastest = [...r.queries].sort((a, b) => b.perSecond - a.perSecond)[0];
  // a referral counts once it is created and in its inbox: the step's slower of the two rates
  const referralRate = (s: ReferralStepResult) => Math.min(s.perSecond, s.deliveredPerSecond);
  const bestReferral = r.referrals.steps
    .filter((s) => s.wrongAnswers === 0 && s.non2xx === 0)
    .sort((a, b) => referralRate(b) - referralRate(a))[0];
  return {
    // whatever its p99, so that a miss still says how far off it is
    fastestStep: fastest
      ? {
          concurrency: fastest.concurrency,
          perSecond: fastest.perSecond,
          p99Ms: fastest.p99Ms,
          ratioToFloor: round(fastest.perSecond / r.floorBestQueriesPerSecond, 3),
        }
      : null,
    bestStepWithinP99: best ? { concurrency: best.concurrency, perSecond: best.perSecond, p99Ms: best.p99Ms } : null,
    queriesPerSecond: { required: TARGETS.queriesPerSecond, actual: best?.perSecond ?? 0 },
    queriesMet: (best?.perSecond ?? 0) >= TARGETS.queriesPerSecond,
    ratioToFloor: {
      required: TARGETS.ratioToFloor,
      actual: best ? round(best.perSecond / r.floorBestQueriesPerSecond, 3) : 0,
    },
    ratioMet: best ? best.perSecond / r.floorBestQueriesPerSecond >= TARGETS.ratioToFloor : false,
    bestReferralStep: bestReferral
      ? {
          concurrency: bestReferral.concurrency,
          createdPerSecond: bestReferral.perSecond,
          deliveredPerSecond: bestReferral.deliveredPerSecond,
        }
      : null,
    referralsMet:
      (bestReferral ? referralRate(bestReferral) : 0) >= TARGETS.referralsPerSecond &&
      r.referrals.lost === 0 &&
      r.referrals.duplicated === 0 &&
      r.referrals.duplicateIdsOverHttp === 0,
  };
}

function printTables(r: Results & { referrals: Record<string, unknown> }, v: ReturnType<typeof judge>) {
  console.log(
    '\n| what | conc | per s | delivered per s | p50 ms | p99 ms | non-2xx / errors | wrong | vs floor | hub CPU | adapters CPU | broker CPU | machine busy (PG + others) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const adaptersCpu = (cpu: Record<string, number | undefined>) =>
    AGENCIES.map((a) => `${cpu[a] ?? '-'}`).join('/') + ' %';
  for (const f of r.floor) {
    console.log(
      `| floor: raw amqplib | ${f.concurrency} | ${f.queriesPerSecond} | - | ${f.p50Ms} | ${f.p99Ms} | - | ${f.failed} | 1.00x | - | - | ${f.cpu.broker ?? '-'} % | ${f.cpu.machineBusy} % (${f.cpu.postgresAndOthers} %) |`,
    );
  }
  const row = (what: string, s: StepResult & { deliveredPerSecond?: number }) => {
    const cpu = s.cpu as Record<string, number | undefined>;
    console.log(
      `| ${what} | ${s.concurrency} | ${s.perSecond} | ${s.deliveredPerSecond ?? '-'} | ${s.p50Ms} | ${s.p99Ms} | ${s.non2xx} / ${s.errors} | ${s.wrongAnswers} | ${s.ratioToFloor === undefined ? '-' : `${s.ratioToFloor.toFixed(2)}x`} | ${cpu.hub ?? '-'} % | ${adaptersCpu(cpu)} | ${cpu.broker ?? '-'} % | ${s.cpu.machineBusy} % (${s.cpu.postgresAndOthers} %) |`,
    );
  };
  for (const s of r.queries) row('POST /api/queries', s);
  for (const s of r.referrals.steps) row('POST /api/referrals', s);
  const ref = r.referrals;
  console.log(
    `\nreferrals: ${String(ref.created)} created over HTTP, ${String(ref.delivered)} in their inboxes; lost ${ref.lost}, duplicated ${ref.duplicated}; hub outbox left ${String(ref.hubOutboxLeft)}`,
  );
  console.log(
    `targets: >= ${TARGETS.queriesPerSecond} queries/s with p99 <= ${TARGETS.p99Ms} ms: ${v.queriesMet ? 'MET' : 'MISSED'} (best within p99 ${JSON.stringify(v.bestStepWithinP99)}, fastest ${JSON.stringify(v.fastestStep)}); ` +
      `>= ${TARGETS.ratioToFloor}x floor: ${v.ratioMet ? 'MET' : 'MISSED'} (${v.ratioToFloor.actual}x); ` +
      `>= ${TARGETS.referralsPerSecond} referrals/s created and delivered, none lost or doubled: ${v.referralsMet ? 'MET' : 'MISSED'} (best step ${JSON.stringify(v.bestReferralStep)})`,
  );
}

if (process.argv[2] === 'responders') {
  void serveResponders('raw', startRawResponders);
} else {
  const abort = setTimeout(() => {
    console.error('full-path bench: aborted after 20 minutes');
    void stopServices().finally(() => process.exit(2));
  }, 20 * 60_000);
  abort.unref();
  main().then(
    () => process.exit(),
    async (err: unknown) => {
      console.error(err);
      await stopServices();
      process.exit(1);
    },
  );
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => void stopServices().finally(() => process.exit(130)));
  }
}
