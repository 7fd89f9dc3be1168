import { randomInt } from 'node:crypto';
import { ORGANISATIONS, parkingQueueOf } from '@hub/contracts';
import { MessagingClient } from '@hub/messaging';
import { HUB_EVENTS_QUEUE } from '../../apps/hub/src/messaging/hub-queues.js';
import { TEST_VHOST, testPool, waitFor } from '../support/env.js';
import { migrateTestDatabase, startHub, USERS, type RunningHub } from '../support/hub.js';
import { queueDepth } from './support/adapter-process.js';
import { ChaosDepartmentSystem } from './support/department-system.js';
import { keepConnectionsLonger } from './support/front-office.js';
import { privateBroker, privatePostgres } from './support/private-services.js';

const ERRANDS = 130;
const PACE_MS = 100;
const KILL_BROKER_AT = 20;
const RESTART_BROKER_AT = 50;
const CRASH_DATABASE_AT = 80;
/** errands sent while the database is down, after the crash itself: it stays down longer than a status takes */
const WHILE_DATABASE_DOWN = 12;
const DOWN_PACE_MS = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** waitFor at a gentler pace: every 503 of the health check is logged as an error */
const until = (what: string, timeoutMs: number, check: () => Promise<boolean> | boolean) =>
  waitFor(async () => (await check()) || (await sleep(250), false), timeoutMs, what);

interface Answer {
  n: number;
  status: number;
  id?: string;
  error?: string;
}

/**
 * Issue 17's measure: errands forwarded to a department's own case system over AMQP are never lost or duplicated
 * across a broker crash and a database crash. The guide keeps forwarding throughout; the department's system files
 * each errand as it comes in, takes it and answers it a moment later, also while the hub's side is down. At-least-once
 * delivery is the contract: the receiver drops a message id it has had, so no errand may come under two ids.
 */
