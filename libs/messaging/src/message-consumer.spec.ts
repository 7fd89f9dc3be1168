import type * as amqp from 'amqplib';
import { HEADERS, type Envelope } from '@hub/contracts';
import type { AmqpConnection } from './amqp-connection.js';
import type { ConfirmedPublisher } from './confirmed-publisher.js';
import { isDatabaseUnavailable, type IdempotencyStore } from './idempotency.js';
import type { MessageCodec } from './message-codec.js';
import { MessageConsumer, type MessageBatchHandlerFn, type MessageHandlerFn } from './message-consumer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The store a consumer records message ids in, with a database that can be switched off. */
class SwitchableStore implements IdempotencyStore<object> {
  down = false;
  private readonly seen = new Set<string>();

  private reach(): void {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }

  async runOnce(_consumer: string, id: string, work: (tx: object) => Promise<void>): Promise<boolean> {
    const [fresh] = await this.runBatch(_consumer, [id], (tx) => work(tx));
    return fresh!;
  }

  async runBatch(_consumer: string, ids: readonly string[], work: (tx: object, fresh: boolean[]) => Promise<void>) {
    this.reach();
    const fresh = ids.map((id) => !this.seen.has(id));
    await work({}, fresh);
    for (const id of ids) this.seen.add(id);
    return fresh;
  }

  isUnavailable = isDatabaseUnavailable;
}

/** A consumer on a channel of our own: the test delivers, and reads back what was acknowledged or sent back. */
async function consumerOn(options: {
  store: SwitchableStore;
  handlers?: Map<string, MessageHandlerFn>;
  batchHandlers?: Map<string, MessageBatchHandlerFn>;
}) {
  let deliver: (message: amqp.ConsumeMessage) => void = () => undefined;
  const acked: string[] = [];
  const nacked: string[] = [];
  const channel = {
    on: () => undefined,
    assertQueue: async () => ({}),
    bindQueue: async () => ({}),
    prefetch: async () => undefined,
    consume: async (_queue: string, onMessage: (message: amqp.ConsumeMessage) => void) => {
      deliver = onMessage;
      return { consumerTag: 'test' };
    },
    ack: (message: amqp.ConsumeMessage) => acked.push(String(message.properties.messageId)),
    nack: (message: amqp.ConsumeMessage) => nacked.push(String(message.properties.messageId)),
    cancel: async () => undefined,
    close: async () => undefined,
  };
  const connection = {
    onConnect: async (setup: (model: amqp.ChannelModel) => Promise<void>) =>
      setup({ createChannel: async () => channel } as unknown as amqp.ChannelModel),
  } as unknown as AmqpConnection;
  const codec = {
    identity: { service: 'hub', organisation: '2021006883' },
    decodeWithFreshKeys: async (message: amqp.ConsumeMessage) => ({
      ok: true,
      envelope: JSON.parse(message.content.toString()) as Envelope,
    }),
  } as unknown as MessageCodec;
  const consumer = new MessageConsumer(
    connection,
    codec,
    { publish: async () => undefined } as unknown as ConfirmedPublisher,
    {
      queue: { queue: 'q.hub.events', kind: 'persistent', bindings: [] },
      handlers: options.handlers ?? new Map(),
      batchHandlers: options.batchHandlers,
      idempotency: options.store,
      retryBaseDelayMs: 10,
    },
    { log: () => undefined, warn: () => undefined, error: () => undefined },
  );
  await consumer.start();
  let tag = 0;
  const send = (id: string, type: string, payload: object, deliveries = 0) =>
    deliver({
      content: Buffer.from(JSON.stringify({ id, type, correlationId: id, payload })),
      fields: { deliveryTag: ++tag },
      properties: { messageId: id, headers: deliveries ? { [HEADERS.deliveryCount]: deliveries } : {} },
    } as unknown as amqp.ConsumeMessage);
  return { consumer, send, acked, nacked };
}

describe('MessageConsumer while its database is away', () => {
  it('applies a stream of statuses in the order they came, however long the earlier one waited', async () => {
    const store = new SwitchableStore();
    const applied: string[] = [];
    const { send, acked } = await consumerOn({
      store,
      batchHandlers: new Map([
        [
          'errand.status.v1',
          async (envelopes) => {
            for (const e of envelopes) applied.push((e.payload as { status: string }).status);
          },
        ],
      ]),
    });

    store.down = true;
    send('taken', 'errand.status.v1', { status: 'taken' });
    // the first has waited through several tries, each longer than the one before, when the second comes
    await sleep(150);
    send('answered', 'errand.status.v1', { status: 'answered' });
    await sleep(50);
    store.down = false;

    await waitUntil(() => acked.length === 2);
    expect(applied).toEqual(['taken', 'answered']);
    expect(acked).toEqual(['taken', 'answered']);
  });

  it('puts a message that came again in line with the rest, not beside them', async () => {
    const store = new SwitchableStore();
    const applied: string[] = [];
    const { send, acked } = await consumerOn({
      store,
      batchHandlers: new Map([
        [
          'errand.status.v1',
          async (envelopes) => {
            // a slow write: the later message would overtake it if the two ran side by side
            if (envelopes.some((e) => e.id === 'taken')) await sleep(40);
            for (const e of envelopes) applied.push(e.id);
          },
        ],
      ]),
    });
    // both redelivered after a broker restart: each goes alone
    send('taken', 'errand.status.v1', { status: 'taken' }, 1);
    send('answered', 'errand.status.v1', { status: 'answered' }, 1);
    await waitUntil(() => acked.length === 2);
    expect(applied).toEqual(['taken', 'answered']);
  });

  it('lets a failing message out of the line to be retried, and handles the next', async () => {
    const store = new SwitchableStore();
    const handled: string[] = [];
    const { send, acked, nacked } = await consumerOn({
      store,
      handlers: new Map([
        [
          'referral.created.v1',
          async (envelope: Envelope) => {
            if (envelope.id === 'poison') throw new Error('register unavailable');
            handled.push(envelope.id);
          },
        ],
      ]),
    });
    store.down = true;
    send('poison', 'referral.created.v1', {});
    send('good', 'referral.created.v1', {});
    await sleep(30);
    store.down = false;
    await waitUntil(() => acked.length === 1 && nacked.length === 1);
    expect(handled).toEqual(['good']);
    expect(nacked).toEqual(['poison']);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await sleep(5);
  }
}
