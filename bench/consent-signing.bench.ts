/**
 * `npm run bench:consent-signing` (also part of `npm run bench`): the consent signing round trip at the desk in hub
 * time (issue 19's measure: under 1 s, the citizen's think time excluded). The hub and the mock e-legitimation
 * provider run as their own processes, as in production. Each round a guide starts a signing
 * (POST /api/consent-signings: the hub writes the text and starts an order at the provider), the citizen signs on the
 * simulated phone (not hub time), and the guide's page asks every 100 ms until the hub has verified the signature
 * and stored the consent (GET /api/consent-signings/{id}). Hub time is the start's answer plus the answer of the poll
 * that stored it. Beside it, in the same rounds: recording a consent by hand (POST /api/consents, in-person-written),
 * the stored-consent floor, and GET /api/auth/me, the HTTP and token floor. Prints p50/p99/max and the ratios.
 *
 *   npm run bench:consent-signing
 *   BENCH_SIGNING_ROUNDS=100 npm run bench:consent-signing
 *
 * Its own database and vhost (`hub_bench`), ports 3320 (hub) and 3321 (provider); it deletes what it stored and its
 * temporary files. It exits non-zero only when it could not measure or an answer was wrong.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { catalogueOf } from '@hub/adapter-kit';
import { ORGANISATIONS } from '@hub/contracts';
import { generatePopulation } from '@hub/registers';
import { FK_ADAPTER } from '../apps/adapter-fk/src/fk.adapter.js';
import { DEFAULT_POPULATION } from '../apps/eid-provider/src/config.js';
import { signOnPhone } from '../apps/eid-provider/src/simulated-phone.js';
import { BenchIssuer, spawnService, stopService, untilReady } from './support/bench-services.js';
import { delay } from './support/scatter-gather.js';

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const DATABASE_URL = (env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/hub_bench');
env.AMQP_URL ??= 'amqp://127.0.0.1:5672/hub_bench';
const HUB_PORT = num('BENCH_HUB_PORT', 3320);
const EID_PORT = num('BENCH_EID_PORT', 3321);
const HUB = `http://127.0.0.1:${HUB_PORT}`;
const EID = `http://127.0.0.1:${EID_PORT}`;
const ROUNDS = num('BENCH_SIGNING_ROUNDS', 40);
const WARMUP_ROUNDS = 3;
const TARGET_MS = 1_000;
const LOG_DIR = join('artifacts', 'consent-signing-logs');

const issuer = new BenchIssuer('consent-signing');
const GUIDE = {
  id: 'bench.signing-guide',
  organisation: ORGANISATIONS.orebro,
  unit: 'Servicecenter',
  roles: ['guide'],
};

const dashed = (subject: string) => `${subject.slice(0, 8)}-${subject.slice(8)}`;
const validUntil = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
const terms = (subject: string) => ({
  subject: dashed(subject),
  purposes: ['vagledning'],
  agencies: ['fk'],
  categories: ['fk.utbetalningar', 'fk.pagaende-arenden'],
  validUntil: validUntil(),
});

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round1 = (ms: number) => Math.round(ms * 10) / 10;

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  // the hub takes the agencies' catalogues from their adapters' announcements; a fresh bench database has none yet
  const fk = catalogueOf(FK_ADAPTER);
  await pool.query(
    `INSERT INTO hub.agency_catalogue (agency, organisation, name, categories, referral_types, announced_at, message_id)
     VALUES ($1, $2, $3, $4, $5, now(), gen_random_uuid()) ON CONFLICT (agency) DO NOTHING`,
    [fk.agency, fk.organisation, fk.name, JSON.stringify(fk.categories), JSON.stringify(fk.referralTypes)],
  );
  const eid = spawnService(LOG_DIR, 'eid-provider', 'dist/apps/eid-provider/src/main.js', {
    PORT: String(EID_PORT),
    EID_DATA_DIR: join(issuer.dir, 'eid'),
    HUB_URL: HUB,
  });
  const hub = spawnService(LOG_DIR, 'hub', 'dist/apps/hub/src/main.js', {
    ...issuer.hubEnv(),
    DATABASE_URL,
    PORT: String(HUB_PORT),
    DEMO_AGREEMENTS: 'false',
    EID_ISSUER: EID,
    EID_SIGNING_URL: `${EID}/signing/v1/`,
  });
  try {
    await untilReady(eid, `${EID}/.well-known/openid-configuration`, `${LOG_DIR}/eid-provider.log`);
    await untilReady(hub, `${HUB}/health/ready`, `${LOG_DIR}/hub.log`);
    const bearer = await issuer.token(GUIDE);
    const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
      const startedAt = performance.now();
      const response = await fetch(`${HUB}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - startedAt };
    };
    const citizens = generatePopulation(DEFAULT_POPULATION)
      .people.filter((person) => person.householdRole === 'adult' && !person.coordinationNumber)
      .slice(0, WARMUP_ROUNDS + ROUNDS);
    const signing: number[] = [];
    const byHand: number[] = [];
    const floor: number[] = [];
    let wrong = 0;
    for (const [i, person] of citizens.entries()) {
      const started = await call('POST', '/api/consent-signings', terms(person.subject));
      if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
      const phone = await signOnPhone(started.body.qrData, person.subject);
      if (phone.status !== 200) wrong++;
      let finished: Answer | undefined;
      for (let attempt = 0; attempt < 100 && !finished; attempt++) {
        const polled = await call('GET', `/api/consent-signings/${started.body.id}`);
        if (polled.status !== 200 || polled.body.status !== 'pending') finished = polled;
        else await delay(100);
      }
      if (finished?.body?.status !== 'complete') wrong++;
      const recorded = await call('POST', '/api/consents', { ...terms(person.subject), method: 'in-person-written' });
      if (recorded.status !== 201) wrong++;
      const me = await call('GET', '/api/auth/me');
      if (me.status !== 200) wrong++;
      if (i < WARMUP_ROUNDS) continue;
      signing.push(started.ms + (finished?.ms ?? Number.NaN));
      byHand.push(recorded.ms);
      floor.push(me.ms);
    }
    const rows = [
      ['consent signing, hub time (start + the poll that stores)', signing],
      ['baseline: POST /api/consents, in-person-written', byHand],
      ['baseline: GET /api/auth/me (HTTP, token)', floor],
    ] as const;
    const floorP99 = percentile(floor, 99);
    console.log(
      `\nconsent signing at the desk, ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up (target under ${TARGET_MS} ms)`,
    );
    console.table(
      rows.map(([name, values]) => ({
        variant: name,
        'p50 ms': round1(percentile(values, 50)),
        'p99 ms': round1(percentile(values, 99)),
        'max ms': round1(Math.max(...values)),
        'p99 / HTTP floor': Math.round((percentile(values, 99) / floorP99) * 100) / 100,
      })),
    );
    const signingP99 = percentile(signing, 99);
    console.log(
      `signing round trip: p99 ${round1(signingP99)} ms of hub time = ` +
        `${Math.round((signingP99 / percentile(byHand, 99)) * 100) / 100}× recording a consent by hand, ` +
        `${Math.round((signingP99 / floorP99) * 100) / 100}× the HTTP floor; ` +
        `${signingP99 < TARGET_MS ? 'meets' : 'MISSES'} the target of under ${TARGET_MS} ms; wrong answers ${wrong}`,
    );
    if (wrong > 0) process.exitCode = 1;
  } finally {
    await pool.query(`DELETE FROM hub.consent_signing WHERE requested_by = $1`, [GUIDE.id]).catch(() => undefined);
    await pool.query(`DELETE FROM hub.consent WHERE recorded_by = $1`, [GUIDE.id]).catch(() => undefined);
    await pool.end();
    await Promise.all([stopService(hub), stopService(eid)]);
    issuer.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
