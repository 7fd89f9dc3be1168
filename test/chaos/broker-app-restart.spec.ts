import { randomUUID } from 'node:crypto';
import { waitFor } from '../support/env.js';
import { PersistentDelivery } from '../support/persistent-delivery.js';
import { rabbitmqctl } from './support/private-services.js';

/**
 * The broker application stopped and started (`rabbitmqctl stop_app`, `start_app`) under a stream of confirmed
 * publishes: on the suite's own node, since doing it to the machine's broker would cut every other user of it.
 */
describe('persistent delivery across a restart of the broker application', () => {
  const delivery = new PersistentDelivery();

  beforeAll(() => delivery.start());
  afterAll(() => delivery.stop());

  it('loses no confirmed message and processes each once', async () => {
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const publishing: Promise<string>[] = [];
    let restarted: Promise<unknown> | undefined;
    for (const [i, id] of ids.entries()) {
      publishing.push(delivery.publish(id));
      if (i === 100) restarted = rabbitmqctl('stop_app').then(() => rabbitmqctl('start_app'));
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await restarted;
    await Promise.all(publishing);
    await waitFor(async () => (await delivery.inbox()).length >= 300, 60_000, '300 processed after the restart');
    await new Promise((r) => setTimeout(r, 500));
    const stored = await delivery.inbox();
    expect(stored).toHaveLength(300);
    expect(new Set(stored.map((r) => r.referral_id))).toEqual(new Set(ids));
  });
});
