import { randomUUID } from 'node:crypto';
import { EXCHANGES, HEADERS, messageTypes, parkingQueueOf, queueName, routingKeys } from '@hub/contracts';
import {
  KeyDirectory,
  loadMessagingConfig,
  MessageSigner,
  PgIdempotencyStore,
  type MessageConsumer,
  type MessagingClient,
  type QueueSpec,
} from '@hub/messaging';
import { generateKeyPairSync } from 'node:crypto';
import { drainQueue, messagingFor, rawChannel, testPool, waitFor } from '../support/env.js';

const referralExample = messageTypes.get('referral.created.v1')!.example;
const AGREEMENT = { id: '6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10', version: 1 };
const ROUTING_KEY = routingKeys.referral('fk', 'fk.bostadsbidrag-ansokan');
const MAX_BODY = 16 * 1024;
const hubSigner = () => new KeyDirectory(loadMessagingConfig('hub').keysDir).signerFor('hub', false);

describe('invalid and poison messages end in the parking queue with a reason, and the consumer keeps going', () => {
  const pool = testPool();
  const queue: QueueSpec = {
    queue: queueName('adapter-fk', 'test-parking'),
    kind: 'persistent',
    deliveryLimit: 3,
    bindings: [{ exchange: EXCHANGES.referral, routingKey: 'referral.fk.#' }],
  };
  const processed: string[] = [];
  let databaseAway = 0;
  let hub: MessagingClient;
  let fk: MessagingClient;
  let consumer: MessageConsumer;
  let raw: Awaited<ReturnType<typeof rawChannel>>;

  const good = (message = 'Vill ha kontakt') =>
    hub.codec.encode({
      type: 'referral.created.v1',
      payload: { ...referralExample, referralId: randomUUID(), message },
      agreement: AGREEMENT,
      purpose: 'vagledning',
    });

  const parkedReasons = async () =>
    (await drainQueue(raw.channel, parkingQueueOf(queue.queue))).map((m) =>
      String(m.properties.headers?.[HEADERS.parkedReason]),
    );

  beforeAll(async () => {
    const store = new PgIdempotencyStore(pool);
    await store.migrate();
    raw = await rawChannel('adapter-fk');
    await raw.channel.deleteQueue(queue.queue).catch(() => undefined);
    await raw.channel.deleteQueue(parkingQueueOf(queue.queue)).catch(() => undefined);
    hub = messagingFor('hub');
    fk = messagingFor('adapter-fk', { maxBodyBytes: MAX_BODY });
    await Promise.all([hub.connect(), fk.connect()]);
    consumer = await fk.consume({
      queue,
      idempotency: store,
      retryBaseDelayMs: 20,
      handlers: new Map([
        [
          'referral.created.v1',
          async (envelope) => {
            const { message } = envelope.payload as { message: string };
            if (message === 'poison') throw new Error('register unavailable');
            // as pg says it when the database restarts under a transaction
            if (message === 'database away' && databaseAway > 0) {
              databaseAway--;
              throw new Error('Connection terminated unexpectedly');
            }
            processed.push(envelope.id);
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
    await pool.end();
  });

  async function publishAsHub(content: Buffer, properties: Record<string, unknown>) {
    const sender = await rawChannel('hub');
    sender.channel.publish(EXCHANGES.referral, ROUTING_KEY, content, { persistent: true, ...properties });
    await sender.channel.waitForConfirms();
    await sender.close();
  }

  it('parks malformed JSON, an invalid message, a bad signature and an oversized body, and processes the next good one', async () => {
    const base = good();
    const props = { ...base.properties, userId: 'hub' };
    const malformed = Buffer.from('{"id": "not json');
    await publishAsHub(malformed, {
      ...props,
      messageId: randomUUID(),
      headers: { [HEADERS.signature]: hubSigner().sign(malformed) },
    });

    const invalid = {
      ...base.envelope,
      id: randomUUID(),
      payload: { ...(base.envelope.payload as object), subject: '19121212121' },
    };
    const invalidBody = Buffer.from(JSON.stringify(invalid));
    await publishAsHub(invalidBody, {
      ...props,
      messageId: invalid.id,
      headers: { [HEADERS.signature]: hubSigner().sign(invalidBody) },
    });

    const tampered = good();
    const tamperedBody = Buffer.from(tampered.content.toString().replace('Vill ha kontakt', 'Vill ha pengar'));
    await publishAsHub(tamperedBody, { ...tampered.properties });

    const forged = good();
    const foreignKey = new MessageSigner('hub', generateKeyPairSync('ed25519').privateKey);
    await publishAsHub(forged.content, {
      ...forged.properties,
      headers: { [HEADERS.signature]: foreignKey.sign(forged.content) },
    });

    const unsigned = good();
    await publishAsHub(unsigned.content, { ...unsigned.properties, headers: {} });

    const oversized = good('x'.repeat(3_000));
    const big = Buffer.concat([oversized.content, Buffer.alloc(MAX_BODY, 0x20)]);
    await publishAsHub(big, { ...oversized.properties });

    const next = good();
    await hub.publish(EXCHANGES.referral, ROUTING_KEY, {
      type: 'referral.created.v1',
      payload: next.envelope.payload as object,
      agreement: AGREEMENT,
      purpose: 'vagledning',
    });

    await waitFor(() => consumer.stats.parked >= 6 && processed.length >= 1, 10_000, 'six parked, one processed');
    const reasons = await parkedReasons();
    expect(reasons).toHaveLength(6);
    expect(reasons[0]).toMatch(/malformed JSON/);
    expect(reasons[1]).toMatch(/invalid message: payload\.subject/);
    expect(reasons[2]).toMatch(/bad signature: signature does not match the body/);
    expect(reasons[3]).toMatch(/bad signature: signature does not match the body/);
    expect(reasons[4]).toMatch(/signature missing/);
    expect(reasons[5]).toMatch(/oversized/);
    expect(processed).toHaveLength(1);
  });

  it('retries a failing handler with back-off up to the delivery limit, then parks it once', async () => {
    const before = consumer.stats.retried;
    await hub.publish(EXCHANGES.referral, ROUTING_KEY, {
      type: 'referral.created.v1',
      payload: { ...referralExample, referralId: randomUUID(), message: 'poison' },
      agreement: AGREEMENT,
      purpose: 'vagledning',
    });
    await waitFor(
      async () => (await raw.channel.checkQueue(parkingQueueOf(queue.queue))).messageCount === 1,
      10_000,
      'the poison message parked',
    );
    expect(consumer.stats.retried - before).toBe(2);
    const [reason] = await parkedReasons();
    expect(reason).toMatch(/handler failed 3 times: register unavailable/);
    const check = await raw.channel.checkQueue(queue.queue);
    expect(check.messageCount).toBe(0);
  });

  it('holds a message while the database is out of reach, beyond the delivery limit, and parks nothing', async () => {
    databaseAway = 6;
    const before = { ...consumer.stats };
    const message = good('database away');
    await publishAsHub(message.content, { ...message.properties });
    await waitFor(() => processed.includes(message.envelope.id), 20_000, 'processed once the database is back');
    expect(databaseAway).toBe(0);
    expect(consumer.stats.waitedForStore - before.waitedForStore).toBe(6);
    expect(consumer.stats.retried - before.retried).toBe(0);
    expect(consumer.stats.parked - before.parked).toBe(0);
    expect(processed.filter((id) => id === message.envelope.id)).toHaveLength(1);
    expect(await parkedReasons()).toEqual([]);
  });

  it('never takes the sender on trust: the broker refuses a forged user_id', async () => {
    const forged = good();
    const sender = await rawChannel('hub');
    sender.channel.publish(EXCHANGES.referral, ROUTING_KEY, forged.content, {
      ...forged.properties,
      userId: 'adapter-skv',
    });
    await expect(sender.channel.waitForConfirms()).rejects.toThrow();
    await sender.close();
  });

  it('keeps an agency to its own routing keys: adapter-fk may not bind to af’s queries', async () => {
    const { channel, close } = await rawChannel('adapter-fk');
    const probe = queueName('adapter-fk', 'test-snoop');
    await channel.assertQueue(probe, { exclusive: true });
    await expect(channel.bindQueue(probe, EXCHANGES.query, routingKeys.query('af'))).rejects.toThrow(/ACCESS_REFUSED/);
    await close();
  });
});
