import { randomUUID } from 'node:crypto';
import { EXCHANGES, queueName, routingKeys } from '@hub/contracts';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import { rawChannel, testPool, waitFor } from '../support/env.js';
import { USERS, type TestUser } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const REFERRALS = queueName('adapter-af', 'referrals');
const HUB_EVENTS = queueName('hub', 'events');
const ADMIN: TestUser = USERS.operator;

interface Listed {
  id: string;
  queue: string;
  messageId: string;
  type: string | null;
  correlationId: string | null;
  reason: string;
  parkedAt: string;
  state: string;
}

/** Every way the person's number could be written. */
const spellings = (twelve: string) => [
  twelve,
  `${twelve.slice(0, 8)}-${twelve.slice(8)}`,
  twelve.slice(2),
  `${twelve.slice(2, 8)}-${twelve.slice(8)}`,
];

describe('parked messages: listed, inspected, replayed and discarded by an operator of the hub', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;

  const call = (method: string, path: string, as: TestUser = ADMIN, body?: unknown) =>
    system.hub.call(method, path, { as, body: body ?? (method === 'POST' ? {} : undefined) });
  const parked = async (query = '') =>
    (await call('GET', `/api/parked-messages${query}`)).body as {
      queues: Array<{ queue: string; parked: number }>;
      messages: Listed[];
    };
  const parkedWhere = async (query: string, match: (m: Listed) => boolean, what: string) => {
    let found: Listed | undefined;
    await waitFor(async () => (found = (await parked(query)).messages.find(match)) !== undefined, 30_000, what);
    return found!;
  };
  const parkedReferral = (referralId: string) =>
    parkedWhere(`?queue=${REFERRALS}`, (m) => m.correlationId === referralId, 'the referral to be parked');

  /** The agency's register refuses every new referral, as a broken back end would, until repaired. */
  const breakInbox = () =>
    pool.query(`
      CREATE OR REPLACE FUNCTION af.test_refuse_referral() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'the case register is down'; END $$;
      DROP TRIGGER IF EXISTS test_refuse_referral ON af.referral;
      CREATE TRIGGER test_refuse_referral BEFORE INSERT ON af.referral
        FOR EACH ROW EXECUTE FUNCTION af.test_refuse_referral();`);
  const repairInbox = () => pool.query(`DROP TRIGGER IF EXISTS test_refuse_referral ON af.referral`);

  const consentAndSend = async () => {
    const subject = people.jobSeeker.subject;
    const consent = await system.hub.call('POST', '/api/consents', {
      as: USERS.guide,
      body: {
        subject,
        purposes: ['vagledning'],
        agencies: ['af'],
        categories: ['af.inskrivning'],
        method: 'in-person-verbal',
        validUntil: '2027-06-30',
      },
    });
    expect(consent.status).toBe(201);
    const sent = await system.hub.call('POST', '/api/referrals', {
      as: USERS.guide,
      body: {
        subject,
        agency: 'af',
        referralType: 'af.inskrivning-arbetssokande',
        purpose: 'vagledning',
        message: 'Vill skriva in sig.',
        contactPreference: 'phone',
        consentId: consent.body.id,
      },
    });
    expect(sent.status).toBe(201);
    return { consentId: consent.body.id as string, referralId: sent.body.id as string };
  };
  const statusOf = async (id: string) =>
    (await system.hub.call('GET', `/api/referrals/${id}`, { as: USERS.guide })).body.status;

  beforeAll(async () => {
    system = await startSystem();
    ({ people } = await registerExamples(pool, ADAPTERS.af));
    await pool.query(`DELETE FROM hub.parked_message`);
  }, 90_000);

  afterAll(async () => {
    await repairInbox().catch(() => undefined);
    await system?.close();
    await pool.end();
  });

  it('a referral the agency could not take in is listed without personal data, inspected masked, and audited', async () => {
    await breakInbox();
    const { referralId } = await consentAndSend();
    const listed = await parkedReferral(referralId);
    await repairInbox();
    expect(listed).toMatchObject({ queue: REFERRALS, type: 'referral.created.v1', state: 'parked' });
    expect(listed.reason).toMatch(/handler failed 5 times: the case register is down/);
    const list = await call('GET', '/api/parked-messages');
    expect(list.body.queues).toContainEqual({ queue: REFERRALS, parked: 1 });
    for (const spelling of spellings(people.jobSeeker.subject))
      expect(JSON.stringify(list.body)).not.toContain(spelling);
    expect(JSON.stringify(list.body)).not.toContain('Vill skriva in sig');

    const inspected = await call('GET', `/api/parked-messages/${listed.id}`);
    expect(inspected.status).toBe(200);
    expect(inspected.body.sender).toBe('hub');
    expect(inspected.body.envelope.payload).toMatchObject({
      referralId,
      subject: `${people.jobSeeker.subject.slice(0, 8)}-****`,
      message: 'Vill skriva in sig.',
    });
    expect(inspected.body.headers['x-signature']).toBe('(present)');
    const audited = await pool.query(
      `SELECT outcome, actor, subject_key FROM audit.entry WHERE kind = 'parked-message' AND correlation_id = $1`,
      [referralId],
    );
    expect(audited.rows).toEqual([{ outcome: 'inspected', actor: ADMIN.id, subject_key: expect.any(String) }]);
  }, 60_000);

  it('is for operators of the hub only: they hold every tenant’s messages', async () => {
    const [listed] = (await parked(`?queue=${REFERRALS}`)).messages;
    const stray: TestUser = { ...USERS.municipalityAdmin, roles: ['admin', 'operator'] };
    for (const user of [USERS.guide, USERS.auditor, USERS.manager, USERS.municipalityAdmin, USERS.fkAdmin, stray]) {
      expect((await call('GET', '/api/parked-messages', user)).status).toBe(403);
      expect((await call('GET', `/api/parked-messages/${listed.id}`, user)).status).toBe(403);
      expect((await call('POST', `/api/parked-messages/${listed.id}/replay`, user)).status).toBe(403);
      expect((await call('POST', `/api/parked-messages/${listed.id}/discard`, user)).status).toBe(403);
    }
    expect((await parked(`?queue=${REFERRALS}`)).messages).toHaveLength(1);
  });

  it('a replay after the cause is repaired delivers the referral once', async () => {
    const [listed] = (await parked(`?queue=${REFERRALS}`)).messages;
    const referralId = listed.correlationId!;
    expect(await statusOf(referralId)).toBe('sent');
    const replayed = await call('POST', `/api/parked-messages/${listed.id}/replay`);
    expect(replayed.status).toBe(200);
    expect(replayed.body.state).toBe('replayed');
    await waitFor(async () => (await statusOf(referralId)) === 'received', 10_000, 'the agency to receive it');

    const again = await call('POST', `/api/parked-messages/${listed.id}/replay`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('not-parked');
    const stored = await pool.query(`SELECT count(*)::int AS n FROM af.referral WHERE id = $1`, [referralId]);
    expect(stored.rows[0].n).toBe(1);
    const timeline = await system.hub.call('GET', `/api/referrals/${referralId}`, { as: USERS.guide });
    expect(timeline.body.timeline.map((e: { status: string }) => e.status)).toEqual(['sent', 'received']);
    expect((await parked(`?queue=${REFERRALS}`)).messages).toHaveLength(0);
    const audited = await pool.query(
      `SELECT outcome FROM audit.entry WHERE kind = 'parked-message' AND correlation_id = $1 ORDER BY seq`,
      [referralId],
    );
    expect(audited.rows.map((r) => r.outcome)).toEqual(['inspected', 'replayed', 'replay-refused']);
  });

  it('a replay after the consent was revoked is refused, and the message stays parked until discarded', async () => {
    await breakInbox();
    const { consentId, referralId } = await consentAndSend();
    const listed = await parkedReferral(referralId);
    await repairInbox();
    const revoked = await system.hub.call('POST', `/api/consents/${consentId}/revoke`, { as: USERS.guide, body: {} });
    expect(revoked.status).toBe(200);

    const refused = await call('POST', `/api/parked-messages/${listed.id}/replay`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'consent-missing',
      details: { consentProblem: 'consent-not-revoked' },
    });
    expect((await parked(`?queue=${REFERRALS}`)).messages.map((m) => m.id)).toEqual([listed.id]);
    expect(await statusOf(referralId)).toBe('sent');

    const discarded = await call('POST', `/api/parked-messages/${listed.id}/discard`);
    expect(discarded.status).toBe(200);
    expect(discarded.body.state).toBe('discarded');
    expect((await parked(`?queue=${REFERRALS}`)).messages).toHaveLength(0);
    expect((await parked(`?state=discarded`)).messages.map((m) => m.id)).toContain(listed.id);
    expect((await call('POST', `/api/parked-messages/${listed.id}/discard`)).status).toBe(409);
    const stored = await pool.query(`SELECT count(*)::int AS n FROM af.referral WHERE id = $1`, [referralId]);
    expect(stored.rows[0].n).toBe(0);
  }, 60_000);

  it('a replay to a queue that is gone is refused, and the message stays parked', async () => {
    await breakInbox();
    const { referralId } = await consentAndSend();
    const listed = await parkedReferral(referralId);
    await repairInbox();
    // the agency's queue disappears, as when its adapter is removed; the suite's last use of that queue
    const owner = await rawChannel('adapter-af');
    await owner.channel.deleteQueue(REFERRALS);
    await owner.close();
    const refused = await call('POST', `/api/parked-messages/${listed.id}/replay`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('destination-unavailable');
    expect((await parked(`?queue=${REFERRALS}`)).messages.map((m) => m.id)).toEqual([listed.id]);
  }, 60_000);

  it("a malformed message on the hub's own queue is listed, and cannot be replayed", async () => {
    const sender = await rawChannel('adapter-af');
    const messageId = randomUUID();
    sender.channel.publish(EXCHANGES.event, routingKeys.referralStatus('af'), Buffer.from('{"half": '), {
      persistent: true,
      messageId,
      userId: 'adapter-af',
    });
    await sender.channel.waitForConfirms();
    await sender.close();
    const listed = await parkedWhere(
      `?queue=${HUB_EVENTS}`,
      (m) => m.messageId === messageId,
      'the malformed message to be parked',
    );
    expect(listed.reason).toMatch(/JSON/);
    const inspected = await call('GET', `/api/parked-messages/${listed.id}`);
    expect(inspected.body).toMatchObject({ envelope: null, body: '{"half": ', sender: 'adapter-af' });
    const refused = await call('POST', `/api/parked-messages/${listed.id}/replay`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('unreadable-message');
  });
});
