import { readFileSync } from 'node:fs';
import { EXCHANGES, messageTypes, routingKeys } from '@hub/contracts';
import type { ExamplePeople } from '@hub/registers';
import type { MessagingClient } from '@hub/messaging';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import { messagingFor, rawChannel, testPool, waitFor } from '../support/env.js';
import { USERS, type TestUser } from '../support/hub.js';
import {
  AsyncApiTrafficValidator,
  publishedProperties,
  type PublishedMessage,
  type TrafficCheck,
} from '../../contracts/src/traffic-validator.js';
import { startSystem, type RunningSystem } from '../support/system.js';

/**
 * The drift guard of the published contract: every message the hub and the adapters hand to the broker while a
 * realistic flow runs is checked against the channel the checked-in AsyncAPI document names for it (exchange,
 * routing key, AMQP properties, headers, payload schema, sending side), using nothing but the document.
 */
const DOCUMENT = new URL('../../contracts/generated/asyncapi.json', import.meta.url);
const readDocument = () => JSON.parse(readFileSync(DOCUMENT, 'utf8'));

const FAST_CASEWORKER = {
  CASEWORKER: 'simulated',
  CASEWORKER_ACCEPT_AFTER_MS: '100',
  CASEWORKER_START_AFTER_MS: '100',
  CASEWORKER_CLOSE_AFTER_MS: '100',
  CASEWORKER_DECLINE_RATE: '0',
};

const format = (personnummer: string) => `${personnummer.slice(0, 8)}-${personnummer.slice(8)}`;

/** Every publish of every amqplib channel in this process (the hub and the adapters run in it), as sent. */
async function tapPublishes(): Promise<{ published: PublishedMessage[]; stop: () => void }> {
  const { channel, close } = await rawChannel('hub');
  // ConfirmChannel.publish calls Channel.publish: patching the base class sees both
  const base = Object.getPrototypeOf(Object.getPrototypeOf(channel)) as {
    publish: (exchange: string, key: string, content: Buffer, options?: Record<string, unknown>) => boolean;
  };
  await close();
  const original = base.publish;
  const published: PublishedMessage[] = [];
  base.publish = function (this: unknown, exchange, routingKey, content, options = {}) {
    published.push({ exchange, routingKey, content: Buffer.from(content), ...publishedProperties(options) });
    return original.call(this, exchange, routingKey, content, options);
  };
  return { published, stop: () => (base.publish = original) };
}

