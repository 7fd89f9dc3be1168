/**
 * Scale-out on the real engines, on one machine: two hub instances and two instances of each adapter on a
 * three-node RabbitMQ cluster and a PostgreSQL primary with a streaming standby (support/cluster-services.ts), each
 * service given the node list (AMQP_URL) and libpq's multi-host URL (DATABASE_URL). Queries and referrals flow over
 * HTTP the whole time while, one after the other: the node leading the referral queue is killed (and later
 * restarted), a hub instance is killed, an adapter instance is killed, a node is partitioned from the others (and
 * healed), and the PostgreSQL primary is stopped and the standby promoted. After each: no referral lost or handled
 * twice, the audit chain verifies, every query answered by its deadline (per agency `ok`, `timeout` or `error`; a 503
 * only while there is no database primary), never a hang or a 500; the time until queries are `ok` again is printed
 * and checked against a bound. `npm run test:cluster` (and `npm run test:chaos`) runs it; docs/scaling.md has the
 * figures.
 */
import * as amqp from 'amqplib';
import type pg from 'pg';
import { databasePool } from '@hub/database';
import { loadMessagingConfig } from '@hub/messaging';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, AGENCY_STAFF, registerExamples } from '../support/adapters.js';
import { tokenFor, USERS, type TestUser } from '../support/hub.js';
import { AGENCIES, demoTerms, type Agency } from '../support/system.js';
import { startAdapterProcess, type AdapterProcess } from '../chaos/support/adapter-process.js';
import {
  amqpUrlFrom,
  CLUSTER_DATABASE_URL,
  PG_PRIMARY,
  PG_STANDBY,
  queues,
  RABBIT_NODES,
  rebalanceLeaders,
  runningNodes,
  startClusterServices,
  stopClusterServices,
  until,
  type RabbitNode,
} from './support/cluster-services.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';

const DEADLINE_MS = 3_000;
/** an answer may come this much after its deadline: the hub's own work, HTTP, and a busy 2-core machine */
const ANSWER_SLACK_MS = 2_000;
/** a request that has not answered by then hangs */
const HANG_MS = DEADLINE_MS + 15_000;
/** how long any fault may keep queries from being `ok` (measured figures are printed; docs/scaling.md) */
const RECOVERY_BOUND_MS = 45_000;
const QUIET_MS = Number(process.env.CLUSTER_QUIET_MS ?? 150);
/** queries in flight at once (each loop sends one, waits for the answer and a pause, and sends the next) */
const QUERY_LOOPS = 3;
/** the adapters take their time (median, p99), so that queries are in hand when something fails */
const ADAPTER_LATENCY = { FAULT_LATENCY_MEDIAN_MS: '150', FAULT_LATENCY_P99_MS: '400' };

const HUB_PORTS = [3520, 3521];
const ADAPTER_PORTS: Record<Agency, [number, number]> = { fk: [3530, 3531], af: [3532, 3533], skv: [3534, 3535] };
/** the node each instance's AMQP_URL list starts with, so that the connections (and classic queues) spread */
const FIRST_NODE = { hub: [0, 1], fk: [0, 1], af: [1, 2], skv: [2, 0] } as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface HubInstance {
  index: number;
  process?: HubProcess;
}

interface QueryRecord {
  phase: string;
  startedAt: number;
  elapsed: number;
  /** HTTP status; 0 when no hub could be reached, -1 for a hang */
  status: number;
  results?: Record<string, string>;
  error?: string;
  /** hubs that refused the connection or dropped it first (the client tried the next) */
  retried: number;
}

interface ReferralRecord {
  phase: string;
  n: number;
  status: number;
  id?: string;
  error?: string;
}

interface PhaseReport {
  phase: string;
  /** ms from the fault until the first query of an unbroken run of all-`ok` answers */
  queriesOkAfterMs: number;
  /** per agency: ms from the fault until its last non-ok answer was behind it */
  perAgencyMs: Record<string, number>;
  queries: number;
  notOk: number;
  statuses: Record<string, number>;
  referrals: number;
  repair?: { what: string; queriesOkAfterMs: number };
  notes: string[];
}

