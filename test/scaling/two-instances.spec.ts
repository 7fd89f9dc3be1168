import { randomUUID } from 'node:crypto';
import type { RunningAdapter } from '@hub/adapter-kit';
import { EXCHANGES, routingKeys, type QueryReplyV1 } from '@hub/contracts';
import { MessagingClient, PgOutbox, type ConsumerStats, type GatherResult } from '@hub/messaging';
import type { ExamplePeople } from '@hub/registers';
import {
  ADAPTERS,
  agreementAnnouncement,
  agreementKept,
  announceAgreement,
  consentFor,
  query,
  registerExamples,
  startTestAdapter,
} from '../support/adapters.js';
import { drainQueue, messagingFor, quietLogger, rawChannel, testPool, waitFor } from '../support/env.js';
import { startHub, USERS, type RunningHub } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const FAST_CASEWORKER = {
  CASEWORKER: 'simulated',
  CASEWORKER_ACCEPT_AFTER_MS: '100',
  CASEWORKER_START_AFTER_MS: '100',
  CASEWORKER_CLOSE_AFTER_MS: '100',
  CASEWORKER_DECLINE_RATE: '0',
};
const LIFECYCLE = ['sent', 'received', 'accepted', 'in-progress', 'closed'];

const statsOf = (app: { get(token: typeof MessagingClient): MessagingClient }, queue: string): ConsumerStats =>
  app.get(MessagingClient).consumerStats()[queue];

