import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import {
  BUNDLE_TYPE,
  ERROR_REPLY_TYPE,
  EXCHANGES,
  HEADERS,
  messageTypes,
  parkingQueueOf,
  queueName,
  replyQueueName,
  routingKeys,
  type Envelope,
} from '@hub/contracts';
import type * as amqp from 'amqplib';
import {
  AmqpContext,
  AmqpServer,
  decodeBundle,
  encodeBundle,
  type MessagingClient,
  type RequestTarget,
} from '@hub/messaging';
import { drainQueue, messagingFor, rawChannel, waitFor } from '../support/env.js';

const DEADLINE_MS = 600;
const queryExample = messageTypes.get('query.request.v1')!.example;
const replyExample = messageTypes.get('query.reply.v1')!.example as Record<string, unknown>;

/** An agency responder written the way an adapter is: a Nest microservice with a @MessagePattern handler. */
function responderModule(agency: string, delayMs: number) {
  @Controller()
  class QueryController {
    @MessagePattern('query.request.v1')
    async answer(@Payload() request: Envelope<{ subject: string }>, @Ctx() context: AmqpContext) {
      await new Promise((r) => setTimeout(r, delayMs));
      return {
        type: 'query.reply.v1',
        payload: {
          ...replyExample,
          agency,
          released: [
            {
              category: `${agency}.echo`,
              data: {
                subject: request.payload.subject,
                attempt: context.message.attempt,
                // the delivery a request came in: the same for the requests of one bundle
                delivery: 'raw' in context.message ? context.message.raw.fields.deliveryTag : undefined,
              },
            },
          ],
          denied: [],
        },
      };
    }
  }
  @Module({ controllers: [QueryController] })
  class ResponderModule {}
  return ResponderModule;
}

async function startResponder(agency: string, delayMs: number) {
  const messaging = messagingFor(`adapter-${agency}`);
  const queue = {
    queue: queueName(`adapter-${agency}`, 'query'),
    kind: 'request' as const,
    bindings: [{ exchange: EXCHANGES.query, routingKey: routingKeys.query(agency) }],
  };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(responderModule(agency, delayMs), {
    strategy: new AmqpServer({ messaging, queues: [queue] }),
    logger: false,
  });
  await app.listen();
  return { app, messaging };
}

const target = (agency: string, subject: string): RequestTarget => ({
  name: agency,
  exchange: EXCHANGES.query,
  routingKey: routingKeys.query(agency),
  message: {
    type: 'query.request.v1',
    payload: { ...queryExample, subject },
    agreement: { id: '6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10', version: 1 },
    purpose: 'vagledning',
  },
});

