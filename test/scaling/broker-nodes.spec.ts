import { randomUUID } from 'node:crypto';
import { messageTypes, EXCHANGES } from '@hub/contracts';
import { loadMessagingConfig, MessagingClient, messagingOptionsFrom } from '@hub/messaging';
import { quietLogger } from '../support/env.js';

/** Ports in this suite's range (3400–3449) where no broker listens: cluster nodes that are down. */
const DOWN_NODES = ['amqp://127.0.0.1:3447', 'amqp://127.0.0.1:3448'];
const LIVE_NODE = process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672/hub_test';

function clientFor(amqpUrl: string): MessagingClient {
  const config = loadMessagingConfig('hub', { ...process.env, AMQP_URL: amqpUrl });
  return new MessagingClient(messagingOptionsFrom(config, messageTypes), quietLogger);
}

describe('a service given several broker nodes', () => {
  it('connects to the first node that answers and publishes through it', async () => {
    const client = clientFor([...DOWN_NODES, LIVE_NODE].join(','));
    try {
      await client.connect();
      expect(client.isConnected).toBe(true);
      // confirmed by the live node (broadcast: no queue needs to be bound), on a key the hub may write
      await client.publish(
        EXCHANGES.deadLetter,
        'q.hub.scaling-nodes',
        {
          type: 'consent.revoked.v1',
          payload: {
            consentId: randomUUID(),
            subjectKey: 'a'.repeat(64),
            organisation: '2120001967',
            unit: 'Servicecenter',
            revokedAt: new Date().toISOString(),
            revokedBy: 'anna.guide',
          },
        },
        { broadcast: true },
      );
    } finally {
      await client.close();
    }
  });

  it('fails at start-up naming every node when none answers', async () => {
    const client = clientFor(DOWN_NODES.join(','));
    try {
      await expect(client.connect()).rejects.toThrow(
        /no broker node answered \(127\.0\.0\.1:3447: .*; 127\.0\.0\.1:3448: /,
      );
    } finally {
      await client.close();
    }
  });
});
