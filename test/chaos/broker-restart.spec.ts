import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import { testPool, waitFor } from '../support/env.js';
import { startSystem, type RunningSystem } from '../support/system.js';
import { frontOffice, keepConnectionsLonger } from './support/front-office.js';
import { privateBroker } from './support/private-services.js';

const REFERRALS = 150;
const KILL_AT = 40;
const RESTART_AT = 90;

describe('RabbitMQ killed (SIGKILL) and restarted during a stream of referrals', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;
  let staff: ReturnType<typeof frontOffice>;

  beforeAll(async () => {
    system = await startSystem();
    keepConnectionsLonger(system.hub);
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    staff = frontOffice(system.hub);
  }, 120_000);

  afterAll(async () => {
    await privateBroker.start();
    await system?.close();
    await pool.end();
  });

  it('delivers every referral to the agency exactly once after the broker is back', async () => {
    const consent = await staff.consent(people.ordinary.subject);
    expect(consent.status).toBe(201);
    const ids: string[] = [];
    const send = async (n: number) => {
      const sent = await staff.referral(people.ordinary.subject, consent.body.id, `Remiss ${n} i en lång rad.`);
      expect(sent.status).toBe(201);
      ids.push(sent.body.id);
    };

    let whileDown: { status: number; body: any } | undefined;
    for (let n = 0; n < REFERRALS; n += 5) {
      if (n === KILL_AT) {
        // some of what was sent so far is still on its way: in the outbox, unconfirmed, or unacknowledged
        await privateBroker.kill();
        whileDown = await system.hub.call('GET', '/health/ready');
      }
      if (n === RESTART_AT) await privateBroker.start();
      await Promise.all([0, 1, 2, 3, 4].map((i) => send(n + i)));
    }

    // the hub kept taking referrals while the broker was gone (its outbox holds them) and said it was not ready
    expect(whileDown).toMatchObject({ status: 503, body: { details: { broker: 'down', database: 'ok' } } });
    expect(new Set(ids).size).toBe(REFERRALS);

    await waitFor(
      async () => {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM hub.referral WHERE id = ANY($1) AND status = 'received'`,
          [ids],
        );
        return rows[0].n === REFERRALS;
      },
      Number(process.env.CHAOS_WAIT ?? 90_000),
      `all ${REFERRALS} referrals received by FK`,
    );

    // exactly once at the agency: one inbox row and one `received` each, and one `received` in each hub timeline
    const agency = await pool.query<{ rows: number; referrals: number; received: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT r.id)::int AS referrals,
              (SELECT count(*)::int FROM fk.referral_event e WHERE e.referral_id = ANY($1) AND e.status = 'received')
                AS received
         FROM fk.referral r WHERE r.id = ANY($1)`,
      [ids],
    );
    expect(agency.rows[0]).toEqual({ rows: REFERRALS, referrals: REFERRALS, received: REFERRALS });
    const timelines = await pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM hub.referral_event WHERE referral_id = ANY($1) GROUP BY status ORDER BY 1`,
      [ids],
    );
    expect(timelines.rows).toEqual([
      { status: 'received', n: REFERRALS },
      { status: 'sent', n: REFERRALS },
    ]);
    const outbox = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub.outbox');
    expect(outbox.rows[0].n).toBe(0);
  });
});
