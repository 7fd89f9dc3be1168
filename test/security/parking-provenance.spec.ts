import { randomUUID } from 'node:crypto';
import { adapterQueues } from '@hub/adapter-kit';
import { EXCHANGES, HEADERS, messageTypes, ORGANISATIONS, queueName, type ReferralCreatedV1 } from '@hub/contracts';
import { declareQueue, type MessagingClient } from '@hub/messaging';
import { ADAPTERS } from '../support/adapters.js';
import { messagingFor, rawChannel, testPool, waitFor } from '../support/env.js';
import { startHub, USERS, type RunningHub } from '../support/hub.js';

/**
 * A compromised agency (Arbetsförmedlingen) writes into its own parking queue a message that claims to be the
 * hub's, with the parking headers saying so. The hub's parking lot believes only what the broker stamped and what
 * it can verify: the message is shown as parked by AF, from no verified sender, and cannot be replayed.
 */
const AF_REFERRALS = queueName('adapter-af', 'referrals');

describe('parking lot provenance', () => {
  const pool = testPool();
  let hub: RunningHub;
  let af: MessagingClient;

  beforeAll(async () => {
    await pool.query(`DELETE FROM hub.parked_message`).catch(() => undefined);
    hub = await startHub();
    af = messagingFor('adapter-af');
    await af.connect();
    const raw = await rawChannel('adapter-af');
    for (const spec of adapterQueues(ADAPTERS.af)) await declareQueue(raw.channel, spec);
    await raw.close();
  }, 60_000);

  afterAll(async () => {
    await af?.close();
    await hub?.close();
    await pool.end();
  });

  const park = async (content: Buffer, headers: Record<string, unknown>) => {
    const messageId = randomUUID();
    const raw = await rawChannel('adapter-af');
    raw.channel.publish(EXCHANGES.deadLetter, AF_REFERRALS, content, {
      messageId,
      type: 'referral.created.v1',
      userId: 'adapter-af',
      persistent: true,
      headers: {
        [HEADERS.parkedReason]: 'handler failed 5 times: the case register is down',
        [HEADERS.parkedAt]: new Date().toISOString(),
        [HEADERS.parkedFrom]: AF_REFERRALS,
        [HEADERS.originalUser]: 'hub',
        ...headers,
      },
    });
    await raw.channel.waitForConfirms();
    await raw.close();
    let listed: { id: string } | undefined;
    await waitFor(
      async () => {
        const { body } = await hub.call('GET', `/api/parked-messages?queue=${AF_REFERRALS}`, {
          as: USERS.operator,
        });
        listed = (body.messages as Array<{ id: string; messageId: string }>).find((m) => m.messageId === messageId);
        return listed !== undefined;
      },
      20_000,
      'the message to be collected',
    );
    return listed!.id;
  };

  const referralFor = (agency: string): ReferralCreatedV1 => ({
    ...(messageTypes.get('referral.created.v1')!.example as ReferralCreatedV1),
    referralId: randomUUID(),
    agency,
  });

  it('shows a message that claims to be the hub’s as parked by AF from no verified sender, and will not replay it', async () => {
    const envelope = {
      id: randomUUID(),
      correlationId: randomUUID(),
      type: 'referral.created.v1',
      sender: { organisation: ORGANISATIONS.orebro, service: 'hub' },
      agreement: { id: randomUUID(), version: 1 },
      purpose: 'arbetsmarknadsinsats',
      issuedAt: new Date().toISOString(),
      payload: referralFor('fk'),
    };
    const content = Buffer.from(JSON.stringify(envelope));
    // AF can sign, but only as itself
    const id = await park(content, {
      [HEADERS.signature]: af.codec.encode({
        type: 'referral.created.v1',
        payload: envelope.payload,
        agreement: envelope.agreement,
        purpose: 'arbetsmarknadsinsats',
      }).properties.headers![HEADERS.signature],
    });
    const inspected = await hub.call('GET', `/api/parked-messages/${id}`, { as: USERS.operator });
    expect(inspected.status).toBe(200);
    expect(inspected.body).toMatchObject({ sender: null, parkedBy: 'adapter-af' });
    const replay = await hub.call('POST', `/api/parked-messages/${id}/replay`, {
      as: USERS.operator,
      body: {},
    });
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({
      error: 'not-sent-by-hub',
      message: expect.stringMatching(/no signature holds/),
    });
  });

  it('names the agency as sender when its own signature holds, and still replays nothing of its', async () => {
    const encoded = af.codec.encode({
      type: 'referral.created.v1',
      payload: referralFor('af'),
      agreement: { id: randomUUID(), version: 1 },
      purpose: 'arbetsmarknadsinsats',
    });
    const id = await park(encoded.content, encoded.properties.headers!);
    const inspected = await hub.call('GET', `/api/parked-messages/${id}`, { as: USERS.operator });
    expect(inspected.body).toMatchObject({ sender: 'adapter-af', parkedBy: 'adapter-af' });
    const replay = await hub.call('POST', `/api/parked-messages/${id}/replay`, {
      as: USERS.operator,
      body: {},
    });
    expect(replay.body).toMatchObject({
      error: 'not-sent-by-hub',
      message: expect.stringMatching(/signed by adapter-af/),
    });
  });
});
