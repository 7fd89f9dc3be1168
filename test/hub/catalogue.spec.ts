import type { MessagingClient } from '@hub/messaging';
import { CatalogueService } from '../../apps/hub/src/catalogue/catalogue.service.js';
import { HUB_EVENTS_QUEUE } from '../../apps/hub/src/messaging/hub-queues.js';
import { announce, announceIssuedAt, SPEC_CATALOGUES, waitForCatalogue } from '../support/catalogues.js';
import { messagingFor, testPool, waitFor } from '../support/env.js';
import { migrateTestDatabase, startHub, USERS, type RunningHub } from '../support/hub.js';

describe('catalogue: adapters announce, the hub keeps the latest per agency', () => {
  const pool = testPool();
  let hub: RunningHub;
  let fk: MessagingClient;
  let af: MessagingClient;

  /** Waits until the hub's events consumer has committed the message, whatever it decided. */
  const processed = (messageId: string) =>
    waitFor(
      async () =>
        (
          await pool.query('SELECT 1 FROM messaging.processed_message WHERE consumer = $1 AND message_id = $2', [
            HUB_EVENTS_QUEUE.queue,
            messageId,
          ])
        ).rowCount === 1,
      20_000,
      `message ${messageId} processed`,
    );

  const auditOutcome = async (messageId: string) =>
    (
      await pool.query(
        `SELECT outcome, actor FROM audit.entry WHERE kind = 'catalogue' AND details->>'messageId' = $1`,
        [messageId],
      )
    ).rows;

  const listed = async (agency: string) =>
    (await hub.call('GET', '/api/catalogues', { as: USERS.guide })).body.find((c: any) => c.agency === agency);

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query('TRUNCATE hub.agency_catalogue');
    hub = await startHub();
    fk = messagingFor('adapter-fk');
    af = messagingFor('adapter-af');
    await Promise.all([fk.connect(), af.connect()]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([fk?.close(), af?.close()]);
    await hub?.close();
    await pool.end();
  });

  it('starts with no catalogue', async () => {
    expect(await hub.call('GET', '/api/catalogues', { as: USERS.guide })).toEqual({ status: 200, body: [] });
  });

  it("stores the catalogue announced by the agency's own adapter and lists it to every staff role", async () => {
    const messageId = await announce(fk, SPEC_CATALOGUES.fk);
    await waitForCatalogue(hub, USERS.guide, 'fk', 'Försäkringskassan');

    for (const as of [
      USERS.guide,
      USERS.caseworker,
      USERS.municipalityAdmin,
      USERS.fkAdmin,
      USERS.auditor,
      USERS.manager,
    ]) {
      const { status, body } = await hub.call('GET', '/api/catalogues', { as });
      expect(status).toBe(200);
      expect(body).toHaveLength(1);
    }
    const fkCatalogue = await listed('fk');
    expect(fkCatalogue).toEqual({
      agency: 'fk',
      organisation: '2021005521',
      name: 'Försäkringskassan',
      announcedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      categories: SPEC_CATALOGUES.fk.categories,
      referralTypes: SPEC_CATALOGUES.fk.referralTypes,
    });
    const row = (await pool.query('SELECT message_id FROM hub.agency_catalogue WHERE agency = $1', ['fk'])).rows[0];
    expect(row.message_id).toBe(messageId);
    expect(await auditOutcome(messageId)).toEqual([{ outcome: 'recorded', actor: 'adapter-fk' }]);
  });

  it('gives other modules the policy index of the stored catalogues', async () => {
    const catalogues = hub.app.get(CatalogueService);
    expect(catalogues.catalogues().map((c) => c.agency)).toEqual(['fk']);
    const fkIndex = catalogues.index().agency('fk');
    expect(fkIndex?.categories.get('fk.medicinskt-underlag')?.secrecyClass).toBe('never');
    expect(fkIndex?.categories.get('fk.bostadsbidrag')?.withheldFields).toEqual(['dwellingAddress']);
    expect([...(fkIndex?.referralTypes ?? [])]).toEqual(SPEC_CATALOGUES.fk.referralTypes.map((r) => r.code));
  });

  it('never stores an announcement for fk sent by another adapter: the sender rules park it', async () => {
    const forged = {
      ...SPEC_CATALOGUES.fk,
      name: 'Forged',
      categories: SPEC_CATALOGUES.fk.categories.map((c) => ({ ...c, secrecyClass: 'public' as const })),
    };
    // adapter-af may only publish catalogue.announced.af; the payload still claims fk.
    const messageId = await announce(af, forged, 'af');
    let parked: Array<{ reason: string; parked_by: string }> = [];
    await waitFor(
      async () =>
        (parked = (
          await pool.query('SELECT reason, parked_by FROM hub.parked_message WHERE message_id = $1', [messageId])
        ).rows).length > 0,
      15_000,
      'the announcement to be parked',
    );
    expect(parked).toEqual([
      { reason: 'sender rule: catalogue.announced.v1 from agency af speaks for agency fk', parked_by: 'hub' },
    ]);
    expect((await listed('fk')).name).toBe('Försäkringskassan');
    expect(hub.app.get(CatalogueService).index().agency('fk')?.categories.get('fk.utbetalningar')?.secrecyClass).toBe(
      'consent',
    );
  }, 30_000);

  it("refuses a catalogue naming another agency's categories", async () => {
    const messageId = await announce(fk, {
      ...SPEC_CATALOGUES.fk,
      name: 'Overreaching',
      categories: [...SPEC_CATALOGUES.fk.categories, SPEC_CATALOGUES.af.categories[0]!],
    });
    await processed(messageId);
    expect((await listed('fk')).name).toBe('Försäkringskassan');
  });

  it('never lets an older announcement replace a newer one, and lets a newer one replace it', async () => {
    const before = await listed('fk');
    const stale = await announceIssuedAt(
      fk,
      'adapter-fk',
      { ...SPEC_CATALOGUES.fk, name: 'Stale' },
      new Date(Date.now() - 3_600_000),
    );
    await processed(stale);
    expect(await listed('fk')).toEqual(before);
    expect(await auditOutcome(stale)).toEqual([{ outcome: 'superseded', actor: 'adapter-fk' }]);

    const newer = {
      ...SPEC_CATALOGUES.fk,
      name: 'Försäkringskassan (ny)',
      categories: SPEC_CATALOGUES.fk.categories.filter((c) => c.code !== 'fk.pagaende-arenden'),
    };
    await announce(fk, newer);
    await waitForCatalogue(hub, USERS.guide, 'fk', 'Försäkringskassan (ny)');
    expect((await listed('fk')).categories.map((c: any) => c.code)).toEqual([
      'fk.utbetalningar',
      'fk.bostadsbidrag',
      'fk.medicinskt-underlag',
    ]);
    await waitFor(() => !hub.app.get(CatalogueService).index().agency('fk')?.categories.has('fk.pagaende-arenden'));
  });

  it('refuses an announcement issued further ahead than clock skew allows', async () => {
    const ahead = await announceIssuedAt(
      fk,
      'adapter-fk',
      { ...SPEC_CATALOGUES.fk, name: 'Ahead' },
      new Date(Date.now() + 3_600_000),
    );
    await processed(ahead);
    expect((await listed('fk')).name).toBe('Försäkringskassan (ny)');
    expect(await auditOutcome(ahead)).toEqual([{ outcome: 'refused', actor: 'adapter-fk' }]);
  });

  it('keeps one catalogue per agency', async () => {
    await announce(af, SPEC_CATALOGUES.af);
    await waitForCatalogue(hub, USERS.guide, 'af', 'Arbetsförmedlingen');
    const { body } = await hub.call('GET', '/api/catalogues', { as: USERS.manager });
    expect(body.map((c: any) => c.agency)).toEqual(['af', 'fk']);
    expect(body.find((c: any) => c.agency === 'af').categories).toEqual(SPEC_CATALOGUES.af.categories);
  });

  it('picks up a change another hub instance committed', async () => {
    const skv = SPEC_CATALOGUES.skv;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO hub.agency_catalogue (agency, organisation, name, categories, referral_types, announced_at, message_id)
         VALUES ($1, $2, $3, $4, $5, now(), gen_random_uuid())`,
        [skv.agency, skv.organisation, skv.name, JSON.stringify(skv.categories), JSON.stringify(skv.referralTypes)],
      );
      await client.query(`SELECT pg_notify('hub_catalogue_changed', 'skv')`);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await waitForCatalogue(hub, USERS.guide, 'skv', 'Skatteverket');
    expect(hub.app.get(CatalogueService).index().agency('skv')?.categories.get('skv.inkomst')?.secrecyClass).toBe(
      'legal-basis',
    );
  });

  it('documents the operation in OpenAPI', async () => {
    const { body } = await hub.call('GET', '/api/docs/openapi.json');
    const operation = body.paths['/api/catalogues'].get;
    expect(operation.tags).toEqual(['catalogues']);
    expect(operation.responses['200'].content['application/json'].schema).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/CatalogueView' },
    });
  });
});
