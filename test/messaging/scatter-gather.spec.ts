import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { EXCHANGES, messageTypes, parkingQueueOf, queueName, routingKeys, type Envelope } from '@hub/contracts';
import { AmqpContext, AmqpServer, type MessagingClient, type RequestTarget } from '@hub/messaging';
import { messagingFor, rawChannel } from '../support/env.js';

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
              data: { subject: request.payload.subject, attempt: context.message.attempt },
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

  it('keeps one correlation id across all agencies of one query', async () => {
    const correlationId = '0d9c3f4e-8a55-4a7b-9a0e-3b1f2c4d5e6f';
    const withCorrelation = (t: RequestTarget): RequestTarget => ({ ...t, message: { ...t.message, correlationId } });
    const [fk] = await hub.scatterGather([withCorrelation(target('fk', '191212121212'))], DEADLINE_MS);
    expect(fk.status === 'ok' && fk.reply.correlationId).toBe(correlationId);
  });
});
