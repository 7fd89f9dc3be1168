import { randomUUID } from 'node:crypto';
import { ORGANISATIONS } from '@hub/contracts';
import { ContactRepository, type ContactDurability } from '../../apps/hub/src/contacts/contact.repository.js';
import { testPool } from '../support/env.js';
import { startHub, USERS, type RunningHub, type TestUser } from '../support/hub.js';

/** Issue 17 over HTTP: the municipality's taxonomy, contacts of a unit, and queries and referrals naming one. */
const KARLSKOGA_ADMIN: TestUser = {
  id: 'kalle.admin',
  name: 'Kalle Admin',
  organisation: ORGANISATIONS.karlskoga,
  unit: 'Servicecenter',
  roles: ['admin'],
};
const KARLSKOGA_GUIDE: TestUser = { ...KARLSKOGA_ADMIN, id: 'klara.guide', name: 'Klara Guide', roles: ['guide'] };
const VIVALLA_GUIDE: TestUser = { ...USERS.guide, id: 'vera.guide', unit: 'Medborgarkontor Vivalla' };
const SUBJECT = '19121212-1212';

describe('topics and contacts over HTTP', () => {
  let hub: RunningHub;
  const pool = testPool();

  beforeAll(async () => {
    hub = await startHub();
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await pool.end();
  });

  const log = (body: Record<string, unknown>, as: TestUser = USERS.guide) =>
    hub.call('POST', '/api/contacts', {
      as,
      body: { channel: 'telefon', topic: 'gata-park.snorojning', rosa: 1, outcome: 'besvarad', ...body },
    });

  it('shows every municipality’s staff its own seeded taxonomy, with response hours, department and secrecy', async () => {
    const topics = await hub.call('GET', '/api/topics', { as: USERS.guide });
    expect(topics.status).toBe(200);
    const codes = topics.body.flatMap((c: { types: { code: string }[] }) => c.types.map((t) => t.code));
    expect(codes).toEqual(expect.arrayContaining(['gata-park.snorojning', 'omsorg.ekonomiskt-bistand']));
    const omsorg = topics.body.find((c: { code: string }) => c.code === 'omsorg');
    expect(omsorg.types.find((t: { code: string }) => t.code === 'omsorg.ekonomiskt-bistand')).toMatchObject({
      responseHours: 72,
      department: 'Socialförvaltningen',
      secrecySensitive: true,
    });
    const karlskoga = await hub.call('GET', '/api/topics', { as: KARLSKOGA_GUIDE });
    // the default categories, in order, each municipality its own (earlier runs may have added test categories)
    const defaults = ['gata-park', 'vatten-avfall', 'bygga-bo', 'skola', 'omsorg', 'kultur-fritid', 'myndigheter'];
    for (const answer of [topics, karlskoga]) {
      expect(answer.body.map((c: { code: string }) => c.code).slice(0, defaults.length)).toEqual(defaults);
    }
    const ids = (answer: typeof topics) => answer.body.map((c: { id: string }) => c.id);
    expect(ids(karlskoga).filter((id: string) => ids(topics).includes(id))).toEqual([]);
  });

  it('lets the admin add, rename, time and retire topics; another municipality’s ids are 404; retired ones stay', async () => {
    const code = `t${randomUUID().slice(0, 8)}`;
    const category = await hub.call('POST', '/api/topics/categories', {
      as: USERS.municipalityAdmin,
      body: { code, name: 'Testkategori' },
    });
    expect(category.status).toBe(201);
    const again = await hub.call('POST', '/api/topics/categories', {
      as: USERS.municipalityAdmin,
      body: { code, name: 'Igen' },
    });
    expect(again).toMatchObject({ status: 409, body: { error: 'topic-exists' } });
    const type = await hub.call('POST', `/api/topics/categories/${category.body.id}/types`, {
      as: USERS.municipalityAdmin,
      body: { code: `${code}.fraga`, name: 'Testfråga', responseHours: 48 },
    });
    expect(type).toMatchObject({ status: 201, body: { code: `${code}.fraga`, responseHours: 48 } });
    const byGuide = await hub.call('PATCH', `/api/topics/types/${type.body.id}`, {
      as: USERS.guide,
      body: { responseHours: 4 },
    });
    expect(byGuide).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
    const elsewhere = await hub.call('PATCH', `/api/topics/types/${type.body.id}`, {
      as: KARLSKOGA_ADMIN,
      body: { responseHours: 4 },
    });
    expect(elsewhere).toMatchObject({ status: 404, body: { error: 'not-found' } });
    const timed = await hub.call('PATCH', `/api/topics/types/${type.body.id}`, {
      as: USERS.municipalityAdmin,
      body: { responseHours: 8, name: 'Testfrågor' },
    });
    expect(timed).toMatchObject({ status: 200, body: { responseHours: 8, name: 'Testfrågor' } });

    expect((await log({ topic: `${code}.fraga` })).status).toBe(201);
    const retired = await hub.call('PATCH', `/api/topics/categories/${category.body.id}`, {
      as: USERS.municipalityAdmin,
      body: { retired: true },
    });
    expect(retired.status).toBe(200);
    expect(retired.body.types[0].retiredAt).toBeDefined();
    expect(await log({ topic: `${code}.fraga` })).toMatchObject({ status: 400, body: { error: 'unknown-topic' } });
    // the day's contacts still read the retired topic
    const day = await hub.call('GET', '/api/contacts', { as: USERS.guide });
    expect(day.body.find((c: { topic: string }) => c.topic === `${code}.fraga`)).toMatchObject({
      topicName: 'Testfrågor',
    });

    // every change the admin made is in the audit log, and nothing the refused ones tried
    const { rows } = await pool.query<{
      actor: string;
      organisation: string;
      outcome: string;
      correlation_id: string;
      details: { code: string; changes?: object };
    }>(
      `SELECT actor, organisation, outcome, correlation_id, details FROM audit.entry
        WHERE kind = 'topic' AND correlation_id = ANY($1) ORDER BY seq`,
      [[category.body.id, type.body.id]],
    );
    expect(rows.map((r) => [r.outcome, r.details.code])).toEqual([
      ['created', code],
      ['created', `${code}.fraga`],
      ['changed', `${code}.fraga`],
      ['retired', code],
    ]);
    expect(new Set(rows.map((r) => `${r.actor} ${r.organisation}`))).toEqual(
      new Set([`${USERS.municipalityAdmin.id} ${ORGANISATIONS.orebro}`]),
    );
    expect(rows[2]!.details.changes).toEqual({
      name: { from: 'Testfråga', to: 'Testfrågor' },
      responseHours: { from: 48, to: 8 },
    });
  });

  it('logs a contact in one request, anonymous by default, and lists today’s contacts of the unit only', async () => {
    const logged = await log({ channel: 'besok', rosa: 2, language: 'ar', interpreter: true, note: 'Kom med brev' });
    expect(logged.status).toBe(201);
    expect(logged.body).toMatchObject({
      channel: 'besok',
      topic: 'gata-park.snorojning',
      topicName: 'Snöröjning och halkbekämpning',
      category: 'gata-park',
      rosa: 2,
      outcome: 'besvarad',
      language: 'ar',
      interpreter: true,
      note: 'Kom med brev',
      unit: 'Servicecenter',
      createdBy: USERS.guide.id,
    });
    expect(logged.body.subject).toBeUndefined();
    const audited = await pool.query(`SELECT 1 FROM audit.entry WHERE kind = 'contact' AND correlation_id = $1`, [
      logged.body.id,
    ]);
    expect(audited.rowCount).toBe(0);

    const today = await hub.call('GET', '/api/contacts', { as: USERS.guide });
    expect(today.status).toBe(200);
    expect(today.body.map((c: { id: string }) => c.id)).toContain(logged.body.id);
    const vivalla = await hub.call('GET', '/api/contacts', { as: VIVALLA_GUIDE });
    expect(vivalla.body.map((c: { id: string }) => c.id)).not.toContain(logged.body.id);
    const otherDay = await hub.call('GET', '/api/contacts?date=2020-01-01', { as: USERS.guide });
    expect(otherDay.body).toEqual([]);
    const notADay = await hub.call('GET', '/api/contacts?date=2025-02-30', { as: USERS.guide });
    expect(notADay).toMatchObject({ status: 400, body: { error: 'invalid-date' } });

    expect((await hub.call('GET', `/api/contacts/${logged.body.id}`, { as: USERS.guide })).status).toBe(200);
    for (const as of [VIVALLA_GUIDE, KARLSKOGA_GUIDE]) {
      const hidden = await hub.call('GET', `/api/contacts/${logged.body.id}`, { as });
      expect(hidden).toMatchObject({ status: 404, body: { error: 'not-found' } });
    }
  });

  it('names the knowledge-base article a contact was answered with: only one of the guide’s own municipality', async () => {
    const write = async (as: TestUser, title: string) => {
      const created = await hub.call('POST', '/api/knowledge/articles', {
        as,
        body: {
          topic: 'gata-park.snorojning',
          owner: { kind: 'unit', name: 'Servicecenter' },
          title,
          standardAnswer: 'Gator plogas i tur och ordning efter en prioriteringslista.',
          reviewBy: '2099-12-31',
        },
      });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const orebro = await write(USERS.municipalityAdmin, `Snöröjning ${randomUUID().slice(0, 8)}`);
    const karlskoga = await write(KARLSKOGA_ADMIN, `Snöröjning i Karlskoga ${randomUUID().slice(0, 8)}`);

    const answered = await log({ articleId: orebro });
    expect(answered).toMatchObject({ status: 201, body: { articleId: orebro, outcome: 'besvarad' } });
    const row = await pool.query(`SELECT article_id FROM hub.contact WHERE id = $1`, [answered.body.id]);
    expect(row.rows).toEqual([{ article_id: orebro }]);
    // another unit of the municipality answers from the same knowledge base
    expect(await log({ articleId: orebro }, VIVALLA_GUIDE)).toMatchObject({ status: 201 });
    const shown = await hub.call('GET', `/api/contacts/${answered.body.id}`, { as: USERS.guide });
    expect(shown.body.articleId).toBe(orebro);
    const day = await hub.call('GET', '/api/contacts', { as: USERS.guide });
    expect(day.body.find((c: { id: string }) => c.id === answered.body.id)).toMatchObject({ articleId: orebro });
    const plain = await log({});
    expect(plain.status).toBe(201);
    expect(plain.body).not.toHaveProperty('articleId');

    // another municipality's article is as unknown as one that does not exist; a malformed id is a bad request
    const before = Number((await pool.query(`SELECT count(*) FROM hub.contact`)).rows[0].count);
    const madeUp = randomUUID();
    const foreign = await log({ articleId: karlskoga });
    const absent = await log({ articleId: madeUp });
    expect(foreign).toMatchObject({ status: 404, body: { error: 'not-found' } });
    expect(JSON.stringify(foreign.body).replaceAll(karlskoga, '<id>')).toBe(
      JSON.stringify(absent.body).replaceAll(madeUp, '<id>'),
    );
    expect(await log({ articleId: 'snöröjning' })).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
    expect(Number((await pool.query(`SELECT count(*) FROM hub.contact`)).rows[0].count)).toBe(before);
    // Karlskoga's own guide answers with it
    expect(await log({ articleId: karlskoga }, KARLSKOGA_GUIDE)).toMatchObject({
      status: 201,
      body: { articleId: karlskoga },
    });
  });

  it('refuses what it cannot store or must not: 400 with a clear code', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ note: 'Ringde om 19121212-1212 igen' }, 'personnummer-in-text'],
      [{ note: 'pnr 121212-1212' }, 'personnummer-in-text'],
      [{ subject: '19121212-1213' }, 'invalid-personnummer'],
      [{ topic: 'gata-park.finns-inte' }, 'unknown-topic'],
      [{ channel: 'brev' }, 'invalid-request'],
      [{ outcome: 'klar' }, 'invalid-request'],
      [{ rosa: 9 }, 'invalid-request'],
      [{ rosa: 0 }, 'invalid-request'],
      [{ language: 'svenska' }, 'invalid-request'],
      [{ interpreter: 'ja' }, 'invalid-request'],
      [{ extra: 1 }, 'invalid-request'],
    ];
    for (const [body, error] of cases) {
      const refused = await log(body);
      expect({ body, status: refused.status, error: refused.body.error }).toEqual({ body, status: 400, error });
    }
    expect(await log({}, USERS.municipalityAdmin)).toMatchObject({ status: 403 });
  });

  it('keeps a needed personnummer as the subject key, audits that contact, and links queries and referrals to it', async () => {
    const logged = await log({ outcome: 'remitterad', subject: SUBJECT });
    expect(logged.status).toBe(201);
    expect(logged.body.subject).toBe('19121212-****');
    const row = await pool.query(`SELECT * FROM hub.contact WHERE id = $1`, [logged.body.id]);
    expect(JSON.stringify(row.rows[0])).not.toContain('19121212121');
    const audited = await pool.query(
      `SELECT kind, subject_key, outcome FROM audit.entry WHERE kind = 'contact' AND correlation_id = $1`,
      [logged.body.id],
    );
    expect(audited.rows).toEqual([
      expect.objectContaining({ outcome: 'logged', subject_key: row.rows[0].subject_key.trim() }),
    ]);

    const query = await hub.call('POST', '/api/queries', {
      as: USERS.guide,
      body: { subject: SUBJECT, purpose: 'vagledning', agencies: ['fk'], deadlineMs: 300, contactId: logged.body.id },
    });
    expect(query.status).toBe(200);
    expect(query.body.contactId).toBe(logged.body.id);
    const shown = await hub.call('GET', `/api/contacts/${logged.body.id}`, { as: USERS.guide });
    expect(shown.body.queries).toEqual([query.body.queryId]);

    for (const [path, body] of [
      ['/api/queries', { subject: SUBJECT, purpose: 'vagledning', agencies: ['fk'], deadlineMs: 300 }],
      [
        '/api/referrals',
        {
          subject: SUBJECT,
          agency: 'af',
          referralType: 'af.inskrivning-arbetssokande',
          purpose: 'vagledning',
          message: 'Vill skriva in sig.',
          contactPreference: 'phone',
        },
      ],
    ] as const) {
      for (const contactId of [randomUUID(), logged.body.id]) {
        const as = contactId === logged.body.id ? VIVALLA_GUIDE : USERS.guide;
        const refused = await hub.call('POST', path, { as, body: { ...body, contactId } });
        expect({ path, status: refused.status, error: refused.body.error }).toEqual({
          path,
          status: 404,
          error: 'not-found',
        });
      }
    }
  });

  it('commits a contact whose audit entry follows without waiting for the flush, any other one waiting for it', async () => {
    const contacts = new ContactRepository(pool);
    const client = await pool.connect();
    try {
      const commitModes: Record<string, string> = {};
      for (const durability of ['own', 'audit-entry-next'] as ContactDurability[]) {
        await client.query('BEGIN');
        const [stored] = await contacts.insertMany(
          [
            {
              id: randomUUID(),
              organisation: USERS.guide.organisation,
              unit: USERS.guide.unit!,
              createdBy: USERS.guide.id,
              channel: 'telefon',
              topic: 'gata-park.snorojning',
              rosa: 1,
              outcome: 'besvarad',
              language: 'sv',
              interpreter: false,
              note: null,
              waitingSeconds: null,
              handlingSeconds: null,
              subjectKey: null,
              subjectMasked: null,
              articleId: null,
            },
          ],
          durability,
          client,
        );
        expect(stored?.topicName).toBe('Snöröjning och halkbekämpning');
        commitModes[durability] = (
          await client.query(`SELECT current_setting('synchronous_commit') AS mode`)
        ).rows[0].mode;
        await client.query('ROLLBACK');
      }
      expect(commitModes).toEqual({ own: 'on', 'audit-entry-next': 'off' });
      // SET LOCAL: the next transaction on the connection waits for its flush again
      expect((await client.query(`SELECT current_setting('synchronous_commit') AS mode`)).rows[0].mode).toBe('on');
    } finally {
      client.release();
    }
  });
});
