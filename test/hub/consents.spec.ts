import { randomUUID } from 'node:crypto';
import { AuditLog } from '@hub/audit';
import { EXCHANGES, queueName, routingKeys } from '@hub/contracts';
import type { MessagingClient } from '@hub/messaging';
import { swedishDay } from '@hub/policy';
import { ConsentService } from '../../apps/hub/src/consents/consent.service.js';
import { announce, SPEC_CATALOGUES, waitForCatalogue } from '../support/catalogues.js';
import { messagingFor, rawChannel, testPool } from '../support/env.js';
import { migrateTestDatabase, startHub, USERS, type RunningHub, type TestUser } from '../support/hub.js';

const SUBJECT = '19121212-1212';
const NORMALISED = '191212121212';

/** `YYYY-MM-DD` the given number of days and years after today (Swedish day). */
function day(days = 0, years = 0): string {
  const [y, m, d] = swedishDay(new Date()).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y + years, m - 1, d + days));
  return date.toISOString().slice(0, 10);
}

const otherUnit: TestUser = { ...USERS.guide, id: 'olle.other', unit: 'Socialkontoret' };
const otherMunicipality: TestUser = { ...USERS.guide, id: 'karl.karlstad', organisation: '2120001835' };

describe('consent registry: record, list, revoke', () => {
  const pool = testPool();
  const revokedQueue = queueName('adapter-fk', 'test-consent-revoked');
  let hub: RunningHub;
  let fk: MessagingClient;
  let af: MessagingClient;
  let broker: Awaited<ReturnType<typeof rawChannel>>;

  const consent = (overrides: Record<string, unknown> = {}) => ({
    subject: SUBJECT,
    purposes: ['vagledning'],
    agencies: ['fk', 'af'],
    categories: ['fk.utbetalningar', 'fk.pagaende-arenden', 'af.inskrivning'],
    method: 'in-person-written',
    validUntil: day(0, 1),
    ...overrides,
  });

  const record = (overrides: Record<string, unknown> = {}, as: TestUser = USERS.guide) =>
    hub.call('POST', '/api/consents', { as, body: consent(overrides) });

  const auditEntries = async (consentId: string) =>
    (
      await pool.query(
        `SELECT kind, actor_kind, actor, organisation, unit, subject_key, outcome, details
           FROM audit.entry WHERE kind = 'consent' AND details->>'consentId' = $1 ORDER BY seq`,
        [consentId],
      )
    ).rows;

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query('TRUNCATE hub.consent, hub.agency_catalogue');
    broker = await rawChannel('adapter-fk');
    await broker.channel.deleteQueue(revokedQueue).catch(() => undefined);
    await broker.channel.assertQueue(revokedQueue, { durable: false });
    await broker.channel.bindQueue(revokedQueue, EXCHANGES.event, routingKeys.consentRevoked());
    hub = await startHub();
    fk = messagingFor('adapter-fk');
    af = messagingFor('adapter-af');
    await Promise.all([fk.connect(), af.connect()]);
    await Promise.all([announce(fk, SPEC_CATALOGUES.fk), announce(af, SPEC_CATALOGUES.af)]);
    await waitForCatalogue(hub, USERS.guide, 'fk', 'Försäkringskassan');
    await waitForCatalogue(hub, USERS.guide, 'af', 'Arbetsförmedlingen');
  }, 30_000);

  afterAll(async () => {
    await broker?.channel.deleteQueue(revokedQueue).catch(() => undefined);
    await broker?.close();
    await Promise.all([fk?.close(), af?.close()]);
    await hub?.close();
    await pool.end();
  });

  let consentId: string;

  it('records a consent to the caller’s unit and shows the subject masked', async () => {
    const { status, body } = await record();
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      subject: '19121212-****',
      organisation: '2120001967',
      unit: 'Servicecenter',
      purposes: ['vagledning'],
      agencies: ['fk', 'af'],
      categories: ['fk.utbetalningar', 'fk.pagaende-arenden', 'af.inskrivning'],
      method: 'in-person-written',
      recordedBy: 'anna.guide',
      validFrom: day(),
      validUntil: day(0, 1),
      status: 'active',
      createdAt: expect.any(String),
    });
    consentId = body.id;
  });

  it('stores the subject only as its keyed hash, and audits the recording', async () => {
    const key = hub.app.get(AuditLog).subjectKey(NORMALISED);
    const { rows } = await pool.query('SELECT * FROM hub.consent WHERE id = $1', [consentId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].subject_key).toBe(key);
    expect(JSON.stringify(rows[0])).not.toMatch(/1212121212|19121212/);

    expect(await auditEntries(consentId)).toEqual([
      {
        kind: 'consent',
        actor_kind: 'staff',
        actor: 'anna.guide',
        organisation: '2120001967',
        unit: 'Servicecenter',
        subject_key: key,
        outcome: 'recorded',
        details: expect.objectContaining({ consentId, purposes: ['vagledning'], method: 'in-person-written' }),
      },
    ]);
  });

  it('lists the subject’s consents to guides and caseworkers of the same unit, whatever form the number is in', async () => {
    for (const [as, subject] of [
      [USERS.guide, '121212+1212'],
      [USERS.caseworker, '191212121212'],
    ] as const) {
      const { status, body } = await hub.call('GET', `/api/consents?subject=${encodeURIComponent(subject)}`, { as });
      expect(status).toBe(200);
      expect(body.map((c: any) => [c.id, c.subject, c.status])).toEqual([[consentId, '19121212-****', 'active']]);
    }
    const { body } = await hub.call('GET', '/api/consents?subject=811228-9874', { as: USERS.guide });
    expect(body).toEqual([]);
  });

  it('shows nothing of another unit’s or another municipality’s consent', async () => {
    for (const as of [otherUnit, otherMunicipality]) {
      expect(await hub.call('GET', `/api/consents?subject=${SUBJECT}`, { as })).toEqual({ status: 200, body: [] });
      const revoke = await hub.call('POST', `/api/consents/${consentId}/revoke`, { as });
      expect(revoke).toMatchObject({ status: 404, body: { error: 'not-found' } });
    }
  });

  it('loads the subject’s consents as policy consents keyed by subject key', async () => {
    const key = hub.app.get(AuditLog).subjectKey(NORMALISED);
    const consents = await hub.app.get(ConsentService).policyConsents({ key, keys: [key] });
    expect(consents).toEqual([
      {
        id: consentId,
        subject: key,
        organisation: '2120001967',
        unit: 'Servicecenter',
        purposes: ['vagledning'],
        agencies: ['fk', 'af'],
        categories: ['fk.utbetalningar', 'fk.pagaende-arenden', 'af.inskrivning'],
        method: 'in-person-written',
        recordedBy: 'anna.guide',
        validFrom: day(),
        validUntil: day(0, 1),
        revokedAt: null,
      },
    ]);
  });

  it('revokes at once, tells the adapters over the broker, and refuses a second revocation', async () => {
    const { status, body } = await hub.call('POST', `/api/consents/${consentId}/revoke`, { as: USERS.caseworker });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: consentId,
      status: 'revoked',
      revokedBy: 'sam.soc',
      revokedAt: expect.any(String),
    });
    expect(body.subject).toBeUndefined();

    // The answer came after the broker's confirm, so the notice is already queued.
    const message = await broker.channel.get(revokedQueue, { noAck: true });
    expect(message).not.toBe(false);
    const decoded = fk.codec.decode(message as any);
    expect(decoded.ok).toBe(true);
    const key = hub.app.get(AuditLog).subjectKey(NORMALISED);
    if (decoded.ok) {
      expect(decoded.envelope).toMatchObject({
        type: 'consent.revoked.v1',
        sender: { service: 'hub', organisation: '2120001967' },
        payload: {
          consentId,
          subjectKey: key,
          organisation: '2120001967',
          unit: 'Servicecenter',
          revokedAt: body.revokedAt,
          revokedBy: 'sam.soc',
        },
      });
    }

    const listed = await hub.call('GET', `/api/consents?subject=${SUBJECT}`, { as: USERS.guide });
    expect(listed.body.map((c: any) => [c.id, c.status])).toEqual([[consentId, 'revoked']]);
    const policy = await hub.app.get(ConsentService).policyConsents({ key, keys: [key] });
    expect(policy[0]!.revokedAt).toBeInstanceOf(Date);

    const again = await hub.call('POST', `/api/consents/${consentId}/revoke`, { as: USERS.guide });
    expect(again).toMatchObject({ status: 409, body: { statusCode: 409, error: 'already-revoked' } });
    expect(await broker.channel.get(revokedQueue, { noAck: true })).toBe(false);

    const audit = await auditEntries(consentId);
    expect(audit.map((a) => [a.outcome, a.actor])).toEqual([
      ['recorded', 'anna.guide'],
      ['revoked', 'sam.soc'],
    ]);
    expect(audit[1].details).toMatchObject({
      consentId,
      purposes: ['vagledning'],
      messageId: decoded.ok && decoded.envelope.id,
    });
  });

  it('answers 404 for a consent that does not exist and 400 for an id that is not a UUID', async () => {
    expect(await hub.call('POST', `/api/consents/${randomUUID()}/revoke`, { as: USERS.guide })).toMatchObject({
      status: 404,
      body: { error: 'not-found' },
    });
    expect(await hub.call('POST', '/api/consents/42/revoke', { as: USERS.guide })).toMatchObject({
      status: 400,
      body: { error: 'invalid-request' },
    });
  });

  it.each(['19121212-1213', '121212-1211', '19121312-1212', 'not-a-number', ''])(
    'refuses the personnummer %p with 400 invalid-personnummer, never repeating it',
    async (subject) => {
      const before = Number((await pool.query('SELECT count(*) FROM hub.consent')).rows[0].count);
      const recorded = await record({ subject });
      expect(recorded).toMatchObject({ status: 400, body: { statusCode: 400, error: 'invalid-personnummer' } });
      if (subject) expect(JSON.stringify(recorded.body)).not.toContain(subject);
      const listed = await hub.call('GET', `/api/consents?subject=${encodeURIComponent(subject)}`, { as: USERS.guide });
      expect(listed).toMatchObject({ status: 400, body: { error: 'invalid-personnummer' } });
      expect(Number((await pool.query('SELECT count(*) FROM hub.consent')).rows[0].count)).toBe(before);
    },
  );

  it('accepts a samordningsnummer', async () => {
    const { status, body } = await record({ subject: '701063-2391' });
    expect(status).toBe(201);
    expect(body.subject).toBe('19701063-****');
  });

  it('accepts exactly twelve months and refuses a day more with consent-too-long', async () => {
    expect((await record({ validFrom: day(1), validUntil: day(1, 1) })).body).toMatchObject({ status: 'pending' });
    expect(await record({ validUntil: day(1, 1) })).toMatchObject({
      status: 400,
      body: { error: 'consent-too-long' },
    });
    expect(await record({ validFrom: day(10), validUntil: day(10, 2) })).toMatchObject({
      status: 400,
      body: { error: 'consent-too-long' },
    });
  });

  it.each([
    ['validUntil before validFrom', 'invalid-validity', { validFrom: day(5), validUntil: day(4) }],
    ['validFrom in the past', 'valid-from-in-past', { validFrom: day(-1) }],
    ['a day that does not exist', 'invalid-date', { validUntil: '2025-02-30' }],
    [
      'a category in no catalogue',
      'unknown-category',
      { categories: ['fk.utbetalningar', 'af.inskrivning', 'fk.okand'] },
    ],
    ['a never category', 'category-never', { categories: ['fk.medicinskt-underlag', 'af.inskrivning'] }],
    [
      'a category of an agency not named',
      'category-agency-not-named',
      { agencies: ['fk'], categories: ['fk.utbetalningar', 'af.inskrivning'] },
    ],
    ['an agency with no catalogue', 'unknown-agency', { agencies: ['fk', 'af', 'skv'] }],
    [
      'an agency with no category',
      'agency-without-category',
      { agencies: ['fk', 'af'], categories: ['fk.utbetalningar'] },
    ],
    ['an unknown field', 'invalid-request', { scope: 'everything' }],
    ['a purpose not in the code list', 'invalid-request', { purposes: ['allt'] }],
    ['no purpose', 'invalid-request', { purposes: [] }],
    ['an unknown method', 'invalid-request', { method: 'telepathy' }],
    ['no validUntil', 'invalid-request', { validUntil: undefined }],
  ])('refuses %s with 400 %s', async (_what, error, overrides) => {
    const response = await record(overrides);
    expect(response).toMatchObject({ status: 400, body: { statusCode: 400, error } });
    expect(response.body.message).toEqual(expect.any(String));
  });

  it('lets only guides and caseworkers record, list and revoke', async () => {
    for (const as of [USERS.auditor, USERS.manager, USERS.municipalityAdmin, USERS.fkAdmin]) {
      expect(await record({}, as)).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
      expect(await hub.call('GET', `/api/consents?subject=${SUBJECT}`, { as })).toMatchObject({ status: 403 });
      expect(await hub.call('POST', `/api/consents/${consentId}/revoke`, { as })).toMatchObject({ status: 403 });
    }
    const noUnit: TestUser = { ...USERS.guide, unit: undefined };
    expect(await record({}, noUnit)).toMatchObject({ status: 403, body: { error: 'no-unit' } });
  });

  it('lists newest first with each consent’s status', async () => {
    const subject = '811228-9874';
    const first = await record({ subject });
    const second = await record({ subject, validFrom: day(3), validUntil: day(30) });
    const { body } = await hub.call('GET', `/api/consents?subject=${subject}`, { as: USERS.guide });
    expect(body.map((c: any) => [c.id, c.status])).toEqual([
      [second.body.id, 'pending'],
      [first.body.id, 'active'],
    ]);
  });
});
