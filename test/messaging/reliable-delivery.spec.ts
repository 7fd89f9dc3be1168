import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { EXCHANGES } from '@hub/contracts';
import { rawChannel, TEST_VHOST, waitFor } from '../support/env.js';
import { PersistentDelivery, REFERRAL_KEY } from '../support/persistent-delivery.js';

const run = promisify(execFile);

/** A restart of the broker itself is the chaos suite's (test/chaos/broker-app-restart.spec.ts): its own node. */
describe('persistent delivery: exactly-once processing over a real broker and PostgreSQL', () => {
  const delivery = new PersistentDelivery();

  beforeAll(() => delivery.start(), 60_000);
  afterAll(() => delivery.stop(), 30_000);
  beforeEach(() => delivery.pool.query('TRUNCATE test_referral_inbox'));

  it('processes all 1,000 messages exactly once when the broker drops every connection mid-stream', async () => {
    const ids = Array.from({ length: 1_000 }, () => randomUUID());
    let confirmed = 0;
    let dropped: Promise<unknown> | undefined;
    const publishing: Promise<string>[] = [];
    for (const [i, id] of ids.entries()) {
      publishing.push(delivery.publish(id).then((m) => (confirmed++, m)));
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
      async () => new Set((await delivery.inbox()).map((r) => r.referral_id)).size === 1_000,
      60_000,
      '1,000 processed',
    );
    await new Promise((r) => setTimeout(r, 500));
    const stored = await delivery.inbox();
    expect(stored).toHaveLength(1_000);
    expect(new Set(stored.map((r) => r.referral_id))).toEqual(new Set(ids));
    // The connection drop really happened: both services had to come back.
    expect(delivery.fk.consumeConnection.isConnected && delivery.hub.publishConnection.isConnected).toBe(true);
  }, 120_000);

  it('processes the same message id once when it is delivered twice', async () => {
    const encoded = delivery.hub.codec.encode(delivery.referral(randomUUID()));
    const raw = await rawChannel('hub');
    const before = { handled: delivery.handled, duplicates: delivery.consumer.stats.duplicates };
    for (let i = 0; i < 2; i++) {
      raw.channel.publish(EXCHANGES.referral, REFERRAL_KEY, encoded.content, {
        ...encoded.properties,
        persistent: true,
      });
    }
    await raw.channel.waitForConfirms();
    await raw.close();
    await waitFor(() => delivery.consumer.stats.duplicates > before.duplicates, 10_000, 'the duplicate');
    expect(delivery.handled - before.handled).toBe(1);
    const { rows } = await delivery.pool.query(
      'SELECT count(*)::int AS n FROM test_referral_inbox WHERE message_id = $1',
      [encoded.envelope.id],
    );
    expect(rows[0].n).toBe(1);
  });
});
