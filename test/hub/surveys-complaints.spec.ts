import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditLog } from '@hub/audit';
import { ORGANISATIONS } from '@hub/contracts';
import { SurveyRepository } from '../../apps/hub/src/surveys/survey.repository.js';
import { SurveyService } from '../../apps/hub/src/surveys/survey.service.js';
import { testPool } from '../support/env.js';
import { migrateTestDatabase, startHub, type RunningHub, type TestUser } from '../support/hub.js';

/** Issue 18 over HTTP: the NKI survey by link and by kiosk, the index, and complaints routed and answered. */
describe('kundnöjdhet and klagomål over HTTP', () => {
  let hub: RunningHub;
  const pool = testPool();
  // a unit of its own, so that the figures are this run's only
  const unit = `Medborgarkontor ${randomUUID().slice(0, 8)}`;
  const guide: TestUser = {
    id: 'gita.guide',
    name: 'Gita Guide',
    organisation: ORGANISATIONS.orebro,
    unit,
    roles: ['guide'],
  };
  const manager: TestUser = { ...guide, id: 'mona.manager', name: 'Mona Chef', roles: ['manager'] };
  const department: TestUser = {
    ...guide,
    id: 'tor.teknik',
    name: 'Tor Tekniker',
    unit: 'Tekniska förvaltningen',
    roles: ['department'],
  };
  const otherUnit: TestUser = { ...guide, id: 'vera.guide', unit: 'Medborgarkontor Vivalla' };
  const stranger: TestUser = {
    ...guide,
    id: 'kim.guide',
    organisation: ORGANISATIONS.karlskoga,
    unit: 'Servicecenter',
  };
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query('INSERT INTO hub.unit (organisation, name) VALUES ($1, $2)', [ORGANISATIONS.orebro, unit]);
    hub = await startHub();
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await pool.end();
  });

  const logContact = async (channel: string) => {
    const contact = await hub.call('POST', '/api/contacts', {
      as: guide,
      body: { channel, topic: 'gata-park.snorojning', rosa: 1, outcome: 'besvarad' },
    });
    expect(contact.status).toBe(201);
    return contact.body as { id: string; survey: { token: string; path: string; expiresAt: string } };
  };
  const publicCall = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const answers = (n: number) => ({ overall: n, expectations: n, ideal: n });

  it('issues a one-time token per contact, kept hashed, answered once without login, storing only unit, channel, day', async () => {
    const contact = await logContact('telefon');
    expect(contact.survey.path).toBe(`/enkat/${contact.survey.token}`);
    const shown = await hub.call('GET', `/api/contacts/${contact.id}`, { as: guide });
    expect(JSON.stringify(shown.body)).not.toContain(contact.survey.token);
    const stored = await pool.query(`SELECT * FROM hub.survey_token WHERE unit = $1`, [unit]);
    expect(JSON.stringify(stored.rows)).not.toContain(contact.survey.token);
    expect(JSON.stringify(stored.rows)).not.toContain(contact.id);

    const survey = await publicCall('GET', `/api/public/surveys/${contact.survey.token}`);
    expect(survey.status).toBe(200);
    expect(survey.body.questions.map((q: { key: string }) => q.key)).toEqual(['overall', 'expectations', 'ideal']);
    expect((await publicCall('POST', `/api/public/surveys/${contact.survey.token}/answer`, answers(9))).status).toBe(
      204,
    );
    const again = await publicCall('POST', `/api/public/surveys/${contact.survey.token}/answer`, answers(1));
    expect(again).toEqual({ status: 409, body: expect.objectContaining({ error: 'survey-answered' }) });
    const rows = await pool.query(`SELECT * FROM hub.survey_answer WHERE unit = $1`, [unit]);
    expect(rows.rows).toEqual([
      expect.objectContaining({ channel: 'telefon', day: expect.any(Date), overall: 9, expectations: 9, ideal: 9 }),
    ]);
    expect(Object.keys(rows.rows[0]).sort()).toEqual(
      ['channel', 'day', 'expectations', 'id', 'ideal', 'organisation', 'overall', 'unit'].sort(),
    );
    expect((await publicCall('GET', `/api/public/surveys/${'x'.repeat(22)}`)).status).toBe(404);
    expect(
      (
        await publicCall('POST', `/api/public/surveys/${'x'.repeat(22)}/answer`, {
          overall: 11,
          expectations: 1,
          ideal: 1,
        })
      ).status,
    ).toBe(400);
  });

  it('deletes survey tokens and kiosk pairings expired over a week ago, from two instances at once, and keeps the rest', async () => {
    const DAY = 86_400_000;
    const tokens = {
      old: [randomBytes(32).toString('hex'), -8 * DAY, false],
      oldAnswered: [randomBytes(32).toString('hex'), -30 * DAY, true],
      recentlyExpired: [randomBytes(32).toString('hex'), -2 * DAY, false],
      valid: [randomBytes(32).toString('hex'), 5 * DAY, false],
    } as const;
    for (const [hash, expiresIn, answered] of Object.values(tokens)) {
      await pool.query(
        `INSERT INTO hub.survey_token (token_hash, organisation, unit, channel, day, expires_at, answered)
         VALUES ($1, $2, $3, 'telefon', current_date, $4, $5)`,
        [hash, ORGANISATIONS.orebro, unit, new Date(Date.now() + expiresIn), answered],
      );
    }
    const pairing = randomBytes(32).toString('hex');
    await pool.query(
      `INSERT INTO hub.survey_kiosk_pairing (code_hash, organisation, unit, created_by, expires_at)
       VALUES ($1, $2, $3, 'test', now() - interval '9 days')`,
      [pairing, ORGANISATIONS.orebro, unit],
    );
    // two hub instances cleaning at the same moment neither wait for nor fail on each other
    const instance = () => new SurveyService(new SurveyRepository(pool), {} as AuditLog);
    const deleted = await Promise.all([instance().cleanUp(), instance().cleanUp()]);
    expect(deleted[0] + deleted[1]).toBeGreaterThanOrEqual(2);
    const left = await pool.query(`SELECT token_hash FROM hub.survey_token WHERE token_hash = ANY($1)`, [
      Object.values(tokens).map(([hash]) => hash),
    ]);
    expect(left.rows.map((r) => r.token_hash).sort()).toEqual([tokens.recentlyExpired[0], tokens.valid[0]].sort());
    const pairings = await pool.query(`SELECT 1 FROM hub.survey_kiosk_pairing WHERE code_hash = $1`, [pairing]);
    expect(pairings.rowCount).toBe(0);
    // nothing is left for a second round
    await expect(instance().cleanUp()).resolves.toBe(0);
  });

  it('pairs the unit’s kiosk with a one-time code; the guide offers a visit’s survey to it; others cannot', async () => {
    const pairing = await hub.call('POST', '/api/surveys/kiosk-pairings', { as: guide });
    expect(pairing.status).toBe(201);
    const kiosk = await publicCall('POST', '/api/public/survey-kiosks/pair', { code: pairing.body.code });
    expect(kiosk.status).toBe(200);
    expect((await publicCall('POST', '/api/public/survey-kiosks/pair', { code: pairing.body.code })).status).toBe(401);
    const key = { 'x-kiosk-key': kiosk.body.kioskKey };
    expect((await publicCall('GET', '/api/public/survey-kiosks/offer', undefined, key)).body).toEqual({
      waiting: false,
      unit,
    });
    expect((await publicCall('GET', '/api/public/survey-kiosks/offer')).status).toBe(401);

    const visit = await logContact('besok');
    for (const outsider of [otherUnit, stranger]) {
      const offered = await hub.call('POST', '/api/surveys/kiosk-offers', {
        as: outsider,
        body: { token: visit.survey.token },
      });
      expect({ status: offered.status, error: offered.body.error }).toEqual({ status: 404, error: 'not-found' });
    }
    expect(
      (await hub.call('POST', '/api/surveys/kiosk-offers', { as: guide, body: { token: visit.survey.token } })).status,
    ).toBe(204);
    expect((await publicCall('GET', '/api/public/survey-kiosks/offer', undefined, key)).body.waiting).toBe(true);
    expect((await publicCall('POST', '/api/public/survey-kiosks/answer', answers(7), key)).status).toBe(204);
    expect((await publicCall('GET', '/api/public/survey-kiosks/offer', undefined, key)).body.waiting).toBe(false);
    const link = await publicCall('POST', `/api/public/surveys/${visit.survey.token}/answer`, answers(7));
    expect(link.body.error).toBe('survey-answered');
    const audited = await pool.query(
      `SELECT outcome FROM audit.entry WHERE kind = 'survey-kiosk' AND unit = $1 ORDER BY seq`,
      [unit],
    );
    expect(audited.rows.map((r) => r.outcome)).toEqual(['pairing-created', 'paired']);
  });

  it('gives a manager NKI with n and a 95 % interval from five answers, none to another municipality', async () => {
    const before = await hub.call('GET', `/api/follow-up/nki?from=${today}&to=${today}`, { as: manager });
    expect(before.body).toMatchObject({ answers: 2, suppressed: true, nki: null });
    for (const n of [8, 10]) {
      const { survey } = await logContact('e-post');
      await publicCall('POST', `/api/public/surveys/${survey.token}/answer`, answers(n));
    }
    const contact = await logContact('e-post');
    await publicCall('POST', `/api/public/surveys/${contact.survey.token}/answer`, {
      overall: 10,
      expectations: 7,
      ideal: 4,
    });
    const nki = await hub.call('GET', `/api/follow-up/nki?from=${today}&to=${today}`, { as: manager });
    expect(nki.status).toBe(200);
    // scores 88.9, 66.7, 77.8, 100, 66.7: mean 80.0
    expect(nki.body).toMatchObject({ answers: 5, suppressed: false, nki: 80, scope: { unit } });
    expect(nki.body.ciLow).toBeLessThan(80);
    expect(nki.body.ciHigh).toBeGreaterThan(80);
    expect(nki.body.byChannel).toEqual([
      expect.objectContaining({ channel: 'besok', answers: 1, suppressed: true }),
      expect.objectContaining({ channel: 'e-post', answers: 3, suppressed: true }),
      expect.objectContaining({ channel: 'telefon', answers: 1, suppressed: true }),
    ]);
    const elsewhere = await hub.call('GET', `/api/follow-up/nki?from=${today}&to=${today}`, {
      as: { ...stranger, roles: ['manager'] },
    });
    expect(elsewhere.body.answers).toBe(0);
    expect((await hub.call('GET', '/api/follow-up/nki', { as: guide })).status).toBe(403);
  });

  it('routes a complaint to a department as an errand, which the department answers; counts by topic and party', async () => {
    const departments = await hub.call('GET', '/api/errands/departments', { as: guide });
    const teknik = departments.body.find((d: { name: string }) => d.name === 'Tekniska förvaltningen');
    const registered = await hub.call('POST', '/api/complaints', {
      as: guide,
      body: {
        kind: 'klagomal',
        channel: 'telefon',
        topic: 'gata-park.snorojning',
        text: 'Gatan plogades inte på tre dagar.',
        party: { kind: 'department', departmentId: teknik.id },
        wantsAnswer: true,
        citizen: { name: 'Eva Svensson', phone: '070-123 45 67' },
        preferredChannel: 'phone',
      },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      status: 'open',
      party: { kind: 'department', id: 'Tekniska förvaltningen' },
    });
    const errandId = registered.body.errandId as string;
    expect((await hub.call('POST', `/api/errands/${errandId}/take`, { as: department, body: {} })).status).toBe(200);
    const answered = await hub.call('POST', `/api/errands/${errandId}/answer`, {
      as: department,
      body: { answer: 'Vi plogar i morgon bitti.' },
    });
    expect(answered.status).toBe(200);
    const followed = await hub.call('GET', `/api/complaints/${registered.body.id}`, { as: guide });
    expect(followed.body).toMatchObject({
      status: 'answered',
      answer: 'Vi plogar i morgon bitti.',
      answeredBy: 'Tor Tekniker',
    });

    const fk = await hub.call('POST', '/api/complaints', {
      as: guide,
      body: {
        kind: 'synpunkt',
        channel: 'besok',
        topic: 'myndigheter.forsakringskassan',
        text: 'Svårt att hitta rätt blankett.',
        party: { kind: 'agency', agency: ORGANISATIONS.fk },
        wantsAnswer: false,
      },
    });
    expect(fk.body).toMatchObject({ party: { kind: 'agency', name: 'Försäkringskassan' }, citizen: {} });
    const reply = await hub.call('POST', `/api/complaints/${fk.body.id}/answer`, {
      as: guide,
      body: { answer: 'Vidarebefordrad till Försäkringskassans synpunktshantering.' },
    });
    expect(reply.body.status).toBe('answered');

    const pnr = await hub.call('POST', '/api/complaints', {
      as: guide,
      body: {
        kind: 'klagomal',
        channel: 'besok',
        topic: 'kommunen.synpunkt',
        text: 'Gäller 19121212-1212',
        party: { kind: 'centre' },
        wantsAnswer: false,
      },
    });
    expect(pnr.body.error).toBe('personnummer-in-text');

    for (const outsider of [otherUnit, stranger]) {
      expect((await hub.call('GET', `/api/complaints/${fk.body.id}`, { as: outsider })).status).toBe(404);
      const list = await hub.call('GET', '/api/complaints', { as: outsider });
      expect(JSON.stringify(list.body)).not.toContain(fk.body.id);
    }
    const counts = await hub.call('GET', `/api/follow-up/complaints?from=${today}&to=${today}`, { as: manager });
    // one of each: every count is a small number, suppressed
    expect(counts.body).toMatchObject({
      smallNumberThreshold: 5,
      total: null,
      byTopic: expect.arrayContaining([
        { topic: 'gata-park.snorojning', topicName: 'Snöröjning och halkbekämpning', kind: 'klagomal', count: null },
        expect.objectContaining({ topic: 'myndigheter.forsakringskassan', kind: 'synpunkt', count: null }),
      ]),
      byParty: expect.arrayContaining([
        expect.objectContaining({
          partyKind: 'department',
          party: 'Tekniska förvaltningen',
          count: null,
          answered: null,
        }),
        expect.objectContaining({ partyKind: 'agency', party: ORGANISATIONS.fk, count: null, answered: null }),
      ]),
    });
    const audited = await pool.query(
      `SELECT outcome FROM audit.entry WHERE kind = 'complaint' AND correlation_id = $1 ORDER BY seq`,
      [fk.body.id],
    );
    expect(audited.rows.map((r) => r.outcome)).toEqual(['registered', 'answered']);
  });
});
