import { randomUUID } from 'node:crypto';
import type * as amqp from 'amqplib';
import { EXCHANGES, HEADERS, ORGANISATIONS, parkingQueueOf, routingKeys } from '@hub/contracts';
import { KeyDirectory, loadMessagingConfig, type EncodedMessage, type MessagingClient } from '@hub/messaging';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, referral, registerExamples } from '../support/adapters.js';
import { messagingFor, rawChannel, testPool, waitFor } from '../support/env.js';
import { startSystem, type RunningSystem } from '../support/system.js';
import { frontOffice, keepConnectionsLonger } from './support/front-office.js';

const PER_KIND = 1_250;
const FK_MAX_BYTES = 16 * 1024;
const REFERRALS_QUEUE = 'q.adapter-fk.referrals';
const HUB_EVENTS_QUEUE = 'q.hub.events';
const REFERRAL_KEY = routingKeys.referral('fk', 'fk.bostadsbidrag-ansokan');

/** Each kind of bad message, where it goes and the reason it must be parked with. */
const KINDS = {
  malformed: /^malformed JSON$/,
  oversized: /^oversized: \d+ bytes, limit 16384$/,
  'wrong signature': /^bad signature: /,
  'wrong sender': /^envelope claims adapter-af\/2021002114, broker says hub$/,
  'unknown type': /^invalid message: type: unknown message type referral\.bogus\.v1$/,
  expired: /^expired at /,
  'event from the wrong agency': /^envelope claims adapter-skv\/2021005448, broker says adapter-fk$/,
} as const;
type Kind = keyof typeof KINDS;

interface BadMessage {
  kind: Kind | 'replay';
  exchange: string;
  routingKey: string;
  content: Buffer;
  properties: amqp.Options.Publish;
}

