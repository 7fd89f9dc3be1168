import { randomUUID } from 'node:crypto';
import { PgIdempotencyStore, pruneProcessedMessages } from '@hub/messaging';
import { testPool, waitFor } from '../support/env.js';

/** Processed message ids are kept for a week, then forgotten, so the table does not grow for ever. */
describe('processed message retention', () => {
  const pool = testPool();
  const store = new PgIdempotencyStore(pool, 'retention_test');

  beforeAll(async () => {
    await pool.query('DROP SCHEMA IF EXISTS retention_test CASCADE');
    await store.migrate();
  });

  afterAll(async () => {
    await pool.query('DROP SCHEMA IF EXISTS retention_test CASCADE');
    await pool.end();
  });

  it('forgets ids older than the retention and keeps the recent ones', async () => {
    const [old, recent] = [randomUUID(), randomUUID()];
    expect(await store.runOnce('q.test', old, async () => undefined)).toBe(true);
    expect(await store.runOnce('q.test', recent, async () => undefined)).toBe(true);
    await pool.query(
      `UPDATE retention_test.processed_message SET processed_at = now() - interval '8 days' WHERE message_id = $1`,
      [old],
    );

    const stop = pruneProcessedMessages(store, { everyMs: 50 });
    try {
      await waitFor(
        async () =>
          (await pool.query('SELECT 1 FROM retention_test.processed_message WHERE message_id = $1', [old])).rowCount ===
          0,
        5_000,
        'the week-old id to be pruned',
      );
    } finally {
      stop();
    }
    // the recent one is still a duplicate; the forgotten one would run again
    expect(await store.runOnce('q.test', recent, async () => undefined)).toBe(false);
    expect(await store.runOnce('q.test', old, async () => undefined)).toBe(true);
  });

  it('keeps going when a prune fails, and reports it', async () => {
    const errors: Error[] = [];
    const failing = { runOnce: store.runOnce.bind(store), prune: () => Promise.reject(new Error('database away')) };
    const stop = pruneProcessedMessages(failing, { everyMs: 20, onError: (err) => errors.push(err) });
    try {
      await waitFor(() => errors.length >= 2, 5_000, 'two failed prunes reported');
    } finally {
      stop();
    }
    expect(errors[0].message).toBe('database away');
  });
});
