import { routingKeyRegExp, topicMatches } from './asyncapi.js';
import { ASYNCAPI_PATH, generateContracts } from './generate.js';
import { MESSAGE_TYPES } from './messages/index.js';
import { SENDER_RULES } from './sender-rules.js';
import { describeSystem } from '../../scripts/describe-system.js';
import { EXCHANGES } from './topology.js';

const doc = JSON.parse(generateContracts(describeSystem())[ASYNCAPI_PATH]) as Record<string, any>;
const channelOf = (operation: string) => doc.channels[doc.operations[operation].channel.$ref.split('/').pop()];

describe('topicMatches', () => {
  it.each([
    ['query.fk', 'query.fk', true],
    ['query.*', 'query.fk', true],
    ['query.*', 'query.fk.x', false],
    ['referral.fk.#', 'referral.fk.fk.bostadsbidrag-ansokan', true],
    ['referral.fk.#', 'referral.fk', true],
    ['referral.fk.#', 'referral.af.af.x', false],
    ['#', 'anything.at.all', true],
    ['catalogue.announced.*', 'referral.status.fk', false],
  ])('%s against %s is %s', (binding, key, expected) => {
    expect(topicMatches(binding, key)).toBe(expected);
  });
});

describe('routingKeyRegExp', () => {
  const parameters = {
    agency: { 'x-pattern': '[a-z]+' },
    referralType: { 'x-pattern': '[a-z]+\\.[a-z-]+' },
  };

  it('matches keys of the pattern and names the parameters', () => {
    const re = routingKeyRegExp('referral.{agency}.{referralType}', parameters);
    expect(re.exec('referral.af.af.inskrivning-arbetssokande')?.groups).toEqual({
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
    });
    expect(re.test('referral.status.af')).toBe(false);
    expect(routingKeyRegExp('consent.revoked', {}).test('consentxrevoked')).toBe(false);
  });

  it('refuses a parameter without a pattern', () => {
    expect(() => routingKeyRegExp('query.{agency}', {})).toThrow('agency');
  });
});

describe('the AsyncAPI document describes the system as it runs', () => {
  it('has every sender rule as an operation on its own exchange and routing key', () => {
    for (const rule of SENDER_RULES.filter((r) => r.exchange !== EXCHANGES.reply)) {
      const party = { hub: 'hub', agency: 'adapter', department: 'department' }[rule.sender];
      const operation = Object.values<Record<string, any>>(doc.operations).find(
        (op) => op.action === 'send' && op.tags[0].name === party && op.messages[0].$ref.endsWith(`/${rule.type}`),
      )!;
      const channel = doc.channels[operation.channel.$ref.split('/').pop()];
      expect([rule.type, channel.address, channel.bindings.amqp.exchange.name]).toEqual([
        rule.type,
        rule.routingKey,
        rule.exchange,
      ]);
    }
  });

  it("puts the hub's withdrawal on the referral's own exchange and key", () => {
    expect(channelOf('hubSendReferralStatusV1')).toMatchObject({
      address: 'referral.{agency}.{referralType}',
      bindings: { amqp: { exchange: { name: EXCHANGES.referral } } },
    });
    expect(channelOf('adapterSendReferralStatusV1')).toMatchObject({
      address: 'referral.status.{agency}',
      bindings: { amqp: { exchange: { name: EXCHANGES.event } } },
    });
  });

  it("registers each message type's default route among its sender rules", () => {
    for (const spec of MESSAGE_TYPES) {
      const rules = SENDER_RULES.filter((r) => r.type === spec.type);
      expect(rules.map((r) => `${r.exchange} ${r.routingKey}`)).toContain(`${spec.exchange} ${spec.routingKey}`);
    }
  });

  it('leaves the vhost to the server variable', () => {
    expect(doc.servers.amqp.variables.vhost.default).toBe('%2F');
    for (const channel of Object.values<Record<string, any>>(doc.channels))
      expect(channel.bindings.amqp.exchange.vhost).toBe('{vhost}');
  });

  it("names every receiving side's queue and prefetch, and every queue `q.<service>.<name>` with a parking queue", () => {
    for (const [id, op] of Object.entries<Record<string, any>>(doc.operations)) {
      if (op.action !== 'receive') continue;
      const owner = {
        hub: 'hub',
        adapter: 'adapter-{agency}',
        department: 'department-{organisation}-{department}',
      }[op.tags[0].name as string];
      expect([id, op['x-queue'].name.startsWith(`q.${owner}.`), op['x-queue'].prefetch > 0]).toEqual([id, true, true]);
    }
    for (const queue of doc['x-topology'].queues) {
      expect(queue.name).toMatch(
        /^q\.(hub|adapter-\{agency\}|department-\{organisation\}-\{department\})\.[a-z]+(\.\{instance\})?$/,
      );
      if (queue.kind !== 'reply') {
        expect(queue.parking).toMatchObject({
          name: `${queue.name}.parked`,
          binding: { exchange: EXCHANGES.deadLetter, routingKey: queue.name },
        });
      }
      if (queue.kind === 'persistent') {
        expect(queue.arguments).toMatchObject({
          'x-queue-type': 'quorum',
          'x-dead-letter-exchange': EXCHANGES.deadLetter,
          'x-dead-letter-routing-key': queue.name,
          'x-delivery-limit': expect.any(Number),
        });
      }
    }
  });

  it("gives an adapter's user permissions that reach its own queues and no other service's", () => {
    const adapter = doc['x-topology'].permissions.adapter;
    const forAgency = (pattern: string) => new RegExp(pattern.replaceAll('{agency}', 'fk'));
    const configure = forAgency(adapter.configure);
    for (const queue of doc['x-topology'].queues.filter((q: any) => q.owner === 'adapter')) {
      expect(configure.test(queue.name.replace('{agency}', 'fk'))).toBe(true);
      expect(configure.test(queue.name.replace('{agency}', 'af'))).toBe(false);
    }
    expect(configure.test('q.hub.events')).toBe(false);
    const topic = Object.fromEntries(adapter.topic.map((t: any) => [t.exchange, t]));
    expect(forAgency(topic[EXCHANGES.event].write).test('referral.status.fk')).toBe(true);
    expect(forAgency(topic[EXCHANGES.event].write).test('referral.status.af')).toBe(false);
    expect(forAgency(topic[EXCHANGES.referral].write).test('referral.fk.fk.x')).toBe(false);
  });

  it('lists every agency found under apps/ with its organisationsnummer and broker user', () => {
    const agencies = describeSystem().agencies;
    expect(agencies.map((a) => a.agency)).toEqual(expect.arrayContaining(['fk', 'af', 'skv']));
    expect(doc['x-agencies']).toEqual(agencies);
    expect(doc['x-agencies']).toContainEqual({
      agency: 'skv',
      name: 'Skatteverket',
      organisation: '2021005448',
      service: 'adapter-skv',
    });
  });

  it('signs its examples as the real broker users', () => {
    const services = Object.values<Record<string, any>>(doc.components.messages)
      .filter((m) => m.examples[0].payload?.sender)
      .map((m) => m.examples[0].payload.sender.service);
    expect(new Set(services)).toEqual(
      new Set(['hub', 'adapter-fk', 'adapter-af', 'department-2120001967-tekniska-forvaltningen']),
    );
  });
});
