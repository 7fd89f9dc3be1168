import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { luhnValid, messageTypes, type CatalogueAnnouncedV1 } from '@hub/contracts';
import { brokerDefinitions, loadMessagingConfig, MessagingClient, messagingOptionsFrom } from '@hub/messaging';
import type { ExamplePeople } from '@hub/registers';
import { HUB_EVENTS_QUEUE } from '../../apps/hub/src/messaging/hub-queues.js';
import { ADAPTERS, AGENCY_STAFF, callAdapter, registerExamples } from '../support/adapters.js';
import { announce, SPEC_CATALOGUES } from '../support/catalogues.js';
import { quietLogger, TEST_VHOST, testPool, waitFor } from '../support/env.js';
import { tokenFor, USERS, type TestUser } from '../support/hub.js';
import { demoTerms, startSystem, type RunningSystem } from '../support/system.js';

/** A valid organisationsnummer no run has used: 2, a digit, 2–9 (no birth month), digits, the Luhn check digit. */
function freshOrganisationsnummer(): string {
  const body = `2${randomInt(0, 10)}${randomInt(2, 10)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  for (let check = 0; check < 10; check++) if (luhnValid(`${body}${check}`)) return `${body}${check}`;
  throw new Error('unreachable');
}

interface QueryResult {
  agency: string;
  status: string;
  reason?: string;
}

/**
 * Issue 16, "scale of tenancy": organisations and units are onboarded, renamed and closed while a guide of another
 * municipality queries without pause. The hub's policy cache and the adapters' agreement books follow every change
 * (an agreement made works at once, a closed unit's agreement ends in both), and the traffic around it never fails.
 */
describe('onboarding and off-boarding while traffic runs', () => {
  const pool = testPool();
  const run = randomInt(100_000, 999_999);
  let system: RunningSystem;
  let people: ExamplePeople;

  const municipality = freshOrganisationsnummer();
  const admin: TestUser = { id: `admin.${run}`, organisation: municipality, unit: 'Servicecenter', roles: ['admin'] };
  const guide: TestUser = { id: `guide.${run}`, organisation: municipality, unit: 'Servicecenter', roles: ['guide'] };
  let unitId: string;
  let agreementId: string;
  let consentId: string;

  /** Örebro's guide, asking FK and SKV again and again from the start to the end of the suite. */
  const background = { running: true, ok: 0, failures: [] as string[], done: Promise.resolve() };

  const consent = async (as: TestUser, agencies: string[], categories: string[]) => {
    const { status, body } = await system.hub.call('POST', '/api/consents', {
      as,
      body: {
        subject: people.withAllFk.subject,
        purposes: ['vagledning'],
        agencies,
        categories,
        method: 'in-person-written',
        validUntil: '2027-06-30',
      },
    });
    expect([status, body.error]).toEqual([201, undefined]);
    return body.id as string;
  };

  const ask = async (as: TestUser, agencies: string[], categories: string[], consent: string) =>
    system.hub.call('POST', '/api/queries', {
      as,
      body: {
        subject: people.withAllFk.subject,
        purpose: 'vagledning',
        agencies,
        categories,
        consentId: consent,
        // what is judged is the decision, not the latency: the test's own rabbitmqctl runs (a new Erlang VM each)
        // can take a core for seconds on a 2-core machine
        deadlineMs: 10_000,
      },
    });

  /** What FK answers the new municipality's guide. */
  const fkAnswer = async (): Promise<QueryResult> => {
    const { status, body } = await ask(guide, ['fk'], ['fk.utbetalningar'], consentId);
    expect(status).toBe(200);
    return body.results[0];
  };

  const fkBook = async () => {
    const token = await tokenFor(AGENCY_STAFF.fk.caseworker);
    const { status, body } = await callAdapter(system.adapters.fk, 'GET', '/api/agreements', { token });
    expect(status).toBe(200);
    return body as Array<{ id: string; version: number; status: string }>;
  };

  const catalogueList = async () =>
    (await system.hub.call('GET', '/api/catalogues', { as: USERS.guide })).body.map(
      (c: { agency: string; name: string }) => `${c.agency}:${c.name}`,
    );

  /** A throwaway agency closed while it runs (never one of the demo's agencies). */
  const throwaway = `t${run}`;
  const service = `adapter-${throwaway}`;
  const throwawayNumber = freshOrganisationsnummer();
  const password = randomBytes(18).toString('base64url');
  const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'pipe' });
  let adapter: MessagingClient | undefined;

  const catalogue = (name: string): CatalogueAnnouncedV1 => ({
    ...SPEC_CATALOGUES.skv,
    agency: throwaway,
    organisation: throwawayNumber,
    name,
    categories: SPEC_CATALOGUES.skv.categories.map((c) => ({ ...c, code: c.code.replace(/^skv\./, `${throwaway}.`) })),
    referralTypes: [],
  });
  const processed = (messageId: string) =>
    waitFor(
      async () =>
        (
          await pool.query('SELECT 1 FROM messaging.processed_message WHERE consumer = $1 AND message_id = $2', [
            HUB_EVENTS_QUEUE.queue,
            messageId,
          ])
        ).rowCount === 1 ||
        (await pool.query('SELECT 1 FROM hub.parked_message WHERE message_id = $1', [messageId])).rowCount === 1,
      15_000,
      `message ${messageId} handled`,
    );

  beforeAll(async () => {
    system = await startSystem();
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    const orebroConsent = await consent(USERS.guide, ['fk', 'skv'], ['fk.utbetalningar', 'skv.folkbokforing']);
    const until = Date.now() + 5 * 60_000;
    background.done = (async () => {
      while (background.running && Date.now() < until) {
        const { status, body } = await ask(
          USERS.guide,
          ['fk', 'skv'],
          ['fk.utbetalningar', 'skv.folkbokforing', 'skv.f-skatt'],
          orebroConsent,
        ).catch((err: Error) => ({ status: 0, body: { error: err.message } }));
        if (status !== 200) background.failures.push(`HTTP ${status}: ${JSON.stringify(body)}`);
        else
          for (const r of body.results as QueryResult[]) {
            if (r.status === 'ok') background.ok++;
            else background.failures.push(`${r.agency}: ${r.status} ${r.reason ?? ''}`);
          }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
  }, 120_000);

  afterAll(async () => {
    background.running = false;
    await background.done;
    await adapter?.close();
    try {
      rabbitmqctl('delete_user', service);
    } catch {
      // never created
    }
    for (const side of ['private', 'public']) rmSync(join('var', 'keys', side, `${service}.jwk.json`), { force: true });
    await system?.close();
    await pool.end();
  }, 60_000);

  it('onboards a municipality and its unit; an agreement with FK works as soon as FK approves it', async () => {
    const registered = await system.hub.call('POST', '/api/organisations', {
      as: USERS.operator,
      body: { number: municipality, name: `Testkommun ${run}`, kind: 'municipality' },
    });
    expect(registered.status).toBe(201);
    const unit = await system.hub.call('POST', `/api/organisations/${municipality}/units`, {
      as: admin,
      body: { name: 'Servicecenter', kind: 'servicecenter' },
    });
    expect(unit.status).toBe(201);
    unitId = unit.body.id;
    consentId = await consent(guide, ['fk'], ['fk.utbetalningar']);
    // no agreement yet: nothing for this municipality
    expect(await fkAnswer()).toMatchObject({ status: 'denied', reason: 'no-agreement' });

    const created = await system.hub.call('POST', '/api/agreements', {
      as: admin,
      body: {
        ...demoTerms('fk'),
        title: `Samtjänst Testkommun ${run} – Försäkringskassan`,
        municipality: { organisation: municipality, unit: 'Servicecenter' },
      },
    });
    expect(created.status).toBe(201);
    agreementId = created.body.id;
    await system.hub.call('POST', `/api/agreements/${agreementId}/propose`, { as: admin, body: {} });
    const approved = await system.hub.call('POST', `/api/agreements/${agreementId}/approve`, {
      as: AGENCY_STAFF.fk.admin,
      body: {},
    });
    expect(approved.body.status).toBe('active');

    const since = Date.now();
    await waitFor(async () => (await fkAnswer()).status === 'ok', 5_000, 'the new municipality’s query to FK to be ok');
    expect(Date.now() - since).toBeLessThan(5_000);
    expect((await fkBook()).find((v) => v.id === agreementId)).toMatchObject({ version: 1, status: 'active' });
  }, 60_000);

  it('keeps the agreement working when the unit is renamed', async () => {
    const renamed = await system.hub.call('PATCH', `/api/organisations/${municipality}/units/${unitId}`, {
      as: admin,
      body: { displayName: `Servicecenter Centrum ${run}` },
    });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'Servicecenter' } });
    expect(await fkAnswer()).toMatchObject({ status: 'ok' });
  });

  it('ends the agreement when the unit closes: the hub denies at once and FK’s adapter holds it terminated', async () => {
    const closed = await system.hub.call('PATCH', `/api/organisations/${municipality}/units/${unitId}`, {
      as: admin,
      body: { closed: true },
    });
    expect(closed).toMatchObject({ status: 200, body: { closedBy: admin.id } });
    expect(closed.body.closedAt).toEqual(expect.any(String));

    expect(await fkAnswer()).toMatchObject({
      status: 'denied',
      reason: expect.stringMatching(/^(no-agreement|agreement-inactive)$/),
    });
    const agreement = await system.hub.call('GET', `/api/agreements/${agreementId}`, { as: admin });
    expect(agreement.body.status).toBe('terminated');
    expect(agreement.body.history.at(-1)).toMatchObject({ change: 'terminated', actor: 'hub' });
    await waitFor(
      async () => (await fkBook()).find((v) => v.id === agreementId)?.status === 'terminated',
      5_000,
      'FK’s agreement book to hold the agreement terminated',
    );
    const audited = await pool.query(
      `SELECT actor, actor_kind AS "actorKind", outcome FROM audit.entry
        WHERE kind = 'agreement' AND agreement_id = $1 ORDER BY seq`,
      [agreementId],
    );
    expect(audited.rows.at(-1)).toEqual({ actor: 'hub', actorKind: 'service', outcome: 'terminated' });
  }, 30_000);

  it('registers an agency with no adapter running without changing the catalogues or breaking anything', async () => {
    const before = await catalogueList();
    const code = `lm-${run}`;
    const registered = await system.hub.call('POST', '/api/organisations', {
      as: USERS.operator,
      body: { number: freshOrganisationsnummer(), name: `Kartmyndigheten ${run}`, kind: 'agency', agencyCode: code },
    });
    expect(registered).toMatchObject({ status: 201, body: { agencyCode: code } });
    // long enough for every instance and feed to have heard of it
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await catalogueList()).toEqual(before);
  });

  it('refuses a catalogue announcement from its adapter once it is closed', async () => {
    // a throwaway agency with a broker account and signing key of its own, as `npm run setup` gives an adapter
    const registered = await system.hub.call('POST', '/api/organisations', {
      as: USERS.operator,
      body: { number: throwawayNumber, name: `Testverket ${run}`, kind: 'agency', agencyCode: throwaway },
    });
    expect(registered.status).toBe(201);
    const definitions = brokerDefinitions([{ user: service, password, role: 'agency', agency: throwaway }], TEST_VHOST);
    const [permissions] = definitions.permissions as Array<{ configure: string; write: string; read: string }>;
    rabbitmqctl('add_user', service, password);
    rabbitmqctl(
      'set_permissions',
      '-p',
      TEST_VHOST,
      service,
      permissions.configure,
      permissions.write,
      permissions.read,
    );
    for (const topic of definitions.topic_permissions as Array<{ exchange: string; write: string; read: string }>) {
      rabbitmqctl('set_topic_permissions', '-p', TEST_VHOST, service, topic.exchange, topic.write, topic.read);
    }
    const config = loadMessagingConfig(service, {
      ...process.env,
      AMQP_PASSWORD: password,
      ORGANISATION: throwawayNumber,
    });
    adapter = new MessagingClient(messagingOptionsFrom(config, messageTypes), quietLogger);
    await adapter.connect();

    const accepted = await announce(adapter, catalogue(`Testverket ${run}`));
    await processed(accepted);
    expect(await catalogueList()).toContain(`${throwaway}:Testverket ${run}`);

    const closed = await system.hub.call('PATCH', `/api/organisations/${throwawayNumber}`, {
      as: USERS.operator,
      body: { closed: true },
    });
    expect(closed.status).toBe(200);
    const refused = await announce(adapter, catalogue(`Testverket ${run} efter stängning`));
    await processed(refused);
    // its adapter speaks for no one any more: the hub parks what it sends
    expect((await pool.query('SELECT reason FROM hub.parked_message WHERE message_id = $1', [refused])).rows).toEqual([
      { reason: expect.stringContaining(service) },
    ]);
    expect(await catalogueList()).toContain(`${throwaway}:Testverket ${run}`);
    expect(await catalogueList()).not.toContain(`${throwaway}:Testverket ${run} efter stängning`);
  }, 60_000);

  it('kept Örebro’s guide answered by FK and SKV through all of it', async () => {
    background.running = false;
    await background.done;
    expect(background.failures).toEqual([]);
    expect(background.ok).toBeGreaterThanOrEqual(20);
  });
});
