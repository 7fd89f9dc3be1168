import { EXCHANGES, routingKeys, type ReferralStatus, type ReferralStatusV1 } from '@hub/contracts';
import { PgOutbox, type MessagingClient } from '@hub/messaging';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import { messagingFor, testPool, waitFor } from '../support/env.js';
import { USERS } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

/**
 * Zero trust between parties: an agency's adapter moves only its own referrals, only along the lifecycle, and its
 * clock dates nothing at the hub.
 */
describe('the hub enforces the referral lifecycle on agency status events', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;
  let af: MessagingClient;
  let fk: MessagingClient;

  const call = (method: string, path: string, body?: unknown) =>
    system.hub.call(method, path, { as: USERS.guide, body });
  const shown = async (id: string) => (await call('GET', `/api/referrals/${id}`)).body;
  const send = async () => {
    const consent = await call('POST', '/api/consents', {
      subject: people.jobSeeker.subject,
      purposes: ['vagledning'],
      agencies: ['af'],
      categories: ['af.inskrivning'],
      method: 'in-person-verbal',
      validUntil: '2027-06-30',
    });
    const sent = await call('POST', '/api/referrals', {
      subject: people.jobSeeker.subject,
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
      purpose: 'vagledning',
      message: 'Personen vill skriva in sig.',
      contactPreference: 'phone',
      consentId: consent.body.id,
    });
    expect(sent.status).toBe(201);
    return sent.body as { id: string; agreement: { id: string; version: number } };
  };
  const received = async () => {
    const referral = await send();
    await waitFor(async () => (await shown(referral.id)).status === 'received', 10_000, 'the referral to be received');
    return referral;
  };
  /** A status event as an agency's adapter publishes it, encoded once so that it can be sent again as it is. */
  const statusEvent = (
    client: MessagingClient,
    referral: { id: string; agreement: { id: string; version: number } },
    status: ReferralStatus,
    overrides: Partial<ReferralStatusV1> = {},
  ) => {
    const agency = client === fk ? 'fk' : 'af';
    // each speaks for itself: a payload naming another agency is parked by the sender rules before the hub reads it
    const payload: ReferralStatusV1 = {
      referralId: referral.id,
      agency,
      status,
      at: new Date().toISOString(),
      actor: { organisation: ADAPTERS[agency].organisation, service: `adapter-${agency}` },
      ...overrides,
    };
    const encoded = client.codec.encode({
      type: 'referral.status.v1',
      correlationId: referral.id,
      purpose: 'vagledning',
      agreement: referral.agreement,
      payload,
    });
    return {
      id: encoded.envelope.id,
      publish: () =>
        client.publisher.publish(EXCHANGES.event, routingKeys.referralStatus(agency), encoded.content, {
          ...encoded.properties,
          mandatory: true,
        }),
    };
  };
  const refusals = async (referralId: string) =>
    (
      await pool.query<{ details: { reason: string; status: string; messageId: string } }>(
        `SELECT details FROM audit.entry WHERE kind = 'referral' AND outcome = 'refused' AND correlation_id = $1`,
        [referralId],
      )
    ).rows.map((r) => r.details);
  const refusedOnce = (referralId: string, messageId: string) =>
    waitFor(
      async () => (await refusals(referralId)).some((d) => d.messageId === messageId),
      10_000,
      `the refusal of ${messageId} to be audited`,
    );

  beforeAll(async () => {
    system = await startSystem();
    ({ people } = await registerExamples(pool, ADAPTERS.af));
    af = messagingFor('adapter-af');
    fk = messagingFor('adapter-fk');
    await Promise.all([af.connect(), fk.connect()]);
  }, 90_000);

  afterAll(async () => {
    await af?.close();
    await fk?.close();
    await system?.close();
    await pool.end();
  });

  it('does not move a declined referral on when the agency then reports it in progress', async () => {
    const referral = await received();
    await statusEvent(af, referral, 'declined').publish();
    await waitFor(async () => (await shown(referral.id)).status === 'declined', 10_000, 'the decline');
    const inProgress = statusEvent(af, referral, 'in-progress');
    await inProgress.publish();
    await refusedOnce(referral.id, inProgress.id);
    const after = await shown(referral.id);
    expect(after.status).toBe('declined');
    expect(after.timeline.map((e: { status: string }) => e.status)).toEqual(['sent', 'received', 'declined']);
    expect(await refusals(referral.id)).toEqual([
      expect.objectContaining({ reason: 'invalid-transition', status: 'in-progress', messageId: inProgress.id }),
    ]);
  }, 30_000);

  it('refuses `closed` for a referral the agency has not even received', async () => {
    const outbox = system.hub.app.get(PgOutbox);
    // held in the outbox: the adapter never sees it, so the referral stays sent
    await outbox.stop();
    try {
      const referral = await send();
      const closed = statusEvent(af, referral, 'closed');
      await closed.publish();
      await refusedOnce(referral.id, closed.id);
      const after = await shown(referral.id);
      expect(after.status).toBe('sent');
      expect(after.timeline.map((e: { status: string }) => e.status)).toEqual(['sent']);
    } finally {
      await outbox.start();
    }
  }, 30_000);

  it('dates a status by the hub’s clock and keeps the agency’s reported time beside it', async () => {
    const referral = await received();
    const before = Date.now();
    await statusEvent(af, referral, 'accepted', { at: '2020-01-01T00:00:00.000Z' }).publish();
    await waitFor(async () => (await shown(referral.id)).status === 'accepted', 10_000, 'the acceptance');
    const after = await shown(referral.id);
    expect(Date.parse(after.statusAt)).toBeGreaterThanOrEqual(before - 1_000);
    const accepted = after.timeline.find((e: { status: string }) => e.status === 'accepted');
    expect(Date.parse(accepted.at)).toBeGreaterThanOrEqual(before - 1_000);
    expect(accepted.reportedAt).toBe('2020-01-01T00:00:00.000Z');
    // the timeline is in the hub's order, whatever the agency's clock says
    expect(after.timeline.map((e: { status: string }) => e.status)).toEqual(['sent', 'received', 'accepted']);
    const audited = await pool.query(
      `SELECT details FROM audit.entry WHERE kind = 'referral' AND outcome = 'accepted' AND correlation_id = $1`,
      [referral.id],
    );
    expect(audited.rows[0].details).toMatchObject({ reportedAt: '2020-01-01T00:00:00.000Z' });
  }, 30_000);

  it('refuses a status event from another agency than the referral’s, and audits it', async () => {
    const referral = await received();
    const foreign = statusEvent(fk, referral, 'declined');
    await foreign.publish();
    await refusedOnce(referral.id, foreign.id);
    expect((await refusals(referral.id))[0]).toMatchObject({ reason: 'not-the-referrals-agency' });
    const after = await shown(referral.id);
    expect(after.status).toBe('received');
    expect(after.timeline.map((e: { status: string }) => e.status)).toEqual(['sent', 'received']);
  }, 30_000);

  it('refuses a status event whose actor is of another organisation than the sending agency', async () => {
    const referral = await received();
    const posing = statusEvent(af, referral, 'accepted', {
      actor: { organisation: USERS.guide.organisation, name: 'Anna Vägledare' },
    });
    await posing.publish();
    await refusedOnce(referral.id, posing.id);
    expect((await refusals(referral.id))[0]).toMatchObject({ reason: 'actor-not-the-sender' });
    expect((await shown(referral.id)).status).toBe('received');
  }, 30_000);

  it('records the same event once, however often it comes', async () => {
    const referral = await received();
    const accepted = statusEvent(af, referral, 'accepted');
    await accepted.publish();
    await accepted.publish();
    await waitFor(async () => (await shown(referral.id)).status === 'accepted', 10_000, 'the acceptance');
    const inProgress = statusEvent(af, referral, 'in-progress');
    await inProgress.publish();
    await waitFor(async () => (await shown(referral.id)).status === 'in-progress', 10_000, 'in progress');
    await accepted.publish();
    await new Promise((r) => setTimeout(r, 500));
    const after = await shown(referral.id);
    expect(after.timeline.map((e: { status: string }) => e.status)).toEqual([
      'sent',
      'received',
      'accepted',
      'in-progress',
    ]);
    expect(await refusals(referral.id)).toEqual([]);
  }, 30_000);
});
