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

/** A broker's channels as the consumer sees them: each one records what was declared, consumed and acknowledged. */
function fakeBroker(options: { leftOver?: string } = {}) {
  /** a queue declared earlier with other properties, until it is deleted */
  let leftOver = options.leftOver;
  const declared: Array<{ queue: string; durable: boolean }> = [];
  const deleted: string[] = [];
  const consumers: Array<(message: amqp.ConsumeMessage | null) => void> = [];
  const acked: string[] = [];
  const model = {
    createChannel: async () => ({
      on: () => undefined,
      assertQueue: async (queue: string, opts: { durable: boolean }) => {
        // RabbitMQ refuses to declare an existing queue with other properties, and closes the channel
        if (queue === leftOver) {
          throw Object.assign(new Error('PRECONDITION_FAILED - inequivalent arg durable'), { code: 406 });
        }
        declared.push({ queue, durable: opts.durable });
        return {};
      },
      deleteQueue: async (queue: string) => {
        deleted.push(queue);
        if (queue === leftOver) leftOver = undefined;
        return { messageCount: 0 };
      },
      bindQueue: async () => ({}),
      prefetch: async () => undefined,
      consume: async (_queue: string, onMessage: (message: amqp.ConsumeMessage | null) => void) => {
        consumers.push(onMessage);
        return { consumerTag: `tag-${consumers.length}` };
      },
      ack: (message: amqp.ConsumeMessage) => acked.push(String(message.properties.messageId)),
      nack: () => undefined,
      cancel: async () => undefined,
      close: async () => undefined,
    }),
  } as unknown as amqp.ChannelModel;
  const connection = {
    isConnected: true,
    onConnect: async (setup: (m: amqp.ChannelModel) => Promise<void>) => setup(model),
  } as unknown as AmqpConnection;
  return { connection, declared, deleted, consumers, acked };
}

function consumerFor(connection: AmqpConnection, queue: { queue: string; kind: 'request' | 'persistent' }) {
  const codec = {
    identity: { service: 'adapter-fk', organisation: '2021005521' },
    decodeWithFreshKeys: async (message: amqp.ConsumeMessage) => ({
      ok: true,
      envelope: JSON.parse(message.content.toString()) as Envelope,
    }),
  } as unknown as MessageCodec;
  return new MessageConsumer(
    connection,
    codec,
    { publish: async () => undefined } as unknown as ConfirmedPublisher,
    {
      queue: { ...queue, bindings: [] },
      handlers: new Map([['consent.revoked.v1', async () => undefined]]),
      idempotency: new SwitchableStore(),
      retryBaseDelayMs: 10,
    },
    { log: () => undefined, warn: () => undefined, error: () => undefined },
  );
}

const message = (id: string) =>
  ({
    content: Buffer.from(JSON.stringify({ id, type: 'consent.revoked.v1', correlationId: id, payload: {} })),
    fields: { deliveryTag: 1 },
    properties: { messageId: id, headers: {} },
  }) as unknown as amqp.ConsumeMessage;

describe('MessageConsumer when its queue goes away under it', () => {
  it('declares the queue again and consumes it when the broker cancels the consumer (its node was lost)', async () => {
    const broker = fakeBroker();
    const consumer = consumerFor(broker.connection, { queue: 'q.adapter-fk.events', kind: 'persistent' });
    await consumer.start();
    expect(broker.consumers).toHaveLength(1);

    broker.consumers[0]!(null);
    await waitUntil(() => broker.consumers.length === 2);
    expect(broker.declared.filter((d) => d.queue === 'q.adapter-fk.events')).toHaveLength(2);

    broker.consumers[1]!(message('after-the-cancel'));
    await waitUntil(() => broker.acked.length === 1);
    expect(broker.acked).toEqual(['after-the-cancel']);
    await consumer.stop();
  });

  it('does not come back after it was stopped', async () => {
    const broker = fakeBroker();
    const consumer = consumerFor(broker.connection, { queue: 'q.adapter-fk.events', kind: 'persistent' });
    await consumer.start();
    await consumer.stop();
    broker.consumers[0]!(null);
    await sleep(50);
    expect(broker.consumers).toHaveLength(1);
  });

  it('declares a request queue non-durable, replacing one an older version declared durable', async () => {
    const broker = fakeBroker({ leftOver: 'q.adapter-fk.queries' });
    const consumer = consumerFor(broker.connection, { queue: 'q.adapter-fk.queries', kind: 'request' });
    await consumer.start();
    expect(broker.deleted).toEqual(['q.adapter-fk.queries']);
    expect(broker.declared.filter((d) => d.queue === 'q.adapter-fk.queries')).toEqual([
      { queue: 'q.adapter-fk.queries', durable: false },
    ]);
    await consumer.stop();
  });

  it('never deletes a persistent queue that refuses the declaration', async () => {
    const broker = fakeBroker({ leftOver: 'q.adapter-fk.referrals' });
    const consumer = consumerFor(broker.connection, { queue: 'q.adapter-fk.referrals', kind: 'persistent' });
    await expect(consumer.start()).rejects.toThrow(/PRECONDITION_FAILED/);
    expect(broker.deleted).toEqual([]);
    expect(broker.consumers).toHaveLength(0);
  });
});
