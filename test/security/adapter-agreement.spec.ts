import { randomUUID } from 'node:crypto';
import type { RunningAdapter } from '@hub/adapter-kit';
import { EXCHANGES, routingKeys, type QueryReplyV1, type ReferralCreatedV1 } from '@hub/contracts';
import type { GatherResult, MessagingClient } from '@hub/messaging';
import {
  ADAPTERS,
  AGENCY_STAFF,
  agreementAnnouncement,
  agreementKept,
  announceAgreement,
  callAdapter,
  consentFor,
  query,
  referral,
  registerExamples,
  startTestAdapter,
} from '../support/adapters.js';
import { messagingFor, testPool, waitFor } from '../support/env.js';
import { tokenFor } from '../support/hub.js';

/**
 * Zero trust between parties: an adapter answers a query, and takes a referral on, only under the agreement version
 * the message names, and only when it holds that version and it is in force, whatever else it holds.
 */
describe('an adapter acts only under the agreement a message names', () => {
  const agency = 'af';
  const pool = testPool();
  const inForce = agreementAnnouncement(agency);
  const categories = ADAPTERS.af.categories.filter((c) => c.secrecyClass === 'public').map((c) => c.code);
  let hub: MessagingClient;
  let adapter: RunningAdapter;
  let subject: string;
  let caseworker: string;

  const replyOf = (result: GatherResult<QueryReplyV1>): QueryReplyV1 => {
    if (result.status !== 'ok') throw new Error(`the adapter answered ${result.status}`);
    return result.reply.payload;
  };
  const ask = async (agreement: { id: string; version: number }) =>
    replyOf(await query(hub, agency, agreement, { subject, categories }));
  const sendReferral = async (agreement: { id: string; version: number }) => {
    const consent = consentFor(agency, []);
    const r: ReferralCreatedV1 = referral(agency, subject, { consentId: consent.id, consent });
    await hub.publish(EXCHANGES.referral, routingKeys.referral(agency, r.referralType), {
      type: 'referral.created.v1',
      purpose: 'vagledning',
      agreement,
      correlationId: r.referralId,
      payload: r,
    });
    return r.referralId;
  };
  const timelineOf = async (id: string) => {
    let shown: { status: number; body: any } = { status: 0, body: undefined };
    await waitFor(
      async () => {
        shown = await callAdapter(adapter, 'GET', `/api/referrals/${id}`, { token: caseworker });
        return shown.status === 200 && shown.body.timeline.length >= 2;
      },
      10_000,
      `referral ${id} to be received and answered`,
    );
    return shown.body.timeline as Array<{ status: string; note?: string }>;
  };

  beforeAll(async () => {
    hub = messagingFor('hub');
    await hub.connect();
    adapter = await startTestAdapter(ADAPTERS[agency]);
    subject = (await registerExamples(pool, ADAPTERS[agency])).people.ordinary.subject;
    caseworker = await tokenFor(AGENCY_STAFF[agency].caseworker);
    await announceAgreement(hub, inForce);
    await agreementKept(adapter, agency, inForce.agreementId);
  }, 60_000);

  afterAll(async () => {
    await adapter?.close();
    await hub?.close();
    await pool.end();
  });

  it('answers under the agreement it holds and the query names', async () => {
    expect(await ask({ id: inForce.agreementId, version: 1 })).toMatchObject({ status: 'ok' });
  }, 30_000);

  it('denies a query naming an agreement it has never seen, though another is in force for the parties', async () => {
    const reply = await ask({ id: randomUUID(), version: 1 });
    expect(reply).toMatchObject({ status: 'denied', reason: 'no-agreement', released: [] });
    const unknownVersion = await ask({ id: inForce.agreementId, version: 7 });
    expect(unknownVersion).toMatchObject({ status: 'denied', reason: 'no-agreement', released: [] });
  }, 30_000);

  it('denies a query naming a version it holds that is not in force', async () => {
    const suspended = agreementAnnouncement(agency, { status: 'suspended', change: 'suspended' });
    await announceAgreement(hub, suspended);
    await agreementKept(adapter, agency, suspended.agreementId);
    const reply = await ask({ id: suspended.agreementId, version: 1 });
    expect(reply).toMatchObject({ status: 'denied', reason: 'agreement-inactive', released: [] });
  }, 30_000);

  it('declines a referral naming an agreement it has never seen, with the reason', async () => {
    const id = await sendReferral({ id: randomUUID(), version: 1 });
    const timeline = await timelineOf(id);
    expect(timeline.map((e) => e.status)).toEqual(['received', 'declined']);
    expect(timeline[1].note).toMatch(/no-agreement/);
  }, 30_000);

  it('keeps a referral under the agreement it holds, for its caseworker to take on', async () => {
    const id = await sendReferral({ id: inForce.agreementId, version: 1 });
    await waitFor(
      async () => (await callAdapter(adapter, 'GET', `/api/referrals/${id}`, { token: caseworker })).status === 200,
      10_000,
      `referral ${id} to be received`,
    );
    await new Promise((r) => setTimeout(r, 300));
    const shown = await callAdapter(adapter, 'GET', `/api/referrals/${id}`, { token: caseworker });
    expect(shown.body).toMatchObject({ status: 'received', agreement: { id: inForce.agreementId, version: 1 } });
    const accepted = await callAdapter(adapter, 'POST', `/api/referrals/${id}/status`, {
      token: caseworker,
      body: { status: 'accepted' },
    });
    expect(accepted.body).toMatchObject({ status: 'accepted' });
  }, 30_000);
});