describe('scale-out on a three-node RabbitMQ cluster and a PostgreSQL primary with a standby', () => {
  const hubs: HubInstance[] = HUB_PORTS.map((_, index) => ({ index }));
  const adapters = {} as Record<Agency, Array<AdapterProcess | undefined>>;
  const queryLog: QueryRecord[] = [];
  const referralLog: ReferralRecord[] = [];
  const reports: PhaseReport[] = [];
  let pool: pg.Pool;
  let people: ExamplePeople;
  let consentId: string;
  let phase = 'start';
  let nextHub = 0;
  let running = false;
  let loops: Promise<void>[] = [];

  const tokens = new Map<string, { token: string; at: number }>();
  const token = async (user: TestUser) => {
    const key = user.id ?? '';
    const held = tokens.get(key);
    if (held && Date.now() - held.at < 60_000) return held.token;
    const fresh = await tokenFor(user);
    tokens.set(key, { token: fresh, at: Date.now() });
    return fresh;
  };

  /** One HTTP call to one URL; status -1 when it hangs, `network` set when the connection failed. */
  async function http(url: string, method: string, path: string, options: { as?: TestUser; body?: unknown } = {}) {
    const bearer = options.as ? await token(options.as) : undefined;
    try {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(bearer && { authorization: `Bearer ${bearer}` }),
          ...(options.body !== undefined && { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(HANG_MS),
      });
      const text = await response.text();
      let body: any;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: response.status, body, network: undefined as string | undefined };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') return { status: -1, body: undefined, network: undefined };
      return { status: 0, body: undefined, network: e.cause?.code ?? e.message };
    }
  }

  /**
   * What a load balancer in front of the hubs does: the next live instance in turn; a connection refused (the
   * request never arrived) goes to the next one. A connection dropped mid-request (the instance died with it) is
   * the caller's to see, as a 502 would be: a write's outcome is then unknown.
   */
  async function balanced(method: string, path: string, options: { as?: TestUser; body?: unknown }) {
    let retried = 0;
    let last: Awaited<ReturnType<typeof http>> = { status: 0, body: undefined, network: 'no hub instance' };
    for (let i = 0; i < hubs.length; i++) {
      const hub = hubs[nextHub++ % hubs.length]!;
      if (!hub.process) continue;
      last = await http(hub.process.url, method, path, options);
      if (last.status !== 0) return { ...last, retried };
      if (last.network !== 'ECONNREFUSED') return { ...last, retried };
      retried++;
    }
    return { ...last, retried };
  }

  async function oneQuery(): Promise<void> {
    const startedAt = Date.now();
    const answer = await balanced('POST', '/api/queries', {
      as: USERS.caseworker,
      body: {
        subject: people.ordinary.subject,
        purpose: 'ekonomiskt-bistand',
        agencies: ['fk', 'af', 'skv'],
        categories: ['fk.pagaende-arenden', 'af.inskrivning', 'skv.f-skatt'],
        deadlineMs: DEADLINE_MS,
      },
    });
    const record: QueryRecord = {
      phase,
      startedAt,
      elapsed: Date.now() - startedAt,
      status: answer.status,
      retried: answer.retried,
    };
    if (answer.status === 200) {
      record.results = Object.fromEntries(
        (answer.body.results as Array<{ agency: string; status: string }>).map((r) => [r.agency, r.status]),
      );
    } else {
      record.error = answer.network ?? JSON.stringify(answer.body)?.slice(0, 200);
    }
    queryLog.push(record);
  }

  async function oneReferral(n: number): Promise<void> {
    const answer = await balanced('POST', '/api/referrals', {
      as: USERS.guide,
      body: {
        subject: people.ordinary.subject,
        consentId,
        agency: 'fk',
        referralType: 'fk.bostadsbidrag-ansokan',
        purpose: 'vagledning',
        message: `Remiss ${n} genom klustret.`,
        contactPreference: 'phone',
      },
    });
    referralLog.push({
      phase,
      n,
      status: answer.status,
      id: answer.status === 201 ? (answer.body.id as string) : undefined,
      error: answer.status === 201 ? undefined : (answer.network ?? JSON.stringify(answer.body)?.slice(0, 200)),
    });
  }

  let referralNumber = 0;

  function startTraffic(): void {
    running = true;
    loops = [
      ...Array.from({ length: QUERY_LOOPS }, async () => {
        while (running) {
          await oneQuery();
          await sleep(QUIET_MS);
        }
      }),
      (async () => {
        while (running) {
          await oneReferral(referralNumber++);
          await sleep(QUIET_MS * 2);
        }
      })(),
    ];
  }

  async function stopTraffic(): Promise<void> {
    running = false;
    await Promise.all(loops);
  }

  const allOk = (q: QueryRecord) =>
    q.status === 200 && q.results !== undefined && Object.values(q.results).every((s) => s === 'ok');

  /** Waits until the last `runOf` queries started after `since` were all `ok`. */
  async function queriesOkAgain(since: number, timeoutMs: number, runOf = 5): Promise<void> {
    await until(`queries to be ok again (${phase})`, timeoutMs, async () => {
      const after = queryLog.filter((q) => q.startedAt >= since);
      return after.length >= runOf && after.slice(-runOf).every(allOk);
    }).catch((err: Error) => {
      // what the answers were meanwhile, for the failure to show
      console.log(`[cluster] ${phase}: answers since the fault ${JSON.stringify(statusesOf(since))}`);
      throw err;
    });
  }

  function statusesOf(since: number): Record<string, number> {
    const statuses: Record<string, number> = {};
    for (const q of queryLog.filter((r) => r.startedAt >= since)) {
      const key = q.status === 200 ? AGENCIES.map((a) => `${a}:${q.results?.[a]}`).join(' ') : `HTTP ${q.status}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    return statuses;
  }

  /** ms from `since` until the first query of the unbroken run of all-`ok` answers at the end. */
  function okAfter(since: number, until?: number, agency?: Agency): number {
    const after = queryLog.filter((q) => q.startedAt >= since && (until === undefined || q.startedAt < until));
    const ok = (q: QueryRecord) => (agency ? q.status === 200 && q.results?.[agency] === 'ok' : allOk(q));
    let lastBad = -1;
    after.forEach((q, i) => {
      if (!ok(q)) lastBad = i;
    });
    if (lastBad === -1) return 0;
    const firstGood = after[lastBad + 1];
    return firstGood ? firstGood.startedAt - since : Number.POSITIVE_INFINITY;
  }

  /** What every answer of the phase must be: on time, per agency, never a hang, a 500 or no hub at all. */
  function checkAnswers(name: string, options: { allow503?: boolean }): void {
    const bad: string[] = [];
    for (const q of queryLog.filter((r) => r.phase === name)) {
      if (q.status === 200) {
        if (q.elapsed > DEADLINE_MS + ANSWER_SLACK_MS) bad.push(`answered after ${q.elapsed} ms`);
        for (const [agency, status] of Object.entries(q.results ?? {})) {
          if (!['ok', 'timeout', 'error'].includes(status)) bad.push(`${agency}: ${status}`);
        }
        if (Object.keys(q.results ?? {}).length !== 3) bad.push(`results for ${Object.keys(q.results ?? {})}`);
      } else if (q.status === 0 && name === PHASES.hubKilled && q.error !== 'ECONNREFUSED') {
        // in the hands of the hub instance that was killed: the connection dropped
      } else if (q.status === 503 && options.allow503) {
        if (!/service-unavailable/.test(q.error ?? '')) bad.push(`503 ${q.error}`);
      } else {
        bad.push(`HTTP ${q.status} after ${q.elapsed} ms: ${q.error}`);
      }
    }
    for (const r of referralLog.filter((x) => x.phase === name)) {
      if (r.status === 201) continue;
      // a referral sent to the hub instance being killed: its outcome is unknown, it is checked below by what was stored
      if (r.status === 0 && name === PHASES.hubKilled && r.error !== 'ECONNREFUSED') continue;
      if (r.status === 503 && options.allow503 && /service-unavailable/.test(r.error ?? '')) continue;
      bad.push(`referral ${r.n}: HTTP ${r.status} ${r.error}`);
    }
    expect({ phase: name, bad: bad.slice(0, 10), count: bad.length }).toEqual({ phase: name, bad: [], count: 0 });
  }

  /**
   * Every referral the hub stored reaches FK exactly once: one inbox row, one `received` at FK, and a hub timeline of
   * one `sent` and one `received`; every 201 is among them; nothing stored the client was not told of, beyond the
   * requests whose outcome it never learnt.
   */
  async function checkReferrals(): Promise<void> {
    const acknowledged = referralLog.filter((r) => r.status === 201).map((r) => r.id!);
    const unknown = referralLog.filter((r) => r.status === 0 || r.status === -1).length;
    let stored: string[] = [];
    await until('every stored referral to be received by FK', 90_000, async () => {
      const { rows } = await pool.query<{ id: string; status: string }>('SELECT id, status FROM hub.referral');
      stored = rows.map((r) => r.id);
      return acknowledged.every((id) => stored.includes(id)) && rows.every((r) => r.status === 'received');
    });
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length);
    expect(stored.length).toBeLessThanOrEqual(acknowledged.length + unknown);
    const agency = await pool.query<{ rows: number; referrals: number; received: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT r.id)::int AS referrals,
              (SELECT count(*)::int FROM fk.referral_event e WHERE e.referral_id = ANY($1) AND e.status = 'received')
                AS received
         FROM fk.referral r`,
      [stored],
    );
    expect(agency.rows[0]).toEqual({ rows: stored.length, referrals: stored.length, received: stored.length });
    const timelines = await pool.query<{ status: string; n: number; referrals: number }>(
      `SELECT status, count(*)::int AS n, count(DISTINCT referral_id)::int AS referrals
         FROM hub.referral_event GROUP BY status ORDER BY 1`,
    );
    expect(timelines.rows).toEqual([
      { status: 'received', n: stored.length, referrals: stored.length },
      { status: 'sent', n: stored.length, referrals: stored.length },
    ]);
  }

  async function checkAudit(): Promise<void> {
    let verified: { status: number; body: any } | undefined;
    await until('the audit chain to verify', 30_000, async () => {
      verified = await balanced('GET', '/api/audit/verify', { as: USERS.auditor });
      return verified.status === 200;
    }).catch(() => undefined);
    expect(verified).toMatchObject({ status: 200, body: { ok: true } });
  }

  /**
   * One fault under traffic: a few seconds of traffic, the fault, until queries are `ok` again (measured), the repair
   * if any (measured again), then the checks of what was sent so far.
   */
  async function underTraffic(
    name: string,
    /** breaks something; calls `mark` at the moment it does (what comes before is preparation) */
    fault: (mark: () => void) => Promise<string[]>,
    options: { repair?: { what: string; run: () => Promise<void | string[]> }; allow503?: boolean } = {},
  ): Promise<void> {
    phase = name;
    await sleep(2_000);
    let faultAt = Date.now();
    const notes = await fault(() => (faultAt = Date.now()));
    await queriesOkAgain(faultAt, RECOVERY_BOUND_MS + 30_000);
    const queriesOkAfterMs = okAfter(faultAt);
    const perAgencyMs = Object.fromEntries(AGENCIES.map((a) => [a, okAfter(faultAt, undefined, a)]));
    let repair: PhaseReport['repair'];
    if (options.repair) {
      const repairAt = Date.now();
      notes.push(...((await options.repair.run()) ?? []));
      await queriesOkAgain(repairAt, RECOVERY_BOUND_MS + 30_000);
      repair = { what: options.repair.what, queriesOkAfterMs: okAfter(repairAt) };
    }
    await sleep(1_000);
    const ofPhase = queryLog.filter((q) => q.phase === name);
    const statuses: Record<string, number> = {};
    for (const q of ofPhase) {
      const key = q.status === 200 ? AGENCIES.map((a) => `${a}:${q.results?.[a]}`).join(' ') : `HTTP ${q.status}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    const report: PhaseReport = {
      phase: name,
      queriesOkAfterMs,
      perAgencyMs,
      queries: ofPhase.length,
      notOk: ofPhase.filter((q) => !allOk(q)).length,
      statuses,
      referrals: referralLog.filter((r) => r.phase === name).length,
      repair,
      notes,
    };
    reports.push(report);
    console.log(`[cluster] ${JSON.stringify(report)}`);
    checkAnswers(name, options);
    // the traffic pauses for the count: every referral stored so far must have arrived, exactly once
    await stopTraffic();
    await checkReferrals();
    await checkAudit();
    expect(queriesOkAfterMs).toBeLessThan(RECOVERY_BOUND_MS);
    startTraffic();
  }

  const adapterEnv = (agency: Agency, instance: 0 | 1) => ({
    DATABASE_URL: CLUSTER_DATABASE_URL,
    AMQP_URL: amqpUrlFrom(FIRST_NODE[agency][instance]),
    CASEWORKER: 'manual',
    ...ADAPTER_LATENCY,
  });

  const startAdapter = async (agency: Agency, instance: 0 | 1) => {
    adapters[agency][instance] = await startAdapterProcess(
      agency,
      ADAPTER_PORTS[agency][instance],
      adapterEnv(agency, instance),
    );
  };

  const startHub = async (index: number) => {
    hubs[index]!.process = await startHubProcess(HUB_PORTS[index]!, {
      DATABASE_URL: CLUSTER_DATABASE_URL,
      AMQP_URL: amqpUrlFrom(FIRST_NODE.hub[index as 0 | 1]),
    });
  };

  const probes = { durable: '', transient: '' };

  /** A channel as one of the services' broker users, on one node. */
  async function openAs(service: string, url: string) {
    const config = loadMessagingConfig(service, { ...process.env, AMQP_URL: url });
    const connection = await amqp.connect(url, {
      credentials: amqp.credentials.plain(service, config.password),
    } as amqp.SocketOptions);
    connection.on('error', () => undefined);
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return { connection, channel };
  }

  /** Declares a queue on another node, again and again until it works or the time is up; the last answer. */
  async function declareElsewhere(url: string, queue: string, durable: boolean, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { connection, channel } = await openAs('hub', url);
      const outcome = await channel.assertQueue(queue, { durable }).then(
        () => 'declared again',
        (err: Error) => err.message,
      );
      await connection.close().catch(() => undefined);
      if (outcome === 'declared again' || Date.now() > deadline) return outcome;
      await sleep(250);
    }
  }

  /** The node a queue lives on (classic) or is led from (quorum). */
  async function nodeOf(queue: string): Promise<RabbitNode> {
    const info = (await queues()).find((q) => q.name === queue);
    if (!info) throw new Error(`no queue ${queue}`);
    const node = RABBIT_NODES.find((n) => n.name === info.node);
    if (!node) throw new Error(`queue ${queue} is on ${info.node}, not a node of the suite`);
    return node;
  }

  async function queueMap(): Promise<string[]> {
    return (await queues())
      .filter((q) => !q.name.endsWith('.parked') && !q.name.startsWith('q.hub.reply.'))
      .map((q) => `${q.name} ${q.type} on ${q.node}${q.members.length ? ` (members ${q.members.length})` : ''}`);
  }

  beforeAll(async () => {
    await startClusterServices();
    pool = databasePool({ connectionString: CLUSTER_DATABASE_URL, max: 5 }, { warn: () => undefined });
    for (const agency of AGENCIES) adapters[agency] = [];
    // one hub first (it migrates), then the adapters' first instances, then the second of each
    await startHub(0);
    await Promise.all(AGENCIES.map((agency) => startAdapter(agency, 0)));
    await Promise.all([startHub(1), ...AGENCIES.map((agency) => startAdapter(agency, 1))]);
    const hubUrl = hubs[0]!.process!.url;
    await until('the hub to know the three catalogues', 60_000, async () => {
      const { body } = await http(hubUrl, 'GET', '/api/catalogues', { as: USERS.guide });
      return Array.isArray(body) && AGENCIES.every((a) => body.some((c: { agency: string }) => c.agency === a));
    });
    for (const agency of AGENCIES) {
      const created = await http(hubUrl, 'POST', '/api/agreements', {
        as: USERS.municipalityAdmin,
        body: demoTerms(agency),
      });
      if (created.status !== 201) throw new Error(`agreement with ${agency}: ${JSON.stringify(created.body)}`);
      const id = created.body.id as string;
      await http(hubUrl, 'POST', `/api/agreements/${id}/propose`, { as: USERS.municipalityAdmin, body: {} });
      const approved = await http(hubUrl, 'POST', `/api/agreements/${id}/approve`, {
        as: AGENCY_STAFF[agency].admin,
        body: {},
      });
      if (approved.body?.status !== 'active') throw new Error(`agreement with ${agency}: ${JSON.stringify(approved)}`);
      // both instances of the agency enforce it
      for (const adapter of adapters[agency]) {
        await until(`${agency} at ${adapter!.url} to enforce the agreement`, 30_000, async () => {
          const { status, body } = await http(adapter!.url, 'GET', '/api/agreements', {
            as: AGENCY_STAFF[agency].caseworker,
          });
          return status === 200 && body.some((v: { id: string; status: string }) => v.id === id);
        });
      }
    }
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    const consent = await http(hubUrl, 'POST', '/api/consents', {
      as: USERS.guide,
      body: {
        subject: people.ordinary.subject,
        purposes: ['vagledning'],
        agencies: ['fk'],
        categories: ['fk.pagaende-arenden'],
        method: 'in-person-verbal',
        validUntil: '2027-06-30',
      },
    });
    if (consent.status !== 201) throw new Error(`consent: ${JSON.stringify(consent.body)}`);
    consentId = consent.body.id;
    await rebalanceLeaders().catch((err: Error) => console.log(`[cluster] rebalance: ${err.message}`));
    console.log(`[cluster] queues at the start:\n  ${(await queueMap()).join('\n  ')}`);
  }, 600_000);

  afterAll(async () => {
    await stopTraffic();
    console.log(`[cluster] summary\n${JSON.stringify(reports, null, 2)}`);
    for (const agency of AGENCIES) for (const adapter of adapters[agency] ?? []) await adapter?.close();
    for (const hub of hubs) await hub.process?.close();
    await pool?.end();
    await stopClusterServices();
  }, 300_000);

  it('keeps answering and loses no referral through node, instance and database faults', async () => {
    phase = PHASES.warmUp;
    startTraffic();
    await queriesOkAgain(Date.now(), 60_000);
    checkAnswers(PHASES.warmUp, {});

    // 1. the node leading FK's referral queue, crashed; later started again (it rejoins the cluster)
    const leader = await nodeOf('q.adapter-fk.referrals');
    await underTraffic(
      PHASES.leaderKilled,
      async (mark) => {
        const notes = [`killed ${leader.name}`, ...(await queueMap())];
        // two queues of the hub's own on that node, to see what a node loss does to a classic queue
        const probe = await openAs('hub', leader.url());
        await probe.channel.assertQueue(PROBES.durable, { durable: true });
        await probe.channel.assertQueue(PROBES.transient, { durable: false });
        await probe.connection.close().catch(() => undefined);
        mark();
        await leader.kill();
        const elsewhere = RABBIT_NODES.find((n) => n !== leader)!.url();
        const killedAt = Date.now();
        probes.transient = await declareElsewhere(elsewhere, PROBES.transient, false, 15_000);
        probes.transient += ` after ${Date.now() - killedAt} ms`;
        probes.durable = await declareElsewhere(elsewhere, PROBES.durable, true, 5_000);
        notes.push(`non-durable classic queue of the lost node: ${probes.transient}`);
        notes.push(`durable classic queue of the lost node: ${probes.durable}`);
        return notes;
      },
      {
        repair: {
          what: `${leader.name} started again`,
          run: async () => {
            await leader.start();
            await until('three running nodes', 120_000, async () => (await runningNodes()).length === 3);
          },
        },
      },
    );
    reports.at(-1)!.notes.push(`after: referral leader ${(await nodeOf('q.adapter-fk.referrals')).name}`);
    // why the query queues are not durable: a durable classic queue whose node is lost can be declared nowhere
    // else (an adapter reconnecting could not set up at all), a non-durable one goes with its node and is declared anew
    expect(probes.transient).toMatch(/^declared again/);
    expect(probes.durable).toMatch(/NOT_FOUND|down or inaccessible/);

    // 2. a hub instance, SIGKILLed; the load balancer sends everything to the other one; then it is started again
    await underTraffic(
      PHASES.hubKilled,
      async (mark) => {
        mark();
        await hubs[1]!.process!.kill();
        hubs[1]!.process = undefined;
        return ['killed hub instance 2'];
      },
      { repair: { what: 'hub instance 2 started again', run: () => startHub(1) } },
    );

    // 3. an adapter instance of FK, SIGKILLed with queries and referrals in hand; then started again
    await underTraffic(
      PHASES.adapterKilled,
      async (mark) => {
        mark();
        await adapters.fk[0]!.kill();
        adapters.fk[0] = undefined;
        return ['killed FK adapter instance 1'];
      },
      { repair: { what: 'FK adapter instance 1 started again', run: () => startAdapter('fk', 0) } },
    );

    // 4. the node leading FK's referral queue now, cut off from the other two; then healed
    const lone = await nodeOf('q.adapter-fk.referrals');
    const others = RABBIT_NODES.filter((n) => n !== lone);
    await underTraffic(
      PHASES.partitioned,
      async (mark) => {
        const notes = [`partitioned ${lone.name} from ${others.map((n) => n.name).join(', ')}`, ...(await queueMap())];
        mark();
        const cutAt = Date.now();
        await lone.partition(others);
        // the others see it gone, and it pauses itself (pause_minority): it serves no client until it sees them again
        await until('the others to see the node gone', 30_000, async () => (await runningNodes()).length === 2);
        notes.push(`the others saw it gone after ${Date.now() - cutAt} ms`);
        await until('the lone node to pause', 30_000, async () => !(await lone.isRunning()));
        notes.push(`it paused itself after ${Date.now() - cutAt} ms`);
        return notes;
      },
      {
        repair: {
          what: `${lone.name} healed`,
          run: async () => {
            const healAt = Date.now();
            await lone.heal(others);
            await until('three running nodes again', 120_000, async () => (await runningNodes()).length === 3);
            return [`three running nodes again ${Date.now() - healAt} ms after the heal`];
          },
        },
      },
    );

    // 5. the PostgreSQL primary stopped (a crash to its clients); the standby promoted, as a fail-over would
    await underTraffic(
      PHASES.primaryLost,
      async (mark) => {
        const lag = await PG_PRIMARY.sql<{ state: string; sync_state: string }>(
          'SELECT state, sync_state FROM pg_stat_replication',
        );
        mark();
        await PG_PRIMARY.stop('immediate');
        const promoteAt = Date.now();
        await PG_STANDBY.promote();
        return [`replication before: ${JSON.stringify(lag)}`, `promoted in ${Date.now() - promoteAt} ms`];
      },
      { allow503: true },
    );
    const promoted = await PG_STANDBY.sql<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    expect(promoted[0]?.standby).toBe(false);

    await stopTraffic();
    // every phase recorded answers, and the whole run sent referrals the whole time
    expect(reports.map((r) => r.phase)).toEqual([
      PHASES.leaderKilled,
      PHASES.hubKilled,
      PHASES.adapterKilled,
      PHASES.partitioned,
      PHASES.primaryLost,
    ]);
    for (const r of reports) expect(r.queries).toBeGreaterThan(5);
    await checkReferrals();
  }, 900_000);
});

const PROBES = { durable: 'q.hub.cluster-probe-durable', transient: 'q.hub.cluster-probe-transient' } as const;

const PHASES = {
  warmUp: 'warm-up',
  leaderKilled: 'node leading the referral queue killed',
  hubKilled: 'hub instance killed',
  adapterKilled: 'adapter instance killed',
  partitioned: 'node partitioned',
  primaryLost: 'PostgreSQL primary lost, standby promoted',
} as const;