describe('two instances of the hub and of an adapter on one database and vhost', () => {
  const pool = testPool();
  let system: RunningSystem;
  let secondHub: RunningHub;
  let secondAf: RunningAdapter;
  let people: ExamplePeople;
  let consentId: string;

  beforeAll(async () => {
    system = await startSystem({ af: FAST_CASEWORKER });
    // the second instances join the first ones' queues as competing consumers
    secondHub = await startHub({ keepQueues: true, env: { DEMO_AGREEMENTS: 'false' } });
    secondAf = await startTestAdapter(ADAPTERS.af, FAST_CASEWORKER, { keepQueues: true });
    await secondAf.announced;
    ({ people } = await registerExamples(pool, ADAPTERS.af));
    const consent = await system.hub.call('POST', '/api/consents', {
      as: USERS.guide,
      body: {
        subject: people.jobSeeker.subject,
        purposes: ['vagledning'],
        agencies: ['af'],
        categories: ['af.inskrivning'],
        method: 'in-person-verbal',
        validUntil: '2027-06-30',
      },
    });
    expect(consent.status).toBe(201);
    consentId = consent.body.id;
  }, 120_000);

  afterAll(async () => {
    await secondAf?.close();
    await secondHub?.close();
    await system?.close();
    await pool.end();
  });

  it('shares queries between the hubs and between the adapters, each answered once', async () => {
    const hubs = [system.hub, secondHub];
    const afInstances = [system.adapters.af.app, secondAf.app];
    const before = afInstances.map((app) => statsOf(app, 'q.adapter-af.queries').processed);
    const QUERIES = 20;
    const queryIds: string[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const { status, body } = await hubs[i % 2].call('POST', '/api/queries', {
        as: USERS.guide,
        body: {
          subject: people.jobSeeker.subject,
          purpose: 'vagledning',
          agencies: ['af'],
          categories: ['af.inskrivning'],
          consentId,
        },
      });
      expect({ status, result: body.results?.[0]?.status, denied: body.results?.[0]?.denied }).toEqual({
        status: 200,
        result: 'ok',
        denied: [],
      });
      queryIds.push(body.queryId);
    }
    const handled = afInstances.map((app, i) => statsOf(app, 'q.adapter-af.queries').processed - before[i]);
    // both adapter instances answered some, and together exactly one answer per query
    expect(handled.every((n) => n > 0)).toBe(true);
    expect(handled[0] + handled[1]).toBe(QUERIES);
    // each query audited once, by the hub that was asked
    expect(new Set(queryIds).size).toBe(QUERIES);
    const audited = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit.entry WHERE kind = 'query' AND correlation_id = ANY($1::text[])`,
      [queryIds],
    );
    expect(audited.rows[0].n).toBe(QUERIES);
  });

  it('stores, publishes and moves each referral once, whichever hub and adapter instance handles it', async () => {
    const hubs = [system.hub, secondHub];
    const afInstances = [system.adapters.af.app, secondAf.app];
    const hubInstances = [system.hub.app, secondHub.app];
    const REFERRALS = 12;
    const ids: string[] = [];
    for (let i = 0; i < REFERRALS; i++) {
      const { status, body } = await hubs[i % 2].call('POST', '/api/referrals', {
        as: USERS.guide,
        body: {
          subject: people.jobSeeker.subject,
          agency: 'af',
          referralType: 'af.inskrivning-arbetssokande',
          purpose: 'vagledning',
          message: `Referral ${i} from hub ${i % 2}: personen vill skriva in sig.`,
          contactPreference: 'phone',
          consentId,
        },
      });
      expect(status).toBe(201);
      ids.push(body.id);
    }
    for (const id of ids) {
      await waitFor(
        async () => (await hubs[1].call('GET', `/api/referrals/${id}`, { as: USERS.guide })).body.status === 'closed',
        30_000,
        `referral ${id} to be closed`,
      );
    }

    // one status timeline per referral, the same through either hub
    for (const id of ids) {
      for (const hub of hubs) {
        const { body } = await hub.call('GET', `/api/referrals/${id}`, { as: USERS.guide });
        expect({ id, timeline: body.timeline.map((e: { status: string }) => e.status) }).toEqual({
          id,
          timeline: LIFECYCLE,
        });
      }
    }
    // stored once at the agency, and each step taken once there, though two simulated caseworkers raced for it
    const stored = await pool.query<{ id: string }>('SELECT id FROM af.referral WHERE id = ANY($1::uuid[])', [ids]);
    expect(stored.rows).toHaveLength(REFERRALS);
    const steps = await pool.query<{ referral_id: string; statuses: string[] }>(
      `SELECT referral_id, array_agg(status ORDER BY seq) AS statuses FROM af.referral_event
        WHERE referral_id = ANY($1::uuid[]) GROUP BY referral_id`,
      [ids],
    );
    expect(steps.rows).toHaveLength(REFERRALS);
    for (const row of steps.rows) expect(new Set(row.statuses).size).toBe(row.statuses.length);
    // audit: one entry per step of each referral, not one per instance
    const audited = await pool.query<{ correlation_id: string; outcomes: string[] }>(
      `SELECT correlation_id, array_agg(outcome ORDER BY seq) AS outcomes FROM audit.entry
        WHERE kind = 'referral' AND correlation_id = ANY($1::text[]) GROUP BY correlation_id`,
      [ids],
    );
    expect(audited.rows).toHaveLength(REFERRALS);
    for (const row of audited.rows) expect(row.outcomes).toEqual(LIFECYCLE);

    // the work was shared: each adapter instance took referrals, each hub instance took status events, and no
    // message came twice (an outbox row published twice would show here as a duplicate the consumer dropped)
    const referralStats = afInstances.map((app) => statsOf(app, 'q.adapter-af.referrals'));
    const eventStats = hubInstances.map((app) => statsOf(app, 'q.hub.events'));
    expect(referralStats.map((s) => s.processed > 0)).toEqual([true, true]);
    expect(eventStats.map((s) => s.processed > 0)).toEqual([true, true]);
    expect([...referralStats, ...eventStats].map((s) => s.duplicates)).toEqual([0, 0, 0, 0]);
    expect((await pool.query('SELECT count(*)::int AS n FROM hub.outbox')).rows[0].n).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM af.outbox')).rows[0].n).toBe(0);
  }, 90_000);

  it('holds a consent revocation on both adapter instances, though only one of them consumed the event', async () => {
    const hub = messagingFor('hub');
    await hub.connect();
    try {
      const agreement = agreementAnnouncement('af');
      await announceAgreement(hub, agreement);
      await agreementKept(system.adapters.af, 'af', agreement.agreementId, 10_000);
      await agreementKept(secondAf, 'af', agreement.agreementId, 10_000);
      const ref = { id: agreement.agreementId, version: 1 };
      const consent = consentFor('af', ['af.inskrivning']);
      const ask = () =>
        query(hub, 'af', ref, {
          subject: people.jobSeeker.subject,
          categories: ['af.inskrivning'],
          consentId: consent.id,
          consent,
        });
      // one turn apart, so that each goes as a message of its own: the requests of one turn to one agency go in one
      // bundle, which one instance handles
      const asks = async (n: number) => {
        const results: Promise<GatherResult<QueryReplyV1>>[] = [];
        for (let i = 0; i < n; i++) {
          results.push(ask());
          await new Promise((resolve) => setImmediate(resolve));
        }
        return results;
      };
      const afInstances = [system.adapters.af.app, secondAf.app];
      const handledBy = async (results: Promise<GatherResult<QueryReplyV1>>[]) => {
        const before = afInstances.map((app) => statsOf(app, 'q.adapter-af.queries').processed);
        const replies = (await Promise.all(results)).map((r) => (r.status === 'ok' ? r.reply.payload : r.status));
        return {
          replies,
          handled: afInstances.map((app, i) => statsOf(app, 'q.adapter-af.queries').processed - before[i]),
        };
      };
      const before = await handledBy(await asks(10));
      expect(before.replies.map((r) => (typeof r === 'string' ? r : r.status))).toEqual(Array(10).fill('ok'));

      const eventsBefore = afInstances.map((app) => statsOf(app, 'q.adapter-af.events').processed);
      await hub.publish(
        EXCHANGES.event,
        routingKeys.consentRevoked(),
        {
          type: 'consent.revoked.v1',
          payload: {
            consentId: consent.id,
            subjectKey: 'a'.repeat(64),
            organisation: consent.organisation,
            unit: consent.unit,
            revokedAt: new Date().toISOString(),
            revokedBy: 'anna.guide',
          },
        },
        { broadcast: true },
      );
      await waitFor(
        async () =>
          (await pool.query('SELECT 1 FROM af.revoked_consent WHERE consent_id = $1', [consent.id])).rowCount === 1,
        10_000,
        'the revocation to be stored',
      );
      const consumedBy = afInstances.map((app, i) => statsOf(app, 'q.adapter-af.events').processed - eventsBefore[i]);
      expect(consumedBy.sort()).toEqual([0, 1]);
      // the other instance learns of it by notification; give that a moment, then every query is refused
      await waitFor(
        async () => {
          const after = await handledBy(await asks(10));
          return (
            after.handled.every((n) => n > 0) &&
            after.replies.every((r) => typeof r !== 'string' && r.status === 'denied')
          );
        },
        10_000,
        'both instances to refuse the revoked consent',
      );
    } finally {
      await hub.close();
    }
  }, 30_000);

  it('relays each outbox row exactly once when two relays drain one outbox at the same time', async () => {
    const schema = 'scaling_probe';
    // on the one exchange where the hub may both write and bind a key of its own: its own dead-letter keys
    const queue = 'q.hub.scaling-probe';
    const routingKey = queue;
    const ROWS = 400;
    const probe = await rawChannel('hub');
    const clients = [messagingFor('hub'), messagingFor('hub')];
    const relays = clients.map(
      (client) => new PgOutbox(pool, client, { schema, pollMs: 50, batchSize: 10 }, quietLogger),
    );
    try {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await relays[0].migrate();
      await probe.channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await probe.channel.purgeQueue(queue);
      await probe.channel.bindQueue(queue, EXCHANGES.deadLetter, routingKey);
      await Promise.all(clients.map((client) => client.connect()));
      for (let done = 0; done < ROWS; done += 20) {
        const tx = await pool.connect();
        try {
          await tx.query('BEGIN');
          for (let i = 0; i < 20; i++) {
            await relays[0].enqueue(tx, EXCHANGES.deadLetter, routingKey, {
              type: 'consent.revoked.v1',
              payload: { consentId: randomUUID(), n: done + i },
            });
          }
          await tx.query('COMMIT');
        } finally {
          tx.release();
        }
      }
      await Promise.all(relays.map((relay) => relay.start()));
      await waitFor(
        async () => (await pool.query(`SELECT count(*)::int AS n FROM ${schema}.outbox`)).rows[0].n === 0,
        30_000,
        'both relays to drain the outbox',
      );
      await Promise.all(relays.map((relay) => relay.stop()));
      const messages = await drainQueue(probe.channel, queue);
      const ids = messages.map((m) => m.properties.messageId as string);
      expect(ids).toHaveLength(ROWS);
      expect(new Set(ids).size).toBe(ROWS);
      expect(relays[0].published + relays[1].published).toBe(ROWS);
      // both relays took part: SKIP LOCKED hands each the batches the other has not locked
      expect(relays.map((relay) => relay.published > 0)).toEqual([true, true]);
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
      await Promise.all(clients.map((client) => client.close()));
      await probe.channel.deleteQueue(queue).catch(() => undefined);
      await probe.close();
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  }, 60_000);
});