describe('10,000 malformed, oversized, wrongly signed, misaddressed, expired and replayed messages', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;
  let staff: ReturnType<typeof frontOffice>;
  let hub: MessagingClient;
  let fk: MessagingClient;
  const signers = {
    hub: new KeyDirectory(loadMessagingConfig('hub').keysDir).signerFor('hub', false),
    'adapter-fk': new KeyDirectory(loadMessagingConfig('adapter-fk').keysDir).signerFor('adapter-fk', false),
  };

  beforeAll(async () => {
    // the test counts the broker's parking queues itself: the hub's parking lot must not move them meanwhile
    system = await startSystem(
      { fk: { MAX_MESSAGE_BYTES: String(FK_MAX_BYTES) } },
      { hub: { env: { PARKING_LOT_POLL_MS: '600000' } } },
    );
    keepConnectionsLonger(system.hub);
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    staff = frontOffice(system.hub);
    hub = messagingFor('hub');
    fk = messagingFor('adapter-fk');
    for (const [service, queue] of [
      ['adapter-fk', REFERRALS_QUEUE],
      ['hub', HUB_EVENTS_QUEUE],
    ]) {
      const raw = await rawChannel(service);
      await raw.channel.purgeQueue(parkingQueueOf(queue));
      await raw.close();
    }
  }, 120_000);

  afterAll(async () => {
    await hub?.close();
    await fk?.close();
    await system?.close();
    await pool.end();
  });

  /** Rewrites an encoded message's envelope and signs the result as `service`, as a sender with its key could. */
  const resigned = (service: 'hub' | 'adapter-fk', encoded: EncodedMessage, change: (e: any) => object) => {
    const content = Buffer.from(JSON.stringify(change({ ...encoded.envelope })));
    return {
      content,
      properties: { ...encoded.properties, headers: { [HEADERS.signature]: signers[service].sign(content) } },
    };
  };

  /** Other bytes under the same properties, signed with the hub's own key: only the content is wrong. */
  const signedAsHub = (encoded: EncodedMessage, content: Buffer) => ({
    content,
    properties: { ...encoded.properties, headers: { [HEADERS.signature]: signers.hub.sign(content) } },
  });

  const referralMessage = (extra: { expiresAt?: Date } = {}) =>
    hub.codec.encode({
      type: 'referral.created.v1',
      payload: referral('fk', people.ordinary.subject),
      agreement: { id: system.agreements.fk, version: 1 },
      purpose: 'vagledning',
      ...extra,
    });

  function badMessage(kind: Kind): BadMessage {
    const toFk = { exchange: EXCHANGES.referral, routingKey: REFERRAL_KEY };
    const good = referralMessage();
    switch (kind) {
      case 'malformed':
        return { kind, ...toFk, ...signedAsHub(good, Buffer.from(`{"id": "${good.envelope.id}", "type": "referral`)) };
      case 'oversized':
        return { kind, ...toFk, ...signedAsHub(good, Buffer.concat([good.content, Buffer.alloc(FK_MAX_BYTES, 0x20)])) };
      case 'wrong signature': {
        const other = referralMessage();
        return {
          kind,
          ...toFk,
          content: good.content,
          properties: { ...good.properties, headers: other.properties.headers },
        };
      }
      case 'wrong sender':
        return {
          kind,
          ...toFk,
          ...resigned('hub', good, (e) => ({
            ...e,
            sender: { organisation: ORGANISATIONS.af, service: 'adapter-af' },
          })),
        };
      case 'unknown type':
        return { kind, ...toFk, ...resigned('hub', good, (e) => ({ ...e, type: 'referral.bogus.v1' })) };
      case 'expired':
        return { kind, ...toFk, ...referralMessage({ expiresAt: new Date(Date.now() - 60_000) }) };
      case 'event from the wrong agency': {
        const event = fk.codec.encode({
          type: 'referral.status.v1',
          agreement: { id: system.agreements.fk, version: 1 },
          purpose: 'vagledning',
          payload: {
            referralId: randomUUID(),
            agency: 'fk',
            status: 'received',
            at: new Date().toISOString(),
            actor: { organisation: ORGANISATIONS.fk, service: 'adapter-fk' },
          },
        });
        return {
          kind,
          exchange: EXCHANGES.event,
          routingKey: routingKeys.referralStatus('fk'),
          ...resigned('adapter-fk', event, (e) => ({
            ...e,
            sender: { organisation: ORGANISATIONS.skv, service: 'adapter-skv' },
          })),
        };
      }
    }
  }

  async function publishAll(messages: BadMessage[]): Promise<void> {
    const senders = { hub: await rawChannel('hub'), 'adapter-fk': await rawChannel('adapter-fk') };
    try {
      for (const [i, m] of messages.entries()) {
        const sender = senders[m.properties.userId as 'hub' | 'adapter-fk'];
        sender.channel.publish(m.exchange, m.routingKey, m.content, { ...m.properties, persistent: true });
        if (i % 500 === 499) await Promise.all(Object.values(senders).map((s) => s.channel.waitForConfirms()));
      }
      await Promise.all(Object.values(senders).map((s) => s.channel.waitForConfirms()));
    } finally {
      await Promise.all(Object.values(senders).map((s) => s.close()));
    }
  }

  async function parkedReasons(queue: string): Promise<string[]> {
    const { channel, close } = await rawChannel(queue === HUB_EVENTS_QUEUE ? 'hub' : 'adapter-fk');
    const reasons: string[] = [];
    try {
      await channel.prefetch(1_000);
      let last = Date.now();
      await channel.consume(parkingQueueOf(queue), (message) => {
        if (!message) return;
        reasons.push(String(message.properties.headers?.[HEADERS.parkedReason]));
        channel.ack(message);
        last = Date.now();
      });
      await waitFor(
        async () => Date.now() - last > 1_000 && (await channel.checkQueue(parkingQueueOf(queue))).messageCount === 0,
        60_000,
        `${queue} parking drained`,
      );
    } finally {
      await close();
    }
    return reasons;
  }

  it('parks every bad message with its reason, processes none, drops the replays, and keeps serving', async () => {
    const consent = await staff.consent(people.ordinary.subject);
    expect(consent.status).toBe(201);

    // one good referral, processed once; its exact bytes are then replayed
    const seed = referralMessage();
    await publishAll([{ kind: 'replay', exchange: EXCHANGES.referral, routingKey: REFERRAL_KEY, ...seed }]);
    const seedId = (seed.envelope.payload as { referralId: string }).referralId;
    await waitFor(
      async () => (await pool.query('SELECT 1 FROM fk.referral WHERE id = $1', [seedId])).rowCount === 1,
      20_000,
      'the seed referral processed',
    );
    const seedEvents = async () =>
      (
        await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM fk.referral_event WHERE referral_id = $1', [
          seedId,
        ])
      ).rows[0].n;
    const seedEventsBefore = await seedEvents();

    const messages: BadMessage[] = [];
    for (const kind of Object.keys(KINDS) as Kind[]) {
      for (let i = 0; i < PER_KIND; i++) messages.push(badMessage(kind));
    }
    for (let i = 0; i < PER_KIND; i++) {
      messages.push({ kind: 'replay', exchange: EXCHANGES.referral, routingKey: REFERRAL_KEY, ...seed });
    }
    // interleaved, as they would come from many misbehaving clients at once
    messages.sort(() => Math.random() - 0.5);
    expect(messages).toHaveLength(10_000);

    const flooding = publishAll(messages);
    // staff keep working while the flood is on
    const during = {
      query: await staff.query(people.ordinary.subject),
      referral: await staff.referral(people.ordinary.subject, consent.body.id, 'Remiss under flodvågen.'),
    };
    await flooding;
    expect(during.query.status).toBe(200);
    expect(during.query.body.results.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(during.referral.status).toBe(201);

    const [atFk, atHub] = [await parkedReasons(REFERRALS_QUEUE), await parkedReasons(HUB_EVENTS_QUEUE)];
    const counted = (reasons: string[]) => {
      const counts: Record<string, number> = {};
      for (const reason of reasons) {
        const kind = (Object.keys(KINDS) as Kind[]).find((k) => KINDS[k].test(reason)) ?? `unexpected: ${reason}`;
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
      return counts;
    };
    expect(counted(atFk)).toEqual({
      malformed: PER_KIND,
      oversized: PER_KIND,
      'wrong signature': PER_KIND,
      'wrong sender': PER_KIND,
      'unknown type': PER_KIND,
      expired: PER_KIND,
    });
    expect(counted(atHub)).toEqual({ 'event from the wrong agency': PER_KIND });

    // none processed: no referral of the flood at FK, no status event of it at the hub, the replays dropped
    const floodReferralIds = messages
      .filter((m) => m.kind !== 'replay' && m.kind !== 'event from the wrong agency')
      .map((m) => {
        try {
          return JSON.parse(m.content.toString()).payload?.referralId as string | undefined;
        } catch {
          return undefined;
        }
      })
      .filter((id): id is string => typeof id === 'string');
    expect(floodReferralIds.length).toBeGreaterThan(4 * PER_KIND);
    const stored = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM fk.referral WHERE id = ANY($1)', [
      floodReferralIds,
    ]);
    expect(stored.rows[0].n).toBe(0);
    const floodIds = messages.map((m) => String(m.properties.messageId));
    const processed = await pool.query<{ n: number }>(
      `SELECT (SELECT count(*)::int FROM fk.processed_message WHERE message_id::text = ANY($1) AND message_id <> $2)
            + (SELECT count(*)::int FROM messaging.processed_message WHERE message_id::text = ANY($1)) AS n`,
      [floodIds, seed.envelope.id],
    );
    expect(processed.rows[0].n).toBe(0);
    expect(await seedEvents()).toBe(seedEventsBefore);
    const queues = await rawChannel('adapter-fk');
    try {
      expect((await queues.channel.checkQueue(REFERRALS_QUEUE)).messageCount).toBe(0);
    } finally {
      await queues.close();
    }

    // and after it
    await waitFor(
      async () => (await staff.referralStatus(during.referral.body.id)) === 'received',
      20_000,
      'referral received',
    );
    const after = await staff.referral(people.ordinary.subject, consent.body.id, 'Remiss efter flodvågen.');
    expect(after.status).toBe(201);
    await waitFor(async () => (await staff.referralStatus(after.body.id)) === 'received', 20_000, 'referral received');
    const query = await staff.query(people.ordinary.subject);
    expect(query.body.results.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok', 'ok']);
  });
});