describe('scatter-gather over the real broker', () => {
  let hub: MessagingClient;
  const responders: Array<{ app: { close(): Promise<void> }; messaging: MessagingClient }> = [];

  beforeAll(async () => {
    hub = messagingFor('hub');
    await hub.connect();
    responders.push(await startResponder('fk', 5));
    responders.push(await startResponder('af', DEADLINE_MS * 2));
    // skv's adapter has been running and is now stopped: its queue exists but nobody consumes it.
    const skv = await startResponder('skv', 5);
    await skv.app.close();
    await skv.messaging.close();
  });

  afterAll(async () => {
    for (const r of responders) {
      await r.app.close();
      await r.messaging.close();
    }
    await hub.close();
    for (const agency of ['fk', 'af', 'skv']) {
      const owner = await rawChannel(`adapter-${agency}`);
      await owner.channel.deleteQueue(queueName(`adapter-${agency}`, 'query'));
      await owner.channel.deleteQueue(parkingQueueOf(queueName(`adapter-${agency}`, 'query')));
      await owner.close();
    }
  });

  it('answers at the deadline with ok, timeout and timeout/error, and the right data', async () => {
    const subject = '191212121212';
    const started = Date.now();
    const results = await hub.scatterGather(
      [target('fk', subject), target('af', subject), target('skv', subject)],
      DEADLINE_MS,
    );
    const elapsed = Date.now() - started;

    const byAgency = Object.fromEntries(results.map((r) => [r.target, r]));
    expect(byAgency.fk.status).toBe('ok');
    if (byAgency.fk.status !== 'ok') throw new Error('unreachable');
    expect(byAgency.fk.reply.type).toBe('query.reply.v1');
    expect(byAgency.fk.reply.sender.service).toBe('adapter-fk');
    expect(byAgency.fk.reply.payload).toMatchObject({
      agency: 'fk',
      released: [{ category: 'fk.echo', data: { subject, attempt: 1 } }],
    });
    expect(byAgency.fk.reply.correlationId).toBeDefined();
    expect(byAgency.af.status).toBe('timeout');
    expect(['timeout', 'error']).toContain(byAgency.skv.status);
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 400);
  });

  it('drops and counts the slow agency’s reply when it comes after the deadline', async () => {
    const before = hub.requests.stats.lateReplies;
    await hub.request(target('af', '191212121212'), 100);
    await new Promise((r) => setTimeout(r, DEADLINE_MS * 2 + 200));
    expect(hub.requests.stats.lateReplies).toBeGreaterThan(before);
  });

  it('answers error at once for an agency nobody serves', async () => {
    const started = Date.now();
    const [result] = await hub.scatterGather([target('csn', '191212121212')], DEADLINE_MS);
    expect(result.status).toBe('error');
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
  });

  it('sends the requests of one turn to one agency as one bundle, and answers each with its own data', async () => {
    const subjects = Array.from({ length: 30 }, (_, i) => `1912121212${String(i).padStart(2, '0')}`);
    const results = await Promise.all(subjects.map((subject) => hub.request(target('fk', subject), DEADLINE_MS)));
    const data = results.map((r) => {
      if (r.status !== 'ok') throw new Error(`fk answered ${r.status}`);
      return (r.reply.payload as unknown as { released: [{ data: { subject: string; delivery: number } }] }).released[0]
        .data;
    });
    expect(data.map((d) => d.subject)).toEqual(subjects);
    // all thirty came in one delivery
    expect(new Set(data.map((d) => d.delivery)).size).toBe(1);
  });

  it('answers error at once for every request of a bundle nobody serves', async () => {
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => hub.request(target('csn', '191212121212'), DEADLINE_MS)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('error'));
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
  });

  it('answers the good requests of a bundle with a bad one in it, and parks the bad one with its reason', async () => {
    const sender = await rawChannel('hub');
    try {
      const replies: amqp.ConsumeMessage[] = [];
      const replyTo = replyQueueName('hub', 'bundle-test');
      await sender.channel.assertQueue(replyTo, { exclusive: true, autoDelete: true, durable: false });
      await sender.channel.bindQueue(replyTo, EXCHANGES.reply, replyTo);
      await sender.channel.consume(replyTo, (m) => m && replies.push(m), { noAck: true });
      const good = ['191212121212', '198112189876'].map((subject) =>
        hub.codec.encode({ ...target('fk', subject).message, expiresAt: new Date(Date.now() + 5_000) }),
      );
      const badId = '3a0b2c1d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
      const items = [
        good[0]!,
        { properties: { messageId: badId, type: 'query.request.v1' }, content: Buffer.from('{not json') },
        good[1]!,
      ];
      sender.channel.publish(
        EXCHANGES.query,
        routingKeys.query('fk'),
        encodeBundle(items.map((i) => ({ properties: i.properties as Record<string, string>, content: i.content }))),
        {
          type: BUNDLE_TYPE,
          messageId: 'b0b0b0b0-0000-4000-8000-000000000001',
          userId: 'hub',
          replyTo,
        },
      );
      await sender.channel.waitForConfirms();
      const answered = () =>
        replies.flatMap((m) => {
          if (m.properties.type !== BUNDLE_TYPE)
            return [{ type: m.properties.type, to: m.properties.correlationId, m }];
          const bundle = decodeBundle(m.content);
          if (!bundle.ok) throw new Error(bundle.reason);
          return bundle.items.map((i) => ({ type: i.properties.type, to: i.properties.correlationId, m: i }));
        });
      await waitFor(() => answered().length === 3, 5_000, 'three replies');
      const byRequest = new Map(answered().map((a) => [a.to, a]));
      expect(byRequest.get(good[0]!.envelope.id)?.type).toBe('query.reply.v1');
      expect(byRequest.get(good[1]!.envelope.id)?.type).toBe('query.reply.v1');
      expect(byRequest.get(badId)?.type).toBe(ERROR_REPLY_TYPE);
      const parked = await drainQueue(sender.channel, parkingQueueOf(queueName('adapter-fk', 'query')));
      expect(parked.map((m) => [m.properties.messageId, m.properties.headers?.[HEADERS.parkedReason]])).toEqual([
        [badId, 'malformed JSON'],
      ]);
    } finally {
      await sender.close();
    }
  });

  it('parks a bundle that cannot be read, whole', async () => {
    const sender = await rawChannel('hub');
    try {
      const bundleId = 'b0b0b0b0-0000-4000-8000-000000000002';
      sender.channel.publish(EXCHANGES.query, routingKeys.query('fk'), Buffer.from([0, 0, 0, 200, 1, 2]), {
        type: BUNDLE_TYPE,
        messageId: bundleId,
        userId: 'hub',
      });
      await sender.channel.waitForConfirms();
      const queue = parkingQueueOf(queueName('adapter-fk', 'query'));
      let parked: amqp.GetMessage[] = [];
      await waitFor(async () => (parked = await drainQueue(sender.channel, queue)).length > 0, 5_000, 'parked');
      expect(parked.map((m) => [m.properties.messageId, m.properties.headers?.[HEADERS.parkedReason]])).toEqual([
        [bundleId, 'invalid bundle: bundle ends inside the properties of item 1'],
      ]);
    } finally {
      await sender.close();
    }
  });

  it('keeps one correlation id across all agencies of one query', async () => {
    const correlationId = '0d9c3f4e-8a55-4a7b-9a0e-3b1f2c4d5e6f';
    const withCorrelation = (t: RequestTarget): RequestTarget => ({ ...t, message: { ...t.message, correlationId } });
    const [fk] = await hub.scatterGather([withCorrelation(target('fk', '191212121212'))], DEADLINE_MS);
    expect(fk.status === 'ok' && fk.reply.correlationId).toBe(correlationId);
  });
});