describe('RabbitMQ killed and PostgreSQL crashed while errands are forwarded to a department system', () => {
  const pool = testPool();
  const run = randomInt(100_000, 999_999);
  const teknik = new ChaosDepartmentSystem(ORGANISATIONS.orebro, `Teknikförvaltning kaos ${run}`);
  let hub: RunningHub;
  let departmentId: string;

  const ready = () => hub.call('GET', '/health/ready');
  const forwardErrand = (n: number) =>
    hub.call('POST', '/api/errands', {
      as: USERS.guide,
      body: {
        topic: 'gata-park.gatubelysning',
        departmentId,
        message: `Gatlampa ${n} på Storgatan är släckt (körning ${run}).`,
        citizen: { name: `Invånare ${n}`, phone: '070-123 45 67' },
        preferredChannel: 'phone',
      },
    });

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query(
      `INSERT INTO hub.unit (organisation, name, kind, display_name, registered_by)
       VALUES ($1, $2, 'department', $2, 'test') ON CONFLICT DO NOTHING`,
      [ORGANISATIONS.orebro, teknik.name],
    );
    await teknik.createBrokerUser();
    hub = await startHub();
    keepConnectionsLonger(hub);
    const list = await hub.call('GET', '/api/errands/departments', { as: USERS.guide });
    departmentId = list.body.find((d: { name: string }) => d.name === teknik.name).id;
    await teknik.start();
  }, 120_000);

  afterAll(async () => {
    await privateBroker.start();
    await privatePostgres.start();
    await teknik.remove();
    await hub?.close();
    await pool.query(`UPDATE hub.unit SET closed_at = now() WHERE organisation = $1 AND name = $2`, [
      ORGANISATIONS.orebro,
      teknik.name,
    ]);
    await pool.end();
  }, 60_000);

  it('stores and delivers every accepted errand once, applies every status once, and says 503 while down', async () => {
    const answers: Answer[] = [];
    const inFlight: Promise<void>[] = [];
    const health: Record<string, { status: number; body: any }> = {};
    const forward = async (n: number) => {
      const { status, body } = await forwardErrand(n);
      answers.push({ n, status, ...(status === 201 ? { id: body.id } : { error: body?.error }) });
    };
    let n = 0;
    const next = () => inFlight.push(forward(n++));

    let brokerBack: Promise<void> | undefined;
    let takenAndAnsweredWhileDown = 0;
    let databaseDownMs = 0;
    while (n < ERRANDS) {
      if (n === KILL_BROKER_AT && !health.brokerDown) {
        // errands sent so far are still on their way: in the outbox, unconfirmed, or unacknowledged at the department
        await privateBroker.kill();
        health.brokerDown = await ready();
      }
      // the stream goes on while the broker boots
      if (n === RESTART_BROKER_AT && !brokerBack) brokerBack = privateBroker.start();
      if (n === CRASH_DATABASE_AT && !health.databaseDown) {
        await brokerBack;
        await until('the hub back on the broker', 30_000, async () => (await ready()).status === 200);
        // the backlog is with the department and taken
        await until(
          'the backlog taken at the department',
          30_000,
          () => teknik.errands.size === answers.filter((a) => a.status === 201).length && teknik.allTaken,
        );
        // what the department files from here on it takes once the database is down, and answers before it is up:
        // both statuses of those errands wait at the hub, where the consumer holds them until it can write
        teknik.holdReports();
        const filedBefore = teknik.errands.size;
        while (teknik.errands.size < filedBefore + 3 && n < ERRANDS) {
          next();
          await sleep(PACE_MS);
        }
        let crashed = false;
        const crash = privatePostgres.stop('immediate').then(() => (crashed = true));
        // forwarded as it crashes: some in the middle of their transaction
        while (!crashed && n < ERRANDS) {
          next();
          await sleep(5);
        }
        await crash;
        const downAt = Date.now();
        teknik.resumeReports();
        health.databaseDown = await ready();
        const workedWhileDown = () =>
          [...teknik.errands.values()].filter((e) => e.takenSentAt! > downAt && e.answeredSentAt !== undefined);
        for (let i = 0; i < WHILE_DATABASE_DOWN && n < ERRANDS; i++) {
          next();
          await sleep(DOWN_PACE_MS);
        }
        // checked below, after the database is back up
        await until('an errand taken and answered while the database is down', 15_000, () => {
          return workedWhileDown().length > 0;
        }).catch(() => undefined);
        takenAndAnsweredWhileDown = workedWhileDown().length;
        databaseDownMs = Date.now() - downAt;
        await privatePostgres.start();
        continue;
      }
      next();
      await sleep(PACE_MS);
    }
    await Promise.all(inFlight);

    // ---- while a dependency was down, the hub said so
    expect(health.brokerDown).toMatchObject({ status: 503, body: { details: { broker: 'down', database: 'ok' } } });
    expect(health.databaseDown).toMatchObject({ status: 503, body: { details: { database: 'down' } } });
    // the scenario happened: some errands were taken and answered at the department while the hub could not write
    expect(takenAndAnsweredWhileDown).toBeGreaterThan(0);
    expect(answers).toHaveLength(ERRANDS);
    // an errand the hub could not take is refused with 503, "nothing was done, try again": never anything else
    expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
    const accepted = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(WHILE_DATABASE_DOWN);
    expect(accepted.length).toBeGreaterThanOrEqual(ERRANDS - 40);
    const ids = accepted.map((a) => a.id!);
    expect(new Set(ids).size).toBe(ids.length);

    await until('the hub ready again', 30_000, async () => (await ready()).status === 200);
    await until(
      `all ${ids.length} accepted errands answered by the department's system`,
      Number(process.env.CHAOS_WAIT ?? 60_000),
      async () => {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM hub.errand WHERE id = ANY($1) AND status = 'answered'`,
          [ids],
        );
        return rows[0]!.n === ids.length;
      },
    );
    const outbox = async () =>
      (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub.outbox')).rows[0]!.n;
    await until('the outbox empty', 20_000, async () => (await outbox()) === 0);

    // ---- stored once: each accepted errand under the id the guide was given, and nothing the guide was refused
    const stored = await pool.query<{ id: string; message: string }>(
      'SELECT id, message FROM hub.errand WHERE department = $1',
      [teknik.name],
    );
    const storedByNumber = new Map<number, string[]>();
    for (const row of stored.rows) {
      const number = Number(/^Gatlampa (\d+) /.exec(row.message)![1]);
      storedByNumber.set(number, [...(storedByNumber.get(number) ?? []), row.id]);
    }
    expect(accepted.filter((a) => storedByNumber.get(a.n)?.join() !== a.id)).toEqual([]);
    // a 503 says nothing was done: a refused errand stored anyway would reach the department twice once resent
    expect(refused.filter((a) => storedByNumber.has(a.n))).toEqual([]);
    expect(stored.rows).toHaveLength(accepted.length);

    // ---- at the department's system: each errand applied once, under one message id, however often delivered
    const atDepartment = [...teknik.errands.values()];
    expect(atDepartment.map((e) => e.errandId).sort()).toEqual([...ids].sort());
    expect(atDepartment.filter((e) => e.messageIds.length !== 1)).toEqual([]);

    // ---- statuses from the department's system applied once each: sent, taken, answered, nothing twice
    const timelines = await pool.query<{ errand_id: string; events: string[] }>(
      `SELECT errand_id, array_agg(event ORDER BY seq) AS events FROM hub.errand_event
        WHERE errand_id = ANY($1) GROUP BY errand_id`,
      [ids],
    );
    expect(timelines.rows).toHaveLength(ids.length);
    expect(timelines.rows.filter((t) => t.events.join() !== 'sent,taken,answered')).toEqual([]);
    const parked = await pool.query(
      `SELECT message_id, reason FROM hub.parked_message WHERE sender = $1 OR correlation_id = ANY($2)`,
      [teknik.service, ids],
    );
    expect(parked.rows).toEqual([]);
    expect(await queueDepth(TEST_VHOST, parkingQueueOf(teknik.queue))).toMatchObject({ ready: 0 });
    expect(await queueDepth(TEST_VHOST, parkingQueueOf(HUB_EVENTS_QUEUE.queue))).toMatchObject({ ready: 0 });

    // ---- audited once each, on a chain that verifies
    const audited = await pool.query<{ correlation_id: string; outcomes: string[] }>(
      `SELECT correlation_id, array_agg(outcome ORDER BY seq) AS outcomes FROM audit.entry
        WHERE kind = 'errand' AND correlation_id = ANY($1) GROUP BY correlation_id`,
      [ids],
    );
    expect(audited.rows).toHaveLength(ids.length);
    expect(audited.rows.filter((a) => a.outcomes.join() !== 'sent,taken,answered')).toEqual([]);
    const verified = await hub.call('GET', '/api/audit/verify', { as: USERS.auditor });
    expect(verified.body).toMatchObject({ ok: true });

    const hubEvents = hub.app.get(MessagingClient).consumerStats()[HUB_EVENTS_QUEUE.queue];
    console.log(
      `errands: ${accepted.length} accepted, ${refused.length} refused while the database was down, ` +
        `${takenAndAnsweredWhileDown} taken and answered by the department in those ${databaseDownMs} ms; ` +
        `department: ${teknik.redeliveries} redeliveries, ${teknik.duplicatesDropped} duplicates dropped; ` +
        `hub events: ${JSON.stringify(hubEvents)}`,
    );
  });

  it("hands a failed handler's own error to the transport, which tells a database gone mid-write from a failure", async () => {
    // Nest's default for microservices puts "Internal server error" in its place, and that is no database away
    teknik.holdReports();
    const created = await forwardErrand(ERRANDS);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await until('the errand filed at the department', 20_000, () => teknik.errands.has(id));
    await pool.query('ALTER TABLE hub.errand_event RENAME TO errand_event_away');
    try {
      teknik.resumeReports();
      // taken, and not answered: the one status event is what the hub cannot write
      await until('the errand taken', 10_000, () => teknik.errands.get(id)!.takenSentAt !== undefined);
      teknik.holdReports();
      await until('the status event parked and collected', 30_000, async () => {
        await hub.call('GET', '/api/parked-messages', { as: USERS.operator });
        return (await pool.query('SELECT 1 FROM hub.parked_message WHERE correlation_id = $1', [id])).rowCount === 1;
      });
    } finally {
      await pool.query('ALTER TABLE hub.errand_event_away RENAME TO errand_event');
    }
    const parked = await pool.query('SELECT reason FROM hub.parked_message WHERE correlation_id = $1', [id]);
    expect(parked.rows).toEqual([{ reason: 'handler failed 5 times: relation "hub.errand_event" does not exist' }]);
  });
});
