import { AuditLog } from '@hub/audit';
import { EXCHANGES, queueName, routingKeys } from '@hub/contracts';
import { AgreementExpiry } from '../../apps/hub/src/agreements/agreement-expiry.js';
import { announce, SPEC_CATALOGUES, waitForCatalogue } from '../support/catalogues.js';
import { drainQueue, messagingFor, rawChannel, testPool } from '../support/env.js';
import { startHub, USERS, type RunningHub } from '../support/hub.js';

const FK = '2021005521';
const OREBRO = '2120001967';
const EVENTS_QUEUE = queueName('adapter-fk', 'test-agreement-events');

const terms = (overrides: Record<string, unknown> = {}) => ({
  title: 'Samtjänst Servicecenter – Försäkringskassan',
  validFrom: '2026-01-01',
  validTo: '2027-12-31',
  purposes: {
    vagledning: {
      categories: ['fk.utbetalningar', 'fk.pagaende-arenden'],
      referralTypes: ['fk.bostadsbidrag-ansokan'],
      roles: ['guide'],
      consentRequired: true,
    },
    'ekonomiskt-bistand': {
      categories: ['fk.utbetalningar', 'fk.bostadsbidrag'],
      referralTypes: [],
      roles: ['caseworker'],
      consentRequired: false,
      legalBasis: { reference: 'SFS 2001:453 11 kap. 11 §', text: 'Uppgiftsskyldighet till socialnämnden' },
    },
  },
  ...overrides,
});
const draft = (overrides: Record<string, unknown> = {}) => ({
  ...terms(overrides),
  municipality: { organisation: OREBRO, unit: 'Servicecenter' },
  agency: { organisation: FK },
});

/** What the agencies' adapters announce when they start: SPEC section 3's catalogues. */
async function announceCatalogues() {
  for (const catalogue of Object.values(SPEC_CATALOGUES)) {
    const adapter = messagingFor(`adapter-${catalogue.agency}`);
    await adapter.connect();
    await announce(adapter, catalogue);
    await adapter.close();
  }
}

