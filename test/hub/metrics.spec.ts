import { parkingQueueOf } from '@hub/contracts';
import { PgOutbox } from '@hub/messaging';
import type { ExamplePeople } from '@hub/registers';
import { HUB_EVENTS_QUEUE } from '../../apps/hub/src/messaging/hub-queues.js';
import { ADAPTERS, AGENCY_STAFF, callAdapter, registerExamples } from '../support/adapters.js';
import { rawChannel, testPool, waitFor } from '../support/env.js';
import { tokenFor, USERS, type TestUser } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const SCRAPE_TOKEN = 'scrape-token-for-the-metrics-test-0123';
const EVENTS = HUB_EVENTS_QUEUE.queue;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of the Prometheus text format; label order does not matter to the lookups below. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels);
  const found = samples.filter(
    (s) =>
      s.name === name && Object.keys(s.labels).length === wanted.length && wanted.every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} is ambiguous`);
  return found[0]?.value;
}

describe('Prometheus metrics of the hub', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;
  let raw: Awaited<ReturnType<typeof rawChannel>>;
  const previousToken = process.env.METRICS_TOKEN;

  const fetchMetrics = async (authorization?: string) => {
    const response = await fetch(`${system.hub.url}/metrics`, {
      headers: authorization ? { authorization } : {},
    });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  };
  const scrape = async () => {
    const { status, text } = await fetchMetrics(`Bearer ${SCRAPE_TOKEN}`);
    expect(status).toBe(200);
    return parse(text);
  };
  const as = async (user: TestUser) => `Bearer ${await tokenFor(user)}`;
  const ask = (body: Record<string, unknown>) => system.hub.call('POST', '/api/queries', { as: USERS.guide, body });
  const statusOf = async (id: string) =>
    (await system.hub.call('GET', `/api/referrals/${id}`, { as: USERS.guide })).body.status;
  const setFaults = async (agency: 'fk' | 'af' | 'skv', faults: Record<string, unknown>) => {
    const token = await tokenFor(AGENCY_STAFF[agency].admin);
    expect((await callAdapter(system.adapters[agency], 'PUT', '/api/faults', { token, body: faults })).status).toBe(
      200,
    );
  };
  const sendReferral = async (subject: string, category: string) => {
    const consent = await system.hub.call('POST', '/api/consents', {
      as: USERS.guide,
      body: {
        subject,
        purposes: ['vagledning'],
        agencies: ['af'],
        categories: [category],
        method: 'in-person-verbal',
        validUntil: '2027-06-30',
      },
    });
    const sent = await system.hub.call('POST', '/api/referrals', {
      as: USERS.guide,
      body: {
        subject,
        agency: 'af',
        referralType: 'af.inskrivning-arbetssokande',
        purpose: 'vagledning',
        message: 'Vill bli kontaktad.',
        contactPreference: 'phone',
        consentId: consent.body.id,
      },
    });
    expect(sent.status).toBe(201);
    return sent.body.id as string;
  };

  beforeAll(async () => {
    process.env.METRICS_TOKEN = SCRAPE_TOKEN;
    system = await startSystem();
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    raw = await rawChannel('hub');
    await raw.channel.purgeQueue(parkingQueueOf(EVENTS));
    await pool.query(`DELETE FROM hub.parked_message`).catch(() => undefined);
  }, 90_000);

  afterAll(async () => {
    await raw?.close();
    await system?.close();
    await pool.end();
    if (previousToken === undefined) delete process.env.METRICS_TOKEN;
    else process.env.METRICS_TOKEN = previousToken;
  });

  it('is served outside /api to the scrape token or an operator of the hub, and to nobody else', async () => {
    const scraped = await fetchMetrics(`Bearer ${SCRAPE_TOKEN}`);
    expect(scraped.status).toBe(200);
    expect(scraped.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await fetchMetrics(await as(USERS.operator))).status).toBe(200);

    const refused = await fetchMetrics();
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text)).toMatchObject({ error: 'unauthenticated' });
    expect((await fetchMetrics(`Bearer ${SCRAPE_TOKEN}-but-longer`)).status).toBe(401);
    expect((await fetchMetrics(SCRAPE_TOKEN)).status).toBe(401);
    const guide = await fetchMetrics(await as(USERS.guide));
    expect(guide.status).toBe(403);
    expect(JSON.parse(guide.text)).toMatchObject({ error: 'role-not-allowed' });
    expect((await fetchMetrics(await as(USERS.manager))).status).toBe(403);
    expect((await fetchMetrics(await as(AGENCY_STAFF.fk.admin))).status).toBe(403);
    // the counts are of every tenant: a municipality's admin is not the hub's operator
    const admin = await fetchMetrics(await as(USERS.municipalityAdmin));
    expect(admin.status).toBe(403);
    expect(JSON.parse(admin.text)).toMatchObject({ error: 'role-not-allowed' });
    // nor is whoever an identity provider hands the role by mistake
    const stray = await fetchMetrics(await as({ ...USERS.municipalityAdmin, roles: ['operator'] }));
    expect(stray.status).toBe(403);
    expect(JSON.parse(stray.text)).toMatchObject({ error: 'not-hub-operator' });
    expect((await system.hub.call('GET', '/api/metrics', { as: USERS.operator })).status).toBe(404);
  });

  it('is documented in the OpenAPI document', async () => {
    const { body } = await system.hub.call('GET', '/api/docs/openapi.json');
    const operation = body.paths['/metrics'].get;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/plain; version=0.0.4; charset=utf-8']);
  });

  it('counts agency results per agency and outcome, their latency, and late replies', async () => {
    const first = await ask({
      subject: people.ordinary.subject,
      purpose: 'vagledning',
      agencies: ['fk', 'af', 'skv'],
      categories: ['fk.utbetalningar', 'af.handlaggare', 'skv.f-skatt'],
    });
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(['denied', 'ok', 'ok']);
    await setFaults('af', { latencyMedianMs: 600, latencyP99Ms: 650 });
    try {
      const slow = await ask({
        subject: people.ordinary.subject,
        purpose: 'vagledning',
        agencies: ['af'],
        categories: ['af.handlaggare'],
        deadlineMs: 200,
      });
      expect(slow.body.results[0].status).toBe('timeout');
      await waitFor(
        async () => valueOf(await scrape(), 'samtjanst_late_replies_total') === 1,
        5_000,
        'the late reply to be counted',
      );
    } finally {
      await setFaults('af', { latencyMedianMs: 0, latencyP99Ms: 0 });
    }

    const samples = await scrape();
    expect(valueOf(samples, 'samtjanst_queries_total', { agency: 'fk', outcome: 'denied' })).toBe(1);
    expect(valueOf(samples, 'samtjanst_queries_total', { agency: 'af', outcome: 'ok' })).toBe(1);
    expect(valueOf(samples, 'samtjanst_queries_total', { agency: 'af', outcome: 'timeout' })).toBe(1);
    expect(valueOf(samples, 'samtjanst_queries_total', { agency: 'skv', outcome: 'ok' })).toBe(1);
    expect(samples.filter((s) => s.name === 'samtjanst_queries_total')).toHaveLength(4);
    // fk was denied at the hub and never asked: no answer time
    expect(valueOf(samples, 'samtjanst_query_latency_seconds_count', { agency: 'af' })).toBe(2);
    expect(valueOf(samples, 'samtjanst_query_latency_seconds_count', { agency: 'skv' })).toBe(1);
    expect(valueOf(samples, 'samtjanst_query_latency_seconds_count', { agency: 'fk' })).toBeUndefined();
    expect(valueOf(samples, 'samtjanst_query_latency_seconds_sum', { agency: 'af' })).toBeGreaterThanOrEqual(0.19);
    // the timed-out answer (≥ 200 ms) is beyond the 0.1 s bucket, the one that came at once within 5 s
    expect(valueOf(samples, 'samtjanst_query_latency_seconds_bucket', { agency: 'af', le: '0.1' })).toBe(1);
    expect(valueOf(samples, 'samtjanst_query_latency_seconds_bucket', { agency: 'af', le: '5' })).toBe(2);
    expect(valueOf(samples, 'samtjanst_late_replies_total')).toBe(1);
    expect(valueOf(samples, 'samtjanst_requests_in_flight')).toBe(0);
    // one audit entry per agency result
    expect(valueOf(samples, 'samtjanst_audit_append_seconds_count', { kind: 'query' })).toBe(4);
  });

  it('counts referrals created and their status events per agency, and the outbox backlog', async () => {
    const outbox = system.hub.app.get(PgOutbox);
    await outbox.stop();
    let id: string;
    try {
      id = await sendReferral(people.jobSeeker.subject, 'af.inskrivning');
      const waiting = await scrape();
      expect(valueOf(waiting, 'samtjanst_referrals', { agency: 'af', status: 'sent' })).toBe(1);
      expect(valueOf(waiting, 'samtjanst_outbox_backlog')).toBe(1);
      expect(valueOf(waiting, 'samtjanst_outbox_oldest_seconds')).toBeGreaterThanOrEqual(0);
    } finally {
      await outbox.start();
    }
    await waitFor(async () => (await statusOf(id)) === 'received', 10_000, 'the referral to be received');
    const token = await tokenFor(AGENCY_STAFF.af.caseworker);
    await callAdapter(system.adapters.af, 'POST', `/api/referrals/${id}/status`, {
      token,
      body: { status: 'accepted' },
    });
    await waitFor(async () => (await statusOf(id)) === 'accepted', 10_000, 'the referral to be accepted');
    const cancelled = await system.hub.call('POST', `/api/referrals/${id}/cancel`, { as: USERS.guide, body: {} });
    expect(cancelled.status).toBe(200);
    // the agency confirms the withdrawal with a status event of its own
    await waitFor(
      async () =>
        valueOf(await scrape(), 'samtjanst_referral_status_events_total', { agency: 'af', status: 'cancelled' }) === 2,
      10_000,
      'the agency to confirm the cancellation',
    );

    const samples = await scrape();
    expect(valueOf(samples, 'samtjanst_referrals_created_total', { agency: 'af' })).toBe(1);
    expect(valueOf(samples, 'samtjanst_referral_status_events_total', { agency: 'af', status: 'received' })).toBe(1);
    expect(valueOf(samples, 'samtjanst_referral_status_events_total', { agency: 'af', status: 'accepted' })).toBe(1);
    expect(samples.filter((s) => s.name === 'samtjanst_referral_status_events_total')).toHaveLength(3);
    // the referral now, by its current status: one series, moved from sent to cancelled
    expect(samples.filter((s) => s.name === 'samtjanst_referrals')).toEqual([
      { name: 'samtjanst_referrals', labels: { agency: 'af', status: 'cancelled' }, value: 1 },
    ]);
    expect(valueOf(samples, 'samtjanst_outbox_backlog')).toBe(0);
    expect(valueOf(samples, 'samtjanst_outbox_oldest_seconds')).toBe(0);
    // sent, received, accepted, cancelled by the hub, cancelled by the agency (audited just after it is counted)
    await waitFor(
      async () => valueOf(await scrape(), 'samtjanst_audit_append_seconds_count', { kind: 'referral' }) === 5,
      5_000,
      'five referral audit entries',
    );
  });

  it("shows the hub's queue depth, its consumers and parked messages, and skips a queue that is missing", async () => {
    const before = await scrape();
    expect(valueOf(before, 'samtjanst_queue_consumers', { queue: EVENTS })).toBe(1);
    expect(valueOf(before, 'samtjanst_parked_messages', { queue: EVENTS })).toBe(0);
    await waitFor(async () => valueOf(await scrape(), 'samtjanst_queue_messages', { queue: EVENTS }) === 0);

    // a message without the broker's user id is parked by the hub's consumer, with its reason, then collected
    raw.channel.sendToQueue(EVENTS, Buffer.from('{"not": "an envelope"}'), { persistent: true });
    await raw.channel.waitForConfirms();
    await waitFor(
      async () => valueOf(await scrape(), 'samtjanst_parked_messages', { queue: EVENTS }) === 1,
      10_000,
      'the message to be parked',
    );
    // an operator's decision takes it off the gauge
    const admin = USERS.operator;
    const { body } = await system.hub.call('GET', `/api/parked-messages?queue=${EVENTS}`, { as: admin });
    const discarded = await system.hub.call('POST', `/api/parked-messages/${body.messages[0].id}/discard`, {
      as: admin,
    });
    expect(discarded.status).toBe(200);
    expect(valueOf(await scrape(), 'samtjanst_parked_messages', { queue: EVENTS })).toBe(0);

    // the hub's consumer loses its queue (nothing after this needs it), and the scrape still answers
    await raw.channel.deleteQueue(EVENTS);
    const { status, text } = await fetchMetrics(`Bearer ${SCRAPE_TOKEN}`);
    expect(status).toBe(200);
    const without = parse(text);
    expect(valueOf(without, 'samtjanst_queue_consumers', { queue: EVENTS })).toBeUndefined();
    expect(valueOf(without, 'samtjanst_queue_messages', { queue: EVENTS })).toBeUndefined();
    expect(valueOf(without, 'samtjanst_parked_messages', { queue: EVENTS })).toBe(0);
  });

  it("includes the process's default metrics and never a personnummer", async () => {
    const { text } = await fetchMetrics(await as(USERS.operator));
    const samples = parse(text);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    for (const person of [people.ordinary, people.jobSeeker]) expect(text).not.toContain(person.subject.slice(2));
  });
});
