import { frameBundle } from './bundle-format.js';
import { ASYNCAPI_PATH, generateContracts } from './generate.js';
import { describeSystem } from '../../scripts/describe-system.js';
import { exampleEnvelope, messageTypes } from './messages/index.js';
import { EXCHANGES, HEADERS } from './topology.js';
import { AsyncApiTrafficValidator, publishedProperties, type PublishedMessage } from './traffic-validator.js';

const doc = JSON.parse(generateContracts(describeSystem())[ASYNCAPI_PATH]);
const validator = new AsyncApiTrafficValidator(doc);
const SIGNATURE = 'eyJhbGciOiJFZERTQSJ9..c2ln';

function published(type: string, exchange: string, routingKey: string, extra: Record<string, unknown> = {}) {
  const envelope = exampleEnvelope(messageTypes.get(type)!);
  const spec = messageTypes.get(type)!;
  const { properties, headers } = publishedProperties({
    messageId: envelope.id,
    correlationId: envelope.correlationId,
    type,
    userId: envelope.sender.service,
    contentType: 'application/json',
    ...(spec.delivery === 'persistent' && { persistent: true, headers: { [HEADERS.signature]: SIGNATURE } }),
    ...(spec.delivery === 'request' && { persistent: false, replyTo: 'q.hub.reply.abc-1', expiration: '3000' }),
    ...extra,
  });
  return { exchange, routingKey, content: Buffer.from(JSON.stringify(envelope)), properties, headers };
}

const problems = (message: PublishedMessage) => validator.check(message).problems;

describe('AsyncApiTrafficValidator', () => {
  it('accepts messages as the document describes them', () => {
    expect(problems(published('query.request.v1', EXCHANGES.query, 'query.fk'))).toEqual([]);
    expect(
      problems(published('referral.created.v1', EXCHANGES.referral, 'referral.af.af.inskrivning-arbetssokande')),
    ).toEqual([]);
    expect(problems(published('referral.status.v1', EXCHANGES.event, 'referral.status.af'))).toEqual([]);
    expect(problems(published('consent.revoked.v1', EXCHANGES.event, 'consent.revoked'))).toEqual([]);
    expect(
      problems(published('query.reply.v1', EXCHANGES.reply, 'q.hub.reply.abc-1', { correlationId: 'request-id' })),
    ).toEqual([]);
  });

  it('refuses a wrong exchange, routing key or agency in the key', () => {
    expect(problems(published('query.request.v1', EXCHANGES.event, 'query.fk'))[0]).toMatch(/no channel/);
    expect(problems(published('consent.revoked.v1', EXCHANGES.event, 'consent.withdrawn'))[0]).toMatch(/no channel/);
    expect(problems(published('referral.status.v1', EXCHANGES.event, 'referral.status.fk')).join()).toMatch(
      /names agency fk, the payload af/,
    );
  });

  it('refuses a message from the side that does not send it there', () => {
    const byHub = published('referral.status.v1', EXCHANGES.event, 'referral.status.af', { userId: 'hub' });
    expect(problems(byHub).join()).toMatch(/not sent by hub/);
  });

  it('refuses missing, extra or wrong AMQP properties and headers', () => {
    expect(problems(published('query.request.v1', EXCHANGES.query, 'query.fk', { replyTo: undefined })).join()).toMatch(
      /reply_to/,
    );
    expect(problems(published('query.request.v1', EXCHANGES.query, 'query.fk', { appId: 'x' })).join()).toMatch(
      /additional/,
    );
    const unsigned = published('consent.revoked.v1', EXCHANGES.event, 'consent.revoked', { headers: {} });
    expect(problems(unsigned).join()).toMatch(/x-signature/);
  });

  it('checks each item of a bundle as if it had come alone', () => {
    const one = published('query.request.v1', EXCHANGES.query, 'query.fk');
    const item = (p: PublishedMessage, overrides: Record<string, unknown> = {}) => ({
      properties: {
        messageId: p.properties.message_id as string,
        correlationId: p.properties.correlation_id as string,
        type: p.properties.type as string,
        contentType: 'application/json',
        ...overrides,
      },
      body: p.content.toString('utf8'),
    });
    const bundle = (items: ReturnType<typeof item>[]): PublishedMessage => ({
      exchange: EXCHANGES.query,
      routingKey: 'query.fk',
      content: frameBundle(items as never),
      ...publishedProperties({
        messageId: 'b-1',
        type: 'bundle',
        userId: 'hub',
        contentType: 'application/octet-stream',
        replyTo: 'q.hub.reply.abc-1',
        expiration: '3000',
        persistent: false,
      }),
    });
    const good = validator.check(bundle([item(one), item(one)]));
    expect([good.problems, good.items?.map((i) => i.problems)]).toEqual([[], [[], []]]);
    const bad = validator.check(bundle([item(one), item(one, { message_id: 'x' })]));
    expect(bad.items?.[1]?.problems.join()).toMatch(/additional/);
    expect(validator.check({ ...bundle([]), content: Buffer.from([0, 0, 0, 9, 1]) }).problems.join()).toMatch(
      /truncated/,
    );
  });

  it('accepts an error reply with its reason and nothing else', () => {
    const error = (headers: Record<string, unknown>): PublishedMessage => ({
      exchange: EXCHANGES.reply,
      routingKey: 'q.hub.reply.abc-1',
      content: Buffer.from('{}'),
      ...publishedProperties({ type: 'error', correlationId: 'r-1', userId: 'adapter-fk', headers }),
    });
    expect(problems(error({ [HEADERS.error]: 'no handler' }))).toEqual([]);
    expect(problems(error({})).join()).toMatch(/x-error/);
  });
});
