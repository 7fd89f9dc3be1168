import { ORGANISATIONS } from '@hub/contracts';
import { testPool } from '../support/env.js';
import { migrateTestDatabase, startHub, USERS, type RunningHub, type TestUser } from '../support/hub.js';

const TOVE: TestUser = {
  id: 'tove.teknik',
  name: 'Tove Teknik',
  organisation: ORGANISATIONS.orebro,
  unit: 'Tekniska förvaltningen',
  roles: ['department'],
};
const SOCIAL: TestUser = { ...TOVE, id: 'sara.social', name: 'Sara Social', unit: 'Socialförvaltningen' };
const KARLSKOGA_TEKNIK: TestUser = { ...TOVE, id: 'kim.teknik', organisation: ORGANISATIONS.karlskoga };
const KARLSKOGA_GUIDE: TestUser = { ...USERS.guide, id: 'karin.guide', organisation: ORGANISATIONS.karlskoga };
const VIVALLA_GUIDE: TestUser = { ...USERS.guide, id: 'vera.guide', unit: 'Medborgarkontor Vivalla' };

const LAMP = {
  topic: 'gata-park.gatubelysning',
  message: 'Lampan vid busshållplatsen på Storgatan är släckt sedan en vecka.',
  citizen: { name: 'Eva Svensson', phone: '070-123 45 67', email: 'eva@example.se' },
  preferredChannel: 'phone',
};