describe('the AsyncAPI document against the live system', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;
  let tap: Awaited<ReturnType<typeof tapPublishes>>;
  let hubClient: MessagingClient | undefined;

  const call = (method: string, path: string, body?: unknown, as: TestUser = USERS.guide) =>
    system.hub.call(method, path, { as, body });
  const consentTo = async (subject: string, agencies: string[], categories: string[]) => {
    const { status, body } = await call('POST', '/api/consents', {
      subject: format(subject),
      purposes: ['vagledning'],
      agencies,
      categories,
      method: 'in-person-written',
      validUntil: '2027-06-30',
    });
    if (status !== 201) throw new Error(JSON.stringify(body));
    return body.id as string;
  };
  const statusOf = async (id: string) => (await call('GET', `/api/referrals/${id}`)).body.status;
  const seen = (type: string, exchange?: string) =>
    tap.published.some((m) => m.properties.type === type && (exchange === undefined || m.exchange === exchange));

  beforeAll(async () => {
    tap = await tapPublishes();
    system = await startSystem({ af: FAST_CASEWORKER }, { hub: { env: { AUDIT_CHECKPOINT_MS: '1000' } } });
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
  }, 120_000);

  afterAll(async () => {
    tap?.stop();
    await hubClient?.close();
    await system?.close();
    await pool.end();
  });

  it('runs queries, bundles, referrals, withdrawals, revocations, agreement changes and checkpoints', async () => {
    const subject = people.withAllFk.subject;
    const consentId = await consentTo(
      subject,
      ['fk', 'af', 'skv'],
      ['fk.utbetalningar', 'af.inskrivning', 'skv.folkbokforing'],
    );

    // queries over HTTP, one agency each, and several at once to one agency
    const asked = await call('POST', '/api/queries', {
      subject: format(subject),
      purpose: 'vagledning',
      agencies: ['fk', 'af', 'skv'],
      categories: ['fk.utbetalningar', 'fk.bostadsbidrag', 'af.inskrivning', 'skv.folkbokforing'],
      consentId,
    });
    expect(asked.status).toBe(200);
    const together = await Promise.all(
      Array.from({ length: 6 }, () =>
        call('POST', '/api/queries', {
          subject: format(subject),
          purpose: 'vagledning',
          agencies: ['fk'],
          categories: ['fk.utbetalningar'],
          consentId,
        }),
      ),
    );
    expect(together.map((r) => r.status)).toEqual(Array(6).fill(200));

    // requests of one turn to one agency travel as a bundle: made through the hub's own request client
    hubClient = messagingFor('hub');
    await hubClient.connect();
    const request = messageTypes.get('query.request.v1')!.example;
    const bundled = await Promise.all(
      Array.from({ length: 4 }, () =>
        hubClient!.request(
          {
            name: 'fk',
            exchange: EXCHANGES.query,
            routingKey: routingKeys.query('fk'),
            message: {
              type: 'query.request.v1',
              payload: { ...request, subject, consentId: undefined, consent: undefined },
              agreement: { id: system.agreements.fk, version: 1 },
              purpose: 'vagledning',
            },
          },
          3_000,
        ),
      ),
    );
    expect(bundled.map((r) => r.status)).toEqual(Array(4).fill('ok'));

    // a referral the agency works through to the end, with its status events
    const jobSeeker = (await registerExamples(pool, ADAPTERS.af)).people.jobSeeker.subject;
    const afConsent = await consentTo(jobSeeker, ['af'], ['af.inskrivning']);
    const sent = await call('POST', '/api/referrals', {
      subject: format(jobSeeker),
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
      purpose: 'vagledning',
      message: 'Personen vill skriva in sig som arbetssökande.',
      contactPreference: 'phone',
      consentId: afConsent,
    });
    expect(sent.status).toBe(201);
    await waitFor(async () => (await statusOf(sent.body.id)) === 'closed', 15_000, 'the referral to be closed');

    // a referral the front office withdraws: the hub's referral.status.v1 on the referral's own key
    const fkReferral = await call('POST', '/api/referrals', {
      subject: format(subject),
      agency: 'fk',
      referralType: 'fk.bostadsbidrag-ansokan',
      purpose: 'vagledning',
      message: 'Behöver hjälp att ansöka om bostadsbidrag.',
      contactPreference: 'phone',
    });
    expect(fkReferral.status).toBe(201);
    await waitFor(async () => (await statusOf(fkReferral.body.id)) === 'received', 10_000, 'fk to receive it');
    expect((await call('POST', `/api/referrals/${fkReferral.body.id}/cancel`, { note: 'Löst.' })).status).toBe(200);

    // a revoked consent, a suspended and resumed agreement
    expect((await call('POST', `/api/consents/${consentId}/revoke`, {})).status).toBe(200);
    const skv = system.agreements.skv;
    const suspended = await call('POST', `/api/agreements/${skv}/suspend`, { note: 'Test' }, USERS.municipalityAdmin);
    expect(suspended.status).toBe(200);
    expect((await call('POST', `/api/agreements/${skv}/resume`, {}, USERS.municipalityAdmin)).status).toBe(200);

    // an errand forwarded to a department: errand.forwarded.v1 for its own system, whether or not it has one
    const errand = await call('POST', '/api/errands', {
      topic: 'gata-park.gatubelysning',
      message: 'Lampan vid busshållplatsen på Storgatan är släckt.',
      citizen: { name: 'Eva Svensson', phone: '070-123 45 67' },
      preferredChannel: 'phone',
    });
    expect(errand.status).toBe(201);
    // and withdrawn by the guide: errand.status.v1 from the hub, on the errand's own key
    const withdrawn = await call('POST', `/api/errands/${errand.body.id}/withdraw`, { reason: 'Redan lagad.' });
    expect(withdrawn.status).toBe(200);

    await waitFor(
      () =>
        seen('errand.forwarded.v1', EXCHANGES.referral) &&
        seen('errand.status.v1', EXCHANGES.referral) &&
        seen('referral.status.v1', EXCHANGES.referral) &&
        seen('audit.checkpoint.v1') &&
        seen('audit.witnessed.v1') &&
        tap.published.filter((m) => m.properties.type === 'agreement.changed.v1').length >= 5,
      20_000,
      'the withdrawal, an audit checkpoint and its witnesses',
    );
  }, 120_000);

  it('has every message published on the channel the document names, with its properties, headers and payload', () => {
    const validator = new AsyncApiTrafficValidator(readDocument());
    const failures = tap.published
      .map((message) => ({ message, check: validator.check(message) }))
      .filter(({ check }) => problemsOf(check).length > 0)
      .map(({ message, check }) => ({
        exchange: message.exchange,
        routingKey: message.routingKey,
        type: message.properties.type,
        problems: problemsOf(check),
      }));
    expect(failures.slice(0, 10)).toEqual([]);

    const kinds = new Set(tap.published.map((m) => `${String(m.properties.type)} ${m.exchange}`));
    for (const kind of [
      `query.request.v1 ${EXCHANGES.query}`,
      `query.reply.v1 ${EXCHANGES.reply}`,
      `bundle ${EXCHANGES.query}`,
      `referral.created.v1 ${EXCHANGES.referral}`,
      `referral.status.v1 ${EXCHANGES.referral}`,
      `referral.status.v1 ${EXCHANGES.event}`,
      `consent.revoked.v1 ${EXCHANGES.event}`,
      `agreement.changed.v1 ${EXCHANGES.event}`,
      `catalogue.announced.v1 ${EXCHANGES.event}`,
      `audit.checkpoint.v1 ${EXCHANGES.event}`,
      `audit.witnessed.v1 ${EXCHANGES.event}`,
      `errand.forwarded.v1 ${EXCHANGES.referral}`,
      `errand.status.v1 ${EXCHANGES.referral}`,
    ])
      expect([kind, kinds.has(kind)]).toEqual([kind, true]);
  });

  it('fails when the document moves a message to another routing key or changes its properties', () => {
    const moved = readDocument();
    moved.channels.referral.address = 'referral.status.{agency}';
    moved.components.messages['query.request.v1']['x-amqp-properties'].required.push('timestamp');
    const validator = new AsyncApiTrafficValidator(moved);
    const problems = tap.published.flatMap((m) => problemsOf(validator.check(m)));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no channel carries referral\.created\.v1/),
        expect.stringMatching(/query\.request\.v1 properties: .*timestamp/),
      ]),
    );
  });
});

function problemsOf(check: TrafficCheck): string[] {
  return [...check.problems, ...(check.items ?? []).flatMap(problemsOf)];
}
