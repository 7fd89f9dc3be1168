import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { PoolClient } from 'pg';
import {
  EXCHANGES,
  HEADERS,
  messageTypes,
  parkingQueueOf,
  queueName,
  routingKeys,
  type Envelope,
} from '@hub/contracts';
import { PgIdempotencyStore, type MessageConsumer, type MessagingClient, type QueueSpec } from '@hub/messaging';
import { drainQueue, messagingFor, rawChannel, testPool, waitFor } from '../support/env.js';

const referralExample = messageTypes.get('referral.created.v1')!.example;
const AGREEMENT = { id: '6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10', version: 1 };
const ROUTING_KEY = routingKeys.referral('fk', 'fk.bostadsbidrag-ansokan');

describe('batch handlers: messages that arrive together are handled in one transaction', () => {
  const pool = testPool();
  const queue: QueueSpec = {
    queue: queueName('adapter-fk', 'test-batches'),
    kind: 'persistent',
    deliveryLimit: 3,
    bindings: [{ exchange: EXCHANGES.referral, routingKey: 'referral.fk.#' }],
  };
  /** the size of every batch the handler was given, first tries and lone retries alike */
  const batches: number[] = [];
  let hub: MessagingClient;
  let fk: MessagingClient;
  let consumer: MessageConsumer;
  let raw: Awaited<ReturnType<typeof rawChannel>>;

  const referral = (message = 'Vill ha kontakt') =>
    hub.codec.encode({
      type: 'referral.created.v1',
      payload: { ...referralExample, referralId: randomUUID(), message },
      agreement: AGREEMENT,
      purpose: 'vagledning',
    });

  /** publishes all in one go, as a relay does, so that they arrive together */
  async function publishTogether(messages: ReturnType<typeof referral>[], copies = 1) {
    const sender = await rawChannel('hub');
    for (const m of messages) {
      for (let i = 0; i < copies; i++) {
        sender.channel.publish(EXCHANGES.referral, ROUTING_KEY, m.content, { ...m.properties, persistent: true });
      }
    }
    await sender.channel.waitForConfirms();
    await sender.close();
  }

  const stored = async () =>
    (await pool.query<{ message_id: string }>('SELECT message_id FROM test_batch_inbox')).rows.map((r) => r.message_id);

  beforeAll(async () => {
    const store = new PgIdempotencyStore(pool);
    await store.migrate();
    await pool.query('CREATE TABLE IF NOT EXISTS test_batch_inbox (message_id uuid, referral_id uuid)');
    raw = await rawChannel('adapter-fk');
    await raw.channel.deleteQueue(queue.queue).catch(() => undefined);
    await raw.channel.deleteQueue(parkingQueueOf(queue.queue)).catch(() => undefined);
    hub = messagingFor('hub');
    fk = messagingFor('adapter-fk');
    await Promise.all([hub.connect(), fk.connect()]);
    consumer = await fk.consume({
      queue,
      idempotency: store,
      prefetch: 50,
      retryBaseDelayMs: 20,
      handlers: new Map(),
      batchHandlers: new Map([
        [
          'referral.created.v1',
          async (envelopes: Envelope[], context) => {
            batches.push(envelopes.length);
            const tx = context.transaction as PoolClient;
            for (const envelope of envelopes) {
              const { referralId, message } = envelope.payload as { referralId: string; message: string };
              await tx.query('INSERT INTO test_batch_inbox VALUES ($1, $2)', [envelope.id, referralId]);
              // after its write: the failure must take that write back with it
              if (message === 'poison') throw new Error('register unavailable');
              // an error made by Node itself, not by this module's realm: not `instanceof` this realm's Error
              if (message === 'node error') await readFile('/nonexistent/register.json');
            }
          },
        ],
      ]),
    });
  });

  afterAll(async () => {
    await raw.channel.deleteQueue(queue.queue).catch(() => undefined);
    await raw.channel.deleteQueue(parkingQueueOf(queue.queue)).catch(() => undefined);
    await raw.close();
    await fk.close();
    await hub.close();
    await pool.query('DROP TABLE IF EXISTS test_batch_inbox');
    await pool.end();
  });

  beforeEach(async () => {
    batches.length = 0;
    await pool.query('TRUNCATE test_batch_inbox');
  });

  it('hands messages that arrive together to the handler together, each processed once', async () => {
    const messages = Array.from({ length: 200 }, () => referral());
    const before = consumer.stats.processed;
    await publishTogether(messages);
    await waitFor(async () => (await stored()).length === 200, 20_000, '200 stored');
    expect(consumer.stats.processed - before).toBe(200);
    expect(new Set(await stored())).toEqual(new Set(messages.map((m) => m.envelope.id)));
    // fewer transactions than messages, and never more in one than the prefetch allows
    expect(batches.length).toBeLessThan(200);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    expect(Math.max(...batches)).toBeLessThanOrEqual(50);
  });

  it('handles a message delivered twice in one batch once', async () => {
    const messages = Array.from({ length: 20 }, () => referral());
    const before = { processed: consumer.stats.processed, duplicates: consumer.stats.duplicates };
    await publishTogether(messages, 2);
    await waitFor(() => consumer.stats.duplicates - before.duplicates === 20, 20_000, '20 duplicates');
    expect(consumer.stats.processed - before.processed).toBe(20);
    const ids = await stored();
    expect(ids).toHaveLength(20);
    expect(new Set(ids)).toEqual(new Set(messages.map((m) => m.envelope.id)));
  });

  it('never takes a failure for a duplicate, whatever made the error', async () => {
    const failing = referral('node error');
    const before = { ...consumer.stats };
    await publishTogether([failing]);
    await waitFor(() => consumer.stats.parked > before.parked, 20_000, 'the failing message parked');
    expect(consumer.stats.duplicates - before.duplicates).toBe(0);
    expect(consumer.stats.processed - before.processed).toBe(0);
    expect(await stored()).toEqual([]);
    const parked = await drainQueue(raw.channel, parkingQueueOf(queue.queue));
    expect(parked.map((m) => m.properties.messageId)).toEqual([failing.envelope.id]);
    expect(String(parked[0]!.properties.headers?.[HEADERS.parkedReason])).toMatch(/ENOENT/);
  });

  it('when one message fails its batch, handles the others alone and parks only the failing one', async () => {
    const good = Array.from({ length: 30 }, () => referral());
    const poison = referral('poison');
    const before = consumer.stats.parked;
    await publishTogether([...good.slice(0, 15), poison, ...good.slice(15)]);
    await waitFor(() => consumer.stats.parked > before, 20_000, 'the poison message parked');
    await waitFor(async () => (await stored()).length === 30, 20_000, '30 stored');
    const ids = await stored();
    // every good one once; the poison one's write went back with each failed transaction
    expect(ids).toHaveLength(30);
    expect(new Set(ids)).toEqual(new Set(good.map((m) => m.envelope.id)));
    // the batch that held the poison one failed whole, then each of its messages was tried alone
    expect(batches.filter((n) => n === 1).length).toBeGreaterThanOrEqual(3);
    const parked = await drainQueue(raw.channel, parkingQueueOf(queue.queue));
    expect(parked).toHaveLength(1);
    expect(parked[0]!.properties.messageId).toBe(poison.envelope.id);
    expect(String(parked[0]!.properties.headers?.[HEADERS.parkedReason])).toMatch(
      /handler failed 3 times: register unavailable/,
    );
  });
});