describe('errands forwarded to departments (issue 17)', () => {
  const pool = testPool();
  let hub: RunningHub;
  let departments: Record<string, string>;
  const call = (method: string, path: string, as: TestUser, body?: unknown) => hub.call(method, path, { as, body });

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query(
      `INSERT INTO hub.unit (organisation, name) VALUES ($1, 'Medborgarkontor Vivalla') ON CONFLICT DO NOTHING`,
      [ORGANISATIONS.orebro],
    );
    hub = await startHub();
    const list = await call('GET', '/api/errands/departments', USERS.guide);
    expect(list.status).toBe(200);
    departments = Object.fromEntries(list.body.map((d: { name: string; id: string }) => [d.name, d.id]));
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await pool.end();
  });

  it("lists the municipality's department units", () => {
    // other suites on the same database may register departments of their own
    expect(Object.keys(departments)).toEqual(
      expect.arrayContaining([
        'Bygg- och miljöförvaltningen',
        'Förskole- och skolförvaltningen',
        'Socialförvaltningen',
        'Tekniska förvaltningen',
      ]),
    );
    expect(Object.keys(departments)).not.toContain('Servicecenter');
  });

  it('walks an errand: forwarded, taken, handed over, answered, closed; the guide reads the answer', async () => {
    const created = await call('POST', '/api/errands', USERS.guide, { ...LAMP, subject: '19121212-1212' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      department: 'Tekniska förvaltningen',
      status: 'sent',
      subject: '19121212-****',
    });
    expect(JSON.stringify(created.body)).not.toContain('191212121212');

    const inbox = await call('GET', '/api/errands/inbox', TOVE);
    expect(inbox.body.map((e: { id: string }) => e.id)).toContain(id);
    expect((await call('POST', `/api/errands/${id}/take`, TOVE, {})).body.status).toBe('taken');
    const handed = await call('POST', `/api/errands/${id}/hand-over`, TOVE, {
      departmentId: departments['Socialförvaltningen'],
      note: 'Gäller färdtjänst',
    });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ department: 'Socialförvaltningen', status: 'sent' });
    expect((await call('GET', `/api/errands/${id}`, TOVE)).status).toBe(404);

    expect((await call('POST', `/api/errands/${id}/close`, SOCIAL, {})).status).toBe(409);
    expect((await call('POST', `/api/errands/${id}/take`, SOCIAL, {})).status).toBe(200);
    expect(
      (await call('POST', `/api/errands/${id}/answer`, SOCIAL, { answer: 'Vi ringer upp i morgon.' })).status,
    ).toBe(200);
    expect((await call('POST', `/api/errands/${id}/close`, SOCIAL, {})).body.status).toBe('closed');

    const read = await call('GET', `/api/errands/${id}`, USERS.guide);
    expect(read.body).toMatchObject({ status: 'closed', answer: 'Vi ringer upp i morgon.', answeredBy: 'Sara Social' });
    expect(read.body.timeline.map((e: { event: string }) => e.event)).toEqual([
      'sent',
      'taken',
      'handed-over',
      'taken',
      'answered',
      'closed',
    ]);

    const { rows } = await pool.query<{ outcome: string; subject_key: string | null }>(
      `SELECT outcome, subject_key FROM audit.entry WHERE kind = 'errand' AND correlation_id = $1 ORDER BY seq`,
      [id],
    );
    expect(rows.map((r) => r.outcome)).toEqual(['sent', 'taken', 'handed-over', 'taken', 'answered', 'closed']);
    // every step under the subject's key
    expect(rows[0]!.subject_key).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(rows.map((r) => r.subject_key)).size).toBe(1);
  });

  it('lets the forwarding unit withdraw an unanswered errand with a reason; the department sees it, nothing moves it on', async () => {
    const { body } = await call('POST', '/api/errands', USERS.guide, { ...LAMP, subject: '19121212-1212' });
    const id = body.id as string;
    expect((await call('POST', `/api/errands/${id}/take`, TOVE, {})).status).toBe(200);

    expect((await call('POST', `/api/errands/${id}/withdraw`, USERS.guide, {})).status).toBe(400);
    const named = await call('POST', `/api/errands/${id}/withdraw`, USERS.guide, { reason: 'Gäller 19121212-1212' });
    expect(named.status).toBe(400);
    // the department may not, and another unit finds no errand
    expect((await call('POST', `/api/errands/${id}/withdraw`, TOVE, { reason: 'Nej' })).body.error).toBe(
      'role-not-allowed',
    );
    expect((await call('POST', `/api/errands/${id}/withdraw`, VIVALLA_GUIDE, { reason: 'Nej' })).status).toBe(404);

    const withdrawn = await call('POST', `/api/errands/${id}/withdraw`, USERS.caseworker, {
      reason: 'Invånaren har fått hjälp av grannen.',
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', overdue: false });
    expect(withdrawn.body.timeline.at(-1)).toMatchObject({
      event: 'withdrawn',
      actor: { name: 'Sam Socialsekreterare', unit: 'Servicecenter' },
      department: 'Tekniska förvaltningen',
      note: 'Invånaren har fått hjälp av grannen.',
    });

    const inbox = await call('GET', '/api/errands/inbox?status=withdrawn', TOVE);
    expect(inbox.body.find((e: { id: string }) => e.id === id)).toMatchObject({ status: 'withdrawn' });
    expect((await call('GET', `/api/errands/${id}`, TOVE)).body.status).toBe('withdrawn');
    for (const [action, payload] of [
      ['take', {}],
      ['answer', { answer: 'För sent' }],
      ['close', { answer: 'För sent' }],
      ['hand-over', { departmentId: departments['Socialförvaltningen'] }],
    ] as const) {
      const refused = await call('POST', `/api/errands/${id}/${action}`, TOVE, payload);
      expect({ action, status: refused.status, error: refused.body.error }).toEqual({
        action,
        status: 409,
        error: 'invalid-transition',
      });
    }
    expect((await call('POST', `/api/errands/${id}/withdraw`, USERS.guide, { reason: 'Igen' })).status).toBe(409);

    const { rows } = await pool.query<{ outcome: string; actor: string; subject_key: string; details: object }>(
      `SELECT outcome, actor, subject_key, details FROM audit.entry
        WHERE kind = 'errand' AND correlation_id = $1 ORDER BY seq`,
      [id],
    );
    expect(rows.map((r) => r.outcome)).toEqual(['sent', 'taken', 'withdrawn']);
    expect(rows[2]).toMatchObject({
      actor: USERS.caseworker.id,
      subject_key: rows[0]!.subject_key,
      details: expect.objectContaining({ reason: 'Invånaren har fått hjälp av grannen.' }),
    });
  });

  it('does not withdraw an answered errand', async () => {
    const { body } = await call('POST', '/api/errands', USERS.guide, LAMP);
    await call('POST', `/api/errands/${body.id}/take`, TOVE, {});
    await call('POST', `/api/errands/${body.id}/answer`, TOVE, { answer: 'Lampan är bytt.' });
    const refused = await call('POST', `/api/errands/${body.id}/withdraw`, USERS.guide, { reason: 'För sent' });
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 409, error: 'invalid-transition' });
    expect((await call('GET', `/api/errands/${body.id}`, USERS.guide)).body.status).toBe('answered');
  });

  it('answers 404 across units and municipalities, read or written', async () => {
    const { body } = await call('POST', '/api/errands', USERS.guide, LAMP);
    const id = body.id as string;
    for (const outsider of [VIVALLA_GUIDE, KARLSKOGA_GUIDE, KARLSKOGA_TEKNIK, SOCIAL]) {
      expect((await call('GET', `/api/errands/${id}`, outsider)).status).toBe(404);
    }
    for (const outsider of [KARLSKOGA_TEKNIK, SOCIAL]) {
      expect((await call('POST', `/api/errands/${id}/take`, outsider, {})).status).toBe(404);
    }
    expect((await call('GET', '/api/errands', VIVALLA_GUIDE)).body.map((e: { id: string }) => e.id)).not.toContain(id);
    expect((await call('GET', '/api/errands/inbox', KARLSKOGA_TEKNIK)).body).toEqual([]);
    // Örebro's department, named by a Karlskoga guide, is as absent as one that does not exist
    const foreign = await call('POST', '/api/errands', KARLSKOGA_GUIDE, {
      ...LAMP,
      departmentId: departments['Tekniska förvaltningen'],
    });
    expect(foreign.status).toBe(404);
    expect((await call('POST', '/api/errands', USERS.guide, { ...LAMP, topic: 'Gata park' })).status).toBe(400);
  });

  it('flags an errand overdue to the guide and the department, overdue first', async () => {
    const { body } = await call('POST', '/api/errands', USERS.guide, { ...LAMP, topic: 'vatten-avfall.vattenlacka' });
    await pool.query(`UPDATE hub.errand SET respond_by = now() - interval '1 hour' WHERE id = $1`, [body.id]);
    // earlier runs on the same database may have left overdue errands: this one is among the overdue, all first
    for (const list of [
      await call('GET', '/api/errands', USERS.guide),
      await call('GET', '/api/errands/inbox', TOVE),
    ]) {
      const errands = list.body as Array<{ id: string; overdue: boolean }>;
      expect(errands.find((e) => e.id === body.id)).toMatchObject({ overdue: true });
      const firstOnTime = errands.findIndex((e) => !e.overdue);
      expect(errands.slice(firstOnTime < 0 ? errands.length : firstOnTime).some((e) => e.overdue)).toBe(false);
    }
  });

  it('carries only what the citizen allowed on a secrecy-sensitive topic', async () => {
    const sensitive = { ...LAMP, topic: 'omsorg.hemtjanst', subject: '19121212-1212' };
    expect((await call('POST', '/api/errands', USERS.guide, sensitive)).status).toBe(400);
    const created = await call('POST', '/api/errands', USERS.guide, { ...sensitive, citizenAllowed: ['name'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ department: 'Socialförvaltningen', citizen: { name: 'Eva Svensson' } });
    expect(created.body.subject).toBeUndefined();
    const { rows } = await pool.query('SELECT citizen, subject_key FROM hub.errand WHERE id = $1', [created.body.id]);
    expect(rows[0]).toEqual({ citizen: { name: 'Eva Svensson' }, subject_key: null });
  });

  it('refuses a personnummer in the message', async () => {
    const answer = await call('POST', '/api/errands', USERS.guide, { ...LAMP, message: 'Gäller 19121212-1212' });
    expect(answer.status).toBe(400);
  });
});
