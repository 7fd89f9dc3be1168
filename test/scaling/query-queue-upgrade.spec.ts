import { adapterQueues } from '@hub/adapter-kit';
import { ADAPTERS } from '../support/adapters.js';
import { messagingFor, rawChannel } from '../support/env.js';

/** What an adapter finds on a broker an older version set up: its query queue durable. */
describe('an adapter starting where an older version declared its query queue durable', () => {
  const spec = adapterQueues(ADAPTERS.af).find((q) => q.kind === 'request')!;

  it('replaces it with the non-durable queue and consumes it', async () => {
    const raw = await rawChannel('adapter-af');
    try {
      await raw.channel.deleteQueue(spec.queue);
      await raw.channel.assertQueue(spec.queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    } finally {
      await raw.close();
    }

    const adapter = messagingFor('adapter-af');
    try {
      await adapter.connect();
      await adapter.consume({ queue: spec, handlers: new Map() });
      // declaring it non-durable now succeeds where it is; declaring it durable is refused: it was replaced
      const check = await rawChannel('adapter-af');
      try {
        await expect(
          check.channel.assertQueue(spec.queue, { durable: false, arguments: { 'x-queue-type': 'classic' } }),
        ).resolves.toMatchObject({ queue: spec.queue, consumerCount: 1 });
        await expect(
          check.channel.assertQueue(spec.queue, { durable: true, arguments: { 'x-queue-type': 'classic' } }),
        ).rejects.toThrow(/PRECONDITION_FAILED/);
      } finally {
        await check.close();
      }
    } finally {
      await adapter.close();
    }
  });
});
