import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { PoolClient } from 'pg';
import { EXCHANGES, messageTypes, queueName, routingKeys } from '@hub/contracts';
import { PgIdempotencyStore, type MessageConsumer, type MessagingClient, type QueueSpec } from '@hub/messaging';
import { messagingFor, rawChannel, TEST_VHOST, testPool, waitFor } from '../support/env.js';

const run = promisify(execFile);
const referralExample = messageTypes.get('referral.created.v1')!.example;
const AGREEMENT = { id: '6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10', version: 1 };

describe('persistent delivery: exactly-once processing over a real broker and PostgreSQL', () => {
  const pool = testPool();
  const idempotency = new PgIdempotencyStore(pool);
  const queue: QueueSpec = {
    queue: queueName('adapter-fk', 'test-reliable'),
    kind: 'persistent',
    bindings: [{ exchange: EXCHANGES.referral, routingKey: 'referral.fk.#' }],
  };
  let hub: MessagingClient;
  let fk: MessagingClient;
  let consumer: MessageConsumer;
  let handled = 0;

  const referral = (referralId: string) => ({
    type: 'referral.created.v1',
    payload: { ...referralExample, referralId },
    agreement: AGREEMENT,
    purpose: 'vagledning' as const,
  });

  beforeAll(async () => {
    await idempotency.migrate();
    await pool.query('CREATE TABLE IF NOT EXISTS test_referral_inbox (message_id uuid, referral_id uuid)');
    await pool.query('TRUNCATE test_referral_inbox');
    const raw = await rawChannel('adapter-fk');
    await raw.channel.deleteQueue(queue.queue).catch(() => undefined);
    await raw.close();
    hub = messagingFor('hub');
    fk = messagingFor('adapter-fk');
    await Promise.all([hub.connect(), fk.connect()]);
    consumer = await fk.consume({
      queue,
      idempotency,
      prefetch: 50,
      handlers: new Map([
        [
          'referral.created.v1',
          async (envelope, context) => {
            handled++;
            const tx = context.transaction as PoolClient;
            await tx.query('INSERT INTO test_referral_inbox VALUES ($1, $2)', [
              envelope.id,
              (envelope.payload as { referralId: string }).referralId,
            ]);
          },
        ],
      ]),
    });
  });

  afterAll(async () => {
    const raw = await rawChannel('adapter-fk');
    await raw.channel.deleteQueue(queue.queue).catch(() => undefined);
    await raw.channel.deleteQueue(`${queue.queue}.parked`).catch(() => undefined);
    await raw.close();
    await fk.close();
    await hub.close();
    await pool.end();
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE test_referral_inbox');
  });

  it('processes all 1,000 messages exactly once when the broker drops every connection mid-stream', async () => {
    const ids = Array.from({ length: 1_000 }, () => randomUUID());
    let confirmed = 0;
    let dropped: Promise<unknown> | undefined;
    const publishing: Promise<string>[] = [];
    for (const [i, id] of ids.entries()) {
      publishing.push(
        hub
          .publish(EXCHANGES.referral, routingKeys.referral('fk', 'fk.bostadsbidrag-ansokan'), referral(id))
          .then((m) => (confirmed++, m)),
      );
      if (i === 300)
        dropped = run('rabbitmqctl', [
          'close_all_connections',
          '-p',
          TEST_VHOST,
          'test: broker drops every connection',
        ]);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await dropped;
    await Promise.all(publishing);
    expect(confirmed).toBe(1_000);
    await waitFor(
      async () =>
        Number((await pool.query('SELECT count(DISTINCT referral_id) AS n FROM test_referral_inbox')).rows[0].n) ===
        1_000,
      60_000,
      '1,000 processed',
    );
    await new Promise((r) => setTimeout(r, 500));
    const { rows } = await pool.query(
      'SELECT count(*)::int AS total, count(DISTINCT referral_id)::int AS distinct_ids FROM test_referral_inbox',
    );
    expect(rows[0]).toEqual({ total: 1_000, distinct_ids: 1_000 });
    const stored = await pool.query('SELECT referral_id FROM test_referral_inbox');
    expect(new Set(stored.rows.map((r) => r.referral_id))).toEqual(new Set(ids));
    // The connection drop really happened: both services had to come back.
    expect(fk.consumeConnection.isConnected && hub.publishConnection.isConnected).toBe(true);
  }, 120_000);

  it('loses no confirmed message when the broker itself restarts mid-stream', async () => {
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const publishing: Promise<string>[] = [];
    let restarted: Promise<unknown> | undefined;
    for (const [i, id] of ids.entries()) {
      publishing.push(
        hub.publish(EXCHANGES.referral, routingKeys.referral('fk', 'fk.bostadsbidrag-ansokan'), referral(id)),
      );
      if (i === 100) {
        restarted = run('rabbitmqctl', ['stop_app']).then(() => run('rabbitmqctl', ['start_app']));
      }
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await restarted;
    await Promise.all(publishing);
    await waitFor(
      async () => Number((await pool.query('SELECT count(*) AS n FROM test_referral_inbox')).rows[0].n) >= 300,
      60_000,
      '300 processed after the restart',
    );
    await new Promise((r) => setTimeout(r, 500));
    const stored = await pool.query('SELECT referral_id FROM test_referral_inbox');
    expect(stored.rows).toHaveLength(300);
    expect(new Set(stored.rows.map((r) => r.referral_id))).toEqual(new Set(ids));
  }, 120_000);

  it('processes the same message id once when it is delivered twice', async () => {
    const encoded = hub.codec.encode(referral(randomUUID()));
    const raw = await rawChannel('hub');
    const before = { handled, duplicates: consumer.stats.duplicates };
    for (let i = 0; i < 2; i++) {
      raw.channel.publish(EXCHANGES.referral, routingKeys.referral('fk', 'fk.bostadsbidrag-ansokan'), encoded.content, {
        ...encoded.properties,
        persistent: true,
      });
    }
    await raw.channel.waitForConfirms();
    await raw.close();
    await waitFor(() => consumer.stats.duplicates > before.duplicates, 10_000, 'the duplicate');
    expect(handled - before.handled).toBe(1);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM test_referral_inbox WHERE message_id = $1', [
      encoded.envelope.id,
    ]);
    expect(rows[0].n).toBe(1);
  });
});
