import { CaseworkerSimulation, type RunningAdapter } from '@hub/adapter-kit';
import { EXCHANGES, queueName, routingKeys, type ReferralCreatedV1, type ReferralStatusV1 } from '@hub/contracts';
import type { MessagingClient } from '@hub/messaging';
import {
  ADAPTERS,
  AGENCY_STAFF,
  agreementAnnouncement,
  agreementKept,
  announceAgreement,
  callAdapter,
  consentFor,
  referral,
  registerExamples,
  SERVICECENTER,
  startTestAdapter,
} from '../support/adapters.js';
import { drainQueue, messagingFor, rawChannel, testPool, waitFor } from '../support/env.js';
import { tokenFor, USERS } from '../support/hub.js';

type Agency = keyof typeof ADAPTERS;

describe.each(['fk', 'af', 'skv'] as const)('%s adapter: referrals', (agency: Agency) => {
  const definition = ADAPTERS[agency];
  const pool = testPool();
  const statusQueue = queueName('hub', `test-referral-status-${agency}`);
  const agreement = agreementAnnouncement(agency);
  const ref = { id: agreement.agreementId, version: 1 };
  let hub: MessagingClient;
  let adapter: RunningAdapter;
  let broker: Awaited<ReturnType<typeof rawChannel>>;
  let subject: string;
  let caseworker: string;
  const seen: ReferralStatusV1[] = [];

  const statuses = async (referralId: string) => {
    for (const m of await drainQueue(broker.channel, statusQueue)) {
      seen.push(JSON.parse(m.content.toString()).payload as ReferralStatusV1);
    }
    return seen.filter((s) => s.referralId === referralId).map((s) => s.status);
  };
  const waitForStatuses = async (referralId: string, expected: string[]) => {
    await waitFor(
      async () => JSON.stringify(await statuses(referralId)) === JSON.stringify(expected),
      10_000,
      `statuses ${expected.join(' → ')} of ${referralId} (saw ${seen.filter((s) => s.referralId === referralId).map((s) => s.status)})`,
    );
  };
  const send = (r: ReferralCreatedV1) =>
    hub.publish(EXCHANGES.referral, routingKeys.referral(agency, r.referralType), {
      type: 'referral.created.v1',
      purpose: 'vagledning',
      agreement: ref,
      correlationId: r.referralId,
      payload: r,
    });
  const withConsent = (overrides: Partial<ReferralCreatedV1> = {}) => {
    const consent = consentFor(agency, []);
    return referral(agency, subject, { consentId: consent.id, consent, ...overrides });
  };
  const inboxRow = (id: string) =>
    pool.query(`SELECT status FROM ${agency}.referral WHERE id = $1`, [id]).then((r) => r.rows);

  beforeAll(async () => {
    broker = await rawChannel('hub');
    await broker.channel.deleteQueue(statusQueue).catch(() => undefined);
    await broker.channel.assertQueue(statusQueue, { durable: false });
    await broker.channel.bindQueue(statusQueue, EXCHANGES.event, routingKeys.referralStatus(agency));
    hub = messagingFor('hub');
    await hub.connect();
    adapter = await startTestAdapter(definition);
    subject = (await registerExamples(pool, definition)).people.ordinary.subject;
    caseworker = await tokenFor(AGENCY_STAFF[agency].caseworker);
    await announceAgreement(hub, agreement);
    await agreementKept(adapter, agency, agreement.agreementId);
  }, 60_000);

  afterAll(async () => {
    await broker?.channel.deleteQueue(statusQueue).catch(() => undefined);
    await broker?.close();
    await adapter?.close();
    await hub?.close();
    await pool.end();
  });

  it('stores a referral delivered twice once and answers received once', async () => {
    const r = withConsent();
    const encoded = hub.codec.encode({
      type: 'referral.created.v1',
      purpose: 'vagledning',
      agreement: ref,
      payload: r,
    });
    const key = routingKeys.referral(agency, r.referralType);
    // the same message twice (a redelivery), and the same referral again under a new message id (a resend)
    await hub.publisher.publish(EXCHANGES.referral, key, encoded.content, encoded.properties);
    await hub.publisher.publish(EXCHANGES.referral, key, encoded.content, encoded.properties);
    await send(r);
    await waitForStatuses(r.referralId, ['received']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await statuses(r.referralId)).toEqual(['received']);
    expect(await inboxRow(r.referralId)).toEqual([{ status: 'received' }]);
  });

  it('cancels a referral not yet accepted when its consent is revoked, and tells the hub', async () => {
    const r = withConsent();
    await send(r);
    await waitForStatuses(r.referralId, ['received']);
    await hub.publish(
      EXCHANGES.event,
      routingKeys.consentRevoked(),
      {
        type: 'consent.revoked.v1',
        payload: {
          consentId: r.consentId!,
          subjectKey: 'b'.repeat(64),
          ...SERVICECENTER,
          revokedAt: new Date().toISOString(),
          revokedBy: 'anna.guide',
        },
      },
      { broadcast: true },
    );
    await waitForStatuses(r.referralId, ['received', 'cancelled']);
    const shown = await callAdapter(adapter, 'GET', `/api/referrals/${r.referralId}`, { token: caseworker });
    expect(shown.body.status).toBe('cancelled');
    expect(shown.body.timeline.at(-1).note).toMatch(/samtycket har återkallats/);
  });

  it('cancels a referral whose withdrawal arrives before the referral itself', async () => {
    const r = withConsent();
    // the hub's withdrawal first (another consumer of the queue may take it before the referral), then the referral
    await hub.publish(EXCHANGES.referral, routingKeys.referral(agency, r.referralType), {
      type: 'referral.status.v1',
      purpose: 'vagledning',
      agreement: ref,
      correlationId: r.referralId,
      payload: {
        referralId: r.referralId,
        agency,
        status: 'cancelled',
        at: new Date().toISOString(),
        actor: { organisation: SERVICECENTER.organisation, name: 'Anna Vägledare' },
        note: 'Ångrat',
      } satisfies ReferralStatusV1,
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await send(r);
    await waitForStatuses(r.referralId, ['received', 'cancelled']);
    expect(await inboxRow(r.referralId)).toEqual([{ status: 'cancelled' }]);
  });

  it('declines at once a referral its own policy check refuses', async () => {
    const r = withConsent({ consentId: undefined, consent: undefined });
    await send(r);
    await waitForStatuses(r.referralId, ['received', 'declined']);
    const shown = await callAdapter(adapter, 'GET', `/api/referrals/${r.referralId}`, { token: caseworker });
    expect(shown.body.timeline.map((e: { status: string }) => e.status)).toEqual(['received', 'declined']);
    expect(shown.body.timeline[1].note).toMatch(/consent-missing/);
  });

  it('moves a referral through the lifecycle as a simulated caseworker would, and publishes each step', async () => {
    const r = withConsent();
    await send(r);
    await waitForStatuses(r.referralId, ['received']);
    const simulation = new CaseworkerSimulation(
      adapter.app.get((await import('@hub/adapter-kit')).ReferralInbox),
      { simulated: true, acceptAfterMs: 0, startAfterMs: 0, closeAfterMs: 0, declineRate: 0 },
      console,
    );
    for (let i = 0; i < 3; i++) await simulation.step(new Date(Date.now() + 1_000));
    await waitForStatuses(r.referralId, ['received', 'accepted', 'in-progress', 'closed']);
    const last = seen.filter((s) => s.referralId === r.referralId).at(-1)!;
    expect(last.actor).toEqual({ organisation: definition.organisation, service: definition.service });
  });

  it('lets the agency’s caseworker list, show and move referrals over HTTP, and nobody else', async () => {
    const r = withConsent();
    await send(r);
    await waitForStatuses(r.referralId, ['received']);
    const inbox = await callAdapter(adapter, 'GET', '/api/inbox?status=received', { token: caseworker });
    expect(inbox.status).toBe(200);
    expect(inbox.body.map((x: { referralId: string }) => x.referralId)).toContain(r.referralId);
    expect(inbox.body.every((x: { status: string }) => x.status === 'received')).toBe(true);

    const path = `/api/referrals/${r.referralId}/status`;
    const accept = await callAdapter(adapter, 'POST', path, {
      token: caseworker,
      body: { status: 'accepted', note: 'Tid bokad på tisdag kl. 10.' },
    });
    expect(accept.status).toBe(200);
    expect(accept.body).toMatchObject({ status: 'accepted', overdue: false });
    const skip = await callAdapter(adapter, 'POST', path, { token: caseworker, body: { status: 'closed' } });
    expect(skip).toMatchObject({ status: 409, body: { error: 'invalid-transition' } });
    const bad = await callAdapter(adapter, 'POST', path, { token: caseworker, body: { status: 'cancelled' } });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
    const unknownField = await callAdapter(adapter, 'POST', path, {
      token: caseworker,
      body: { status: 'in-progress', priority: 'high' },
    });
    expect(unknownField.status).toBe(400);
    await waitForStatuses(r.referralId, ['received', 'accepted']);
    const event = seen.filter((s) => s.referralId === r.referralId).at(-1)!;
    expect(event.actor).toEqual({ organisation: definition.organisation, name: AGENCY_STAFF[agency].caseworker.name });
    expect(event.note).toBe('Tid bokad på tisdag kl. 10.');

    const missing = await callAdapter(adapter, 'GET', '/api/referrals/00000000-0000-4000-8000-000000000000', {
      token: caseworker,
    });
    expect(missing.status).toBe(404);
    expect((await callAdapter(adapter, 'GET', '/api/inbox')).status).toBe(401);
    const municipal = await callAdapter(adapter, 'GET', '/api/inbox', { token: await tokenFor(USERS.guide) });
    expect(municipal).toMatchObject({ status: 403, body: { error: 'wrong-organisation' } });
    const otherAgency = agency === 'fk' ? AGENCY_STAFF.af.caseworker : AGENCY_STAFF.fk.caseworker;
    expect((await callAdapter(adapter, 'GET', '/api/inbox', { token: await tokenFor(otherAgency) })).status).toBe(403);
    const faults = await callAdapter(adapter, 'PUT', '/api/faults', { token: caseworker, body: { down: true } });
    expect(faults.status).toBe(403);
  });

  it('cancels referrals not yet accepted when their agreement is terminated', async () => {
    const r = withConsent();
    await send(r);
    await waitForStatuses(r.referralId, ['received']);
    await announceAgreement(hub, { ...agreement, status: 'terminated', change: 'terminated' });
    await waitForStatuses(r.referralId, ['received', 'cancelled']);
    const shown = await callAdapter(adapter, 'GET', `/api/referrals/${r.referralId}`, { token: caseworker });
    expect(shown.body.timeline.at(-1).note).toMatch(/avtalet har upphört/);
  });
});
