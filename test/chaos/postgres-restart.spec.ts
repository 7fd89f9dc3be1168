import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import { testPool, waitFor } from '../support/env.js';
import { USERS } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';
import { frontOffice, keepConnectionsLonger } from './support/front-office.js';
import { privatePostgres } from './support/private-services.js';

describe('PostgreSQL restarted under the running system', () => {
  let system: RunningSystem;
  let people: ExamplePeople;
  let staff: ReturnType<typeof frontOffice>;

  beforeAll(async () => {
    system = await startSystem();
    keepConnectionsLonger(system.hub);
    const pool = testPool();
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    await pool.end();
    staff = frontOffice(system.hub);
  }, 120_000);

  afterAll(async () => {
    await privatePostgres.start();
    await system?.close();
  });

  it('reports not-ready and refuses new work with 503 while the database is down, then recovers by itself', async () => {
    const { hub } = system;
    expect((await hub.call('GET', '/health/ready')).status).toBe(200);
    const consented = await staff.consent(people.ordinary.subject);
    expect(consented.status).toBe(201);
    const consentId = consented.body.id as string;
    const before = await staff.referral(people.ordinary.subject, consentId);
    expect(before).toMatchObject({ status: 201 });

    await privatePostgres.stop('immediate');
    try {
      const ready = await hub.call('GET', '/health/ready');
      expect(ready).toMatchObject({ status: 503, body: { error: 'not-ready', details: { database: 'down' } } });
      expect((await hub.call('GET', '/health/live')).status).toBe(200);

      const refused = {
        query: await staff.query(people.ordinary.subject),
        referral: await staff.referral(people.ordinary.subject, consentId),
        consent: await staff.consent(people.jobSeeker.subject),
        list: await hub.call('GET', '/api/referrals', { as: USERS.guide }),
      };
      for (const [what, response] of Object.entries(refused)) {
        expect({ what, ...response }).toMatchObject({
          what,
          status: 503,
          body: { statusCode: 503, error: 'service-unavailable' },
        });
      }
    } finally {
      await privatePostgres.start();
    }

    await waitFor(async () => (await hub.call('GET', '/health/ready')).status === 200, 30_000, 'the hub to be ready');

    // new work of every kind goes through again, with no restart of the hub or the adapters
    const consent = await staff.consent(people.jobSeeker.subject);
    expect(consent.status).toBe(201);
    const query = await staff.query(people.ordinary.subject);
    expect(query.status).toBe(200);
    expect(query.body.results.map((r: { agency: string; status: string }) => [r.agency, r.status])).toEqual([
      ['fk', 'ok'],
      ['af', 'ok'],
      ['skv', 'ok'],
    ]);
    const after = await staff.referral(people.ordinary.subject, consentId);
    expect(after.status).toBe(201);
    // both referrals reach the agency: the one sent before the outage and the one after it
    for (const id of [before.body.id, after.body.id]) {
      await waitFor(async () => (await staff.referralStatus(id)) === 'received', 20_000, `referral ${id} received`);
    }

    // the outbox and the change feeds listen again (they would otherwise fall back on polling or go stale)
    const pool = testPool();
    try {
      await waitFor(
        async () => {
          const { rows } = await pool.query<{ query: string }>(
            `SELECT query FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
          );
          const channels = rows.map((r) => r.query);
          return ['hub_outbox', 'fk_outbox', 'af_outbox', 'skv_outbox'].every((c) => channels.includes(`LISTEN ${c}`));
        },
        20_000,
        'the outboxes to LISTEN again',
      );
      const audit = await hub.call('GET', '/api/audit/verify', { as: USERS.auditor });
      expect(audit.body).toMatchObject({ ok: true });
    } finally {
      await pool.end();
    }
  });
});