describe('agreement registry over HTTP and PostgreSQL', () => {
  let hub: RunningHub;
  let events: Awaited<ReturnType<typeof rawChannel>>;
  const pool = testPool();

  const changes = async () =>
    (await drainQueue(events.channel, EVENTS_QUEUE)).map(
      (m) =>
        JSON.parse(m.content.toString()).payload as {
          agreementId: string;
          change: string;
          version: number;
          status: string;
        },
    );

  beforeAll(async () => {
    hub = await startHub();
    await pool.query('TRUNCATE hub.agreement_event, hub.agreement_version, hub.agreement');
    events = await rawChannel('adapter-fk');
    await events.channel.assertQueue(EVENTS_QUEUE, { exclusive: true });
    await events.channel.bindQueue(EVENTS_QUEUE, EXCHANGES.event, routingKeys.agreementChanged());
    await announceCatalogues();
    for (const catalogue of Object.values(SPEC_CATALOGUES))
      await waitForCatalogue(hub, USERS.municipalityAdmin, catalogue.agency, catalogue.name);
  }, 60_000);

  afterAll(async () => {
    await events.close();
    await hub.close();
    await pool.end();
  });

  it('is active only when both parties have approved, and announces every step', async () => {
    const created = await hub.call('POST', '/api/agreements', { as: USERS.municipalityAdmin, body: draft() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, status: 'draft', agency: { organisation: FK, agency: 'fk' } });
    const id = created.body.id;

    const proposed = await hub.call('POST', `/api/agreements/${id}/propose`, { as: USERS.municipalityAdmin, body: {} });
    expect(proposed.body).toMatchObject({ status: 'proposed', approvals: [{ organisation: OREBRO }] });

    const own = await hub.call('POST', `/api/agreements/${id}/approve`, { as: USERS.municipalityAdmin, body: {} });
    expect(own).toMatchObject({ status: 409, body: { error: 'own-proposal' } });

    const stranger = await hub.call('POST', `/api/agreements/${id}/approve`, { as: USERS.afAdmin, body: {} });
    // someone else's agreement is absent to a non-party, as when reading it
    expect(stranger).toMatchObject({ status: 404, body: { error: 'not-found' } });

    const approved = await hub.call('POST', `/api/agreements/${id}/approve`, {
      as: USERS.fkAdmin,
      body: { note: 'Godkänt av FK' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('active');
    expect(approved.body.approvals.map((a: { organisation: string }) => a.organisation)).toEqual([OREBRO, FK]);
    expect(approved.body.history.map((e: { change: string }) => e.change)).toEqual(['created', 'propose', 'approve']);

    const announced = (await changes()).filter((c) => c.agreementId === id);
    expect(announced.map((c) => [c.change, c.status])).toEqual([
      ['created', 'draft'],
      ['proposed', 'proposed'],
      ['approved', 'active'],
    ]);
  });

  it.each([
    [
      'a never category',
      {
        purposes: {
          vagledning: {
            categories: ['fk.medicinskt-underlag'],
            referralTypes: [],
            roles: ['guide'],
            consentRequired: true,
          },
        },
      },
      'category-never',
    ],
    [
      'an unknown category',
      {
        purposes: {
          vagledning: { categories: ['fk.skostorlek'], referralTypes: [], roles: ['guide'], consentRequired: true },
        },
      },
      'category-unknown',
    ],
    [
      'a purpose not in the code list',
      {
        purposes: {
          kaffe: { categories: ['fk.utbetalningar'], referralTypes: [], roles: ['guide'], consentRequired: true },
        },
      },
      'purpose-unknown',
    ],
    ['validTo before validFrom', { validFrom: '2027-01-01', validTo: '2026-01-01' }, 'validity-reversed'],
  ])('refuses %s with a clear 400', async (_name, overrides, code) => {
    const { status, body } = await hub.call('POST', '/api/agreements', {
      as: USERS.municipalityAdmin,
      body: draft(overrides),
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid-agreement');
    expect(body.details.map((d: { code: string }) => d.code)).toContain(code);
  });

  it('refuses a party that does not exist, unknown fields and the wrong role', async () => {
    const noParty = await hub.call('POST', '/api/agreements', {
      as: USERS.municipalityAdmin,
      body: { ...draft(), agency: { organisation: '2021004508' } },
    });
    expect(noParty).toMatchObject({ status: 400, body: { error: 'unknown-party' } });
    const unknownField = await hub.call('POST', '/api/agreements', {
      as: USERS.municipalityAdmin,
      body: { ...draft(), secret: true },
    });
    expect(unknownField).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
    const guide = await hub.call('POST', '/api/agreements', { as: USERS.guide, body: draft() });
    expect(guide).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
  });

  it('amends as a new version, keeps the old one readable, and supersedes it once both approve', async () => {
    const id = await activeAgreement();
    const amended = await hub.call('POST', `/api/agreements/${id}/amend`, {
      as: USERS.fkAdmin,
      body: terms({ title: 'Samtjänst FK, version 2', validTo: '2028-12-31' }),
    });
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({
      version: 2,
      latestVersion: 2,
      status: 'draft',
      title: 'Samtjänst FK, version 2',
    });
    const again = await hub.call('POST', `/api/agreements/${id}/amend`, { as: USERS.fkAdmin, body: terms() });
    expect(again).toMatchObject({ status: 409, body: { error: 'amendment-pending' } });

    await hub.call('POST', `/api/agreements/${id}/propose`, { as: USERS.fkAdmin, body: {} });
    const approved = await hub.call('POST', `/api/agreements/${id}/approve`, { as: USERS.municipalityAdmin, body: {} });
    expect(approved.body).toMatchObject({ version: 2, status: 'active', validTo: '2028-12-31' });
    const v1 = await hub.call('GET', `/api/agreements/${id}/versions/1`, { as: USERS.auditor });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({
      version: 1,
      validTo: '2027-12-31',
      title: 'Samtjänst Servicecenter – Försäkringskassan',
    });
    expect(v1.body.supersededAt).toBeDefined();
  });

  it('suspends and resumes the version in force while an amendment is still pending', async () => {
    const id = await activeAgreement();
    await hub.call('POST', `/api/agreements/${id}/amend`, {
      as: USERS.fkAdmin,
      body: terms({ validTo: '2028-12-31' }),
    });
    const suspended = await hub.call('POST', `/api/agreements/${id}/suspend`, {
      as: USERS.municipalityAdmin,
      body: { note: 'Incident' },
    });
    expect(suspended.status).toBe(200);
    const version = async (n: number) =>
      (await hub.call('GET', `/api/agreements/${id}/versions/${n}`, { as: USERS.auditor })).body.status;
    expect([await version(1), await version(2)]).toEqual(['suspended', 'draft']);
    await hub.call('POST', `/api/agreements/${id}/resume`, { as: USERS.municipalityAdmin, body: {} });
    expect([await version(1), await version(2)]).toEqual(['active', 'draft']);
  });

  it('suspends, resumes and terminates; a terminated agreement never changes again', async () => {
    const id = await activeAgreement();
    expect(
      (await hub.call('POST', `/api/agreements/${id}/suspend`, { as: USERS.fkAdmin, body: { note: 'Incident' } })).body
        .status,
    ).toBe('suspended');
    expect(
      (await hub.call('POST', `/api/agreements/${id}/resume`, { as: USERS.municipalityAdmin, body: {} })).body.status,
    ).toBe('active');
    expect(
      (await hub.call('POST', `/api/agreements/${id}/terminate`, { as: USERS.municipalityAdmin, body: {} })).body
        .status,
    ).toBe('terminated');
    for (const action of ['resume', 'suspend', 'approve']) {
      expect(await hub.call('POST', `/api/agreements/${id}/${action}`, { as: USERS.fkAdmin, body: {} })).toMatchObject({
        status: 409,
        body: { error: 'agreement-closed' },
      });
    }
    expect(await hub.call('POST', `/api/agreements/${id}/amend`, { as: USERS.fkAdmin, body: terms() })).toMatchObject({
      status: 409,
      body: { error: 'agreement-closed' },
    });
  });

  it('expires by itself after validTo, and says so to the adapters', async () => {
    const id = await activeAgreement();
    await changes();
    await pool.query(
      "UPDATE hub.agreement_version SET valid_from = '2025-01-01', valid_to = (now() - interval '2 days')::date WHERE agreement_id = $1",
      [id],
    );
    expect((await hub.call('GET', `/api/agreements/${id}`, { as: USERS.manager })).body.status).toBe('expired');
    await hub.app.get(AgreementExpiry).run();
    const stored = await pool.query('SELECT status FROM hub.agreement_version WHERE agreement_id = $1', [id]);
    expect(stored.rows).toEqual([{ status: 'expired' }]);
    expect((await changes()).filter((c) => c.agreementId === id).map((c) => c.change)).toEqual(['expired']);
  });

  it('keeps other organisations out and writes every change to an intact audit chain', async () => {
    const id = await activeAgreement();
    expect((await hub.call('GET', `/api/agreements/${id}`, { as: USERS.afAdmin })).status).toBe(404);
    expect((await hub.call('GET', '/api/agreements', { as: USERS.afAdmin })).body).toEqual([]);
    const audit = await pool.query(
      "SELECT outcome FROM audit.entry WHERE kind = 'agreement' AND agreement_id = $1 ORDER BY seq",
      [id],
    );
    expect(audit.rows.map((r) => r.outcome)).toEqual(['created', 'proposed', 'approved']);
    expect((await hub.app.get(AuditLog).verify()).ok).toBe(true);
  });

  async function activeAgreement(): Promise<string> {
    const { body } = await hub.call('POST', '/api/agreements', { as: USERS.municipalityAdmin, body: draft() });
    await hub.call('POST', `/api/agreements/${body.id}/propose`, { as: USERS.municipalityAdmin, body: {} });
    await hub.call('POST', `/api/agreements/${body.id}/approve`, { as: USERS.fkAdmin, body: {} });
    return body.id;
  }
});
