import type { RunningAdapter } from '@hub/adapter-kit';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, AGENCY_STAFF, callAdapter, registerExamples } from '../support/adapters.js';
import { TEST_VHOST, testPool, waitFor } from '../support/env.js';
import { tokenFor } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';
import { queueDepth, startAdapterProcess, type AdapterProcess } from './support/adapter-process.js';
import { frontOffice, keepConnectionsLonger } from './support/front-office.js';

const FK_PORT = 3510;
const REFERRALS = 5;
const DEADLINE_MS = 3_000;
// FK's answers take two seconds: a query is in its hands when it is killed
const SLOW_FK = { FAULT_LATENCY_MEDIAN_MS: '2000', FAULT_LATENCY_P99_MS: '2000' };

describe('an agency adapter killed (SIGKILL) with a query and referrals in hand', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;
  let staff: ReturnType<typeof frontOffice>;
  let fk: AdapterProcess | undefined;

  const fkKeepsAgreement = async (adapter: AdapterProcess) => {
    const token = await tokenFor(AGENCY_STAFF.fk.caseworker);
    await waitFor(
      async () => {
        const { status, body } = await callAdapter({ url: adapter.url } as RunningAdapter, 'GET', '/api/agreements', {
          token,
        });
        return status === 200 && body.some((v: { id: string }) => v.id === system.agreements.fk);
      },
      20_000,
      'the FK adapter process to keep its agreement',
    );
  };

  beforeAll(async () => {
    system = await startSystem();
    keepConnectionsLonger(system.hub);
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    staff = frontOffice(system.hub);
    // FK from here on runs as a process of its own, on the same schema and queues
    await system.adapters.fk.close();
    fk = await startAdapterProcess('fk', FK_PORT, SLOW_FK);
    system.adapters.fk = { close: async () => fk?.close() } as RunningAdapter;
    await fkKeepsAgreement(fk);
  }, 120_000);

  afterAll(async () => {
    await system?.close();
    await pool.end();
  });

  it('answers the query by its deadline without FK, and redelivers the unacknowledged referrals to the restarted FK', async () => {
    const consent = await staff.consent(people.ordinary.subject);
    expect(consent.status).toBe(201);

    // The adapter takes the referrals but cannot finish them: its inbox table is locked, as by a slow database.
    const lock = await pool.connect();
    const ids: string[] = [];
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE fk.referral IN SHARE MODE');
      for (let n = 0; n < REFERRALS; n++) {
        const sent = await staff.referral(people.ordinary.subject, consent.body.id, `Remiss ${n} före kraschen.`);
        expect(sent.status).toBe(201);
        ids.push(sent.body.id);
      }
      await waitFor(
        async () => (await queueDepth(TEST_VHOST, 'q.adapter-fk.referrals')).unacknowledged === REFERRALS,
        20_000,
        'FK to hold the referrals unacknowledged',
      );

      const started = Date.now();
      const asking = staff.query(people.ordinary.subject, DEADLINE_MS);
      // FK takes two seconds to answer; well before that, it dies with the query in hand (if it answered first, the
      // fk result below would be `ok` and the test fail)
      await new Promise((r) => setTimeout(r, 700));
      await fk!.kill();

      const answer = await asking;
      const elapsed = Date.now() - started;
      expect(answer.status).toBe(200);
      const statuses = Object.fromEntries(
        answer.body.results.map((r: { agency: string; status: string }) => [r.agency, r.status]),
      );
      expect(statuses).toMatchObject({ af: 'ok', skv: 'ok' });
      expect(['timeout', 'error']).toContain(statuses.fk);
      // one deadline for the whole query, however FK went: the answer is not held up past it
      expect(elapsed).toBeLessThan(DEADLINE_MS + 2_000);

      // the broker takes back what the dead adapter had not acknowledged, once it has seen the connection go
      const expected = { ready: REFERRALS, unacknowledged: 0, consumers: 0 };
      await waitFor(
        async () => JSON.stringify(await queueDepth(TEST_VHOST, 'q.adapter-fk.referrals')) === JSON.stringify(expected),
        15_000,
        "the broker to return FK's unacknowledged referrals to the queue",
      ).catch(() => undefined);
      expect(await queueDepth(TEST_VHOST, 'q.adapter-fk.referrals')).toEqual(expected);
    } finally {
      await lock.query('ROLLBACK').catch(() => undefined);
      lock.release();
    }
    // nothing the dead adapter was doing was committed
    const before = await pool.query('SELECT count(*)::int AS n FROM fk.referral WHERE id = ANY($1)', [ids]);
    expect(before.rows[0].n).toBe(0);

    fk = await startAdapterProcess('fk', FK_PORT, SLOW_FK);
    for (const id of ids) {
      await waitFor(async () => (await staff.referralStatus(id)) === 'received', 30_000, `referral ${id} received`);
    }
    const inbox = await pool.query<{ rows: number; received: number }>(
      `SELECT count(*)::int AS rows,
              (SELECT count(*)::int FROM fk.referral_event WHERE referral_id = ANY($1) AND status = 'received')
                AS received
         FROM fk.referral WHERE id = ANY($1)`,
      [ids],
    );
    expect(inbox.rows[0]).toEqual({ rows: REFERRALS, received: REFERRALS });

    // and the restarted FK answers again
    const again = await staff.query(people.ordinary.subject, DEADLINE_MS + 2_000);
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok', 'ok']);
  });
});
