import { ORGANISATIONS } from '@hub/contracts';
import { testPool } from '../support/env.js';
import { startHub, USERS, type RunningHub, type TestUser } from '../support/hub.js';

/** Issue 17, the knowledge base over HTTP: search in Swedish with typos, scoped to the municipality, versions kept. */
const TEKNISKA = 'Tekniska förvaltningen';
const TOVE: TestUser = {
  id: 'tove.teknik',
  name: 'Tove Teknik',
  organisation: ORGANISATIONS.orebro,
  unit: TEKNISKA,
  roles: ['department'],
};
const KARLSKOGA_ADMIN: TestUser = {
  id: 'kalle.admin',
  name: 'Kalle Admin',
  organisation: ORGANISATIONS.karlskoga,
  unit: 'Servicecenter',
  roles: ['admin'],
};
const KARLSKOGA_GUIDE: TestUser = { ...KARLSKOGA_ADMIN, id: 'karl.guide', roles: ['guide'] };

const article = (title: string, topic: string, owner: string, over: Record<string, unknown> = {}) => ({
  topic,
  owner: { kind: 'unit', name: owner },
  title,
  standardAnswer: `Standardsvar om ${title.toLowerCase()}.`,
  shortAnswers: { telefon: `Kort svar i telefon om ${title.toLowerCase()}.` },
  body: '',
  links: [{ title: 'Läs mer', url: 'https://www.orebro.se/' }],
  reviewBy: '2099-12-31',
  ...over,
});

describe('knowledge base over HTTP', () => {
  const pool = testPool();
  let hub: RunningHub;
  const ids: Record<string, string> = {};

  const create = async (as: TestUser, body: unknown) => {
    const created = await hub.call('POST', '/api/knowledge/articles', { as, body });
    if (created.status !== 201) throw new Error(`${created.status} ${JSON.stringify(created.body)}`);
    return created.body.id as string;
  };
  const search = async (as: TestUser, query: string) => {
    const answer = await hub.call('GET', `/api/knowledge/search?${query}`, { as });
    expect(answer.status).toBe(200);
    return answer.body as Array<{ id: string; title: string; stale: boolean; shortAnswers: Record<string, string> }>;
  };

  beforeAll(async () => {
    hub = await startHub();
    await pool.query('DELETE FROM hub.article_version');
    await pool.query('DELETE FROM hub.article');
    await pool.query(
      `INSERT INTO hub.unit (organisation, name, kind) VALUES ($1, $2, 'department') ON CONFLICT DO NOTHING`,
      [ORGANISATIONS.orebro, TEKNISKA],
    );
    const admin = USERS.municipalityAdmin;
    ids.bygglov = await create(
      admin,
      article('Bygglov – när behövs det?', 'bygga-bo.bygglov', 'Servicecenter', {
        body: 'Ansökan om bygglov görs i e-tjänsten med ritningar.',
      }),
    );
    ids.attefall = await create(
      admin,
      article('Attefallshus och friggebod', 'bygga-bo.bygglov', 'Servicecenter', {
        body: 'Kräver anmälan, inte bygglov.',
      }),
    );
    ids.belysning = await create(
      TOVE,
      article('Trasig gatubelysning', 'gata-park.gatubelysning', TEKNISKA, {
        body: 'Felanmälan till Tekniska förvaltningen.',
      }),
    );
    ids.snow = await create(
      TOVE,
      article('Snöröjning och halkbekämpning', 'gata-park.snorojning', TEKNISKA, {
        reviewBy: '2020-01-31',
        body: 'Felanmälan om halka görs på webben.',
      }),
    );
    ids.karlskoga = await create(KARLSKOGA_ADMIN, article('Bygglov i Karlskoga', 'bygga-bo.bygglov', 'Servicecenter'));
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await pool.end();
  });

  it('ranks the article with the word in its title first, and shows its short answers', async () => {
    const hits = await search(USERS.guide, 'q=bygglov');
    expect(hits.map((h) => h.id)).toEqual([ids.bygglov, ids.attefall]);
    expect(hits[0]!.shortAnswers.telefon).toContain('bygglov');
  });

  it('finds words typed wrong or half-typed, and inflected forms', async () => {
    expect((await search(USERS.guide, 'q=bygglv'))[0]?.id).toBe(ids.bygglov);
    expect((await search(USERS.guide, 'q=gatubelysnig'))[0]?.id).toBe(ids.belysning);
    expect((await search(USERS.guide, 'q=snör'))[0]?.id).toBe(ids.snow);
    expect((await search(USERS.guide, `q=${encodeURIComponent('bygglovet')}`))[0]?.id).toBe(ids.bygglov);
  });

  it('boosts the articles of the chosen topic type, and lists a topic’s articles without words', async () => {
    const plain = await search(USERS.guide, `q=${encodeURIComponent('felanmälan')}`);
    expect(plain.map((h) => h.id).sort()).toEqual([ids.belysning, ids.snow].sort());
    const boosted = await search(USERS.guide, `q=${encodeURIComponent('felanmälan')}&topic=gata-park.snorojning`);
    expect(boosted[0]!.id).toBe(ids.snow);
    const topical = await search(USERS.guide, 'topic=bygga-bo.bygglov');
    expect(topical.map((h) => h.id).sort()).toEqual([ids.bygglov, ids.attefall].sort());
  });

  it('keeps another municipality’s articles out of search and answers them 404', async () => {
    expect((await search(USERS.guide, 'q=Karlskoga')).map((h) => h.id)).not.toContain(ids.karlskoga);
    const theirs = await hub.call('GET', `/api/knowledge/articles/${ids.karlskoga}`, { as: USERS.guide });
    expect(theirs).toMatchObject({ status: 404, body: { error: 'not-found' } });
    const ours = await hub.call('GET', `/api/knowledge/articles/${ids.bygglov}`, { as: KARLSKOGA_GUIDE });
    expect(ours).toMatchObject({ status: 404, body: { error: 'not-found' } });
    const edit = await hub.call('PUT', `/api/knowledge/articles/${ids.bygglov}`, {
      as: KARLSKOGA_ADMIN,
      body: { ...article('Intrång', 'bygga-bo.bygglov', 'Servicecenter'), version: 1 },
    });
    expect(edit).toMatchObject({ status: 404, body: { error: 'not-found' } });
    expect((await search(KARLSKOGA_GUIDE, 'q=bygglov')).map((h) => h.id)).toEqual([ids.karlskoga]);
  });

  it('keeps every version when the owner edits, and refuses other editors', async () => {
    const path = `/api/knowledge/articles/${ids.belysning}`;
    const edited = await hub.call('PUT', path, {
      as: TOVE,
      body: { ...article('Släckt eller trasig gatubelysning', 'gata-park.gatubelysning', TEKNISKA), version: 1 },
    });
    expect(edited).toMatchObject({ status: 200, body: { version: 2, title: 'Släckt eller trasig gatubelysning' } });
    const stale = await hub.call('PUT', path, {
      as: TOVE,
      body: { ...article('Gammal', 'gata-park.gatubelysning', TEKNISKA), version: 1 },
    });
    expect(stale).toMatchObject({ status: 409, body: { error: 'version-conflict' } });
    const guide = await hub.call('PUT', path, {
      as: USERS.guide,
      body: { ...article('Gissning', 'gata-park.gatubelysning', TEKNISKA), version: 2 },
    });
    expect(guide).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
    const versions = await hub.call('GET', `${path}/versions`, { as: USERS.guide });
    expect(
      versions.body.map((v: { version: number; title: string; editedBy: string }) => [v.version, v.title]),
    ).toEqual([
      [2, 'Släckt eller trasig gatubelysning'],
      [1, 'Trasig gatubelysning'],
    ]);
    expect((await search(USERS.guide, 'q=släckt'))[0]?.id).toBe(ids.belysning);

    const { rows } = await pool.query<{ actor: string; unit: string; outcome: string; details: object }>(
      `SELECT actor, unit, outcome, details FROM audit.entry WHERE kind = 'article' AND correlation_id = $1 ORDER BY seq`,
      [ids.belysning],
    );
    expect(rows).toEqual([
      expect.objectContaining({ outcome: 'created', details: expect.objectContaining({ version: 1 }) }),
      {
        actor: TOVE.id,
        unit: TEKNISKA,
        outcome: 'edited',
        details: expect.objectContaining({
          version: 2,
          previousVersion: 1,
          title: 'Släckt eller trasig gatubelysning',
          owner: { kind: 'unit', name: TEKNISKA },
        }),
      },
    ]);
  });

  it('flags an article past its review day to its owner', async () => {
    const hit = (await search(USERS.guide, 'q=halkbekämpning'))[0]!;
    expect(hit).toMatchObject({ id: ids.snow, stale: true });
    const due = await hub.call('GET', '/api/knowledge/review', { as: TOVE });
    expect(due.status).toBe(200);
    expect(due.body.map((a: { id: string }) => a.id)).toEqual([ids.snow]);
    const karlskoga = await hub.call('GET', '/api/knowledge/review', { as: KARLSKOGA_ADMIN });
    expect(karlskoga.body).toEqual([]);
  });

  it('refuses input the database cannot store, and an owner that does not exist', async () => {
    const nul = await hub.call('GET', `/api/knowledge/search?q=${encodeURIComponent('a\u0000b')}`, { as: USERS.guide });
    expect(nul).toMatchObject({ status: 400, body: { error: 'invalid-text' } });
    const badTopic = await hub.call('GET', '/api/knowledge/search?topic=nonsense', { as: USERS.guide });
    expect(badTopic.status).toBe(400);
    const noOwner = await hub.call('POST', '/api/knowledge/articles', {
      as: USERS.municipalityAdmin,
      body: article('Ingen ägare', 'kommunen.allmant', 'Finns inte'),
    });
    expect(noOwner).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
  });

  it('ranks from a shortlist when more than a hundred articles match: the titled and the topic’s ones stay on it', async () => {
    const titled = await create(
      USERS.municipalityAdmin,
      article('Kompostering i villa', 'vatten-avfall.sophamtning', 'Servicecenter'),
    );
    const topical = await create(
      USERS.municipalityAdmin,
      article('Återvinning av matavfall', 'vatten-avfall.atervinning', 'Servicecenter', {
        body: 'Om kompostering hemma.',
      }),
    );
    await pool.query(
      `INSERT INTO hub.article (organisation, topic, owner_kind, owner, version, title, standard_answer, body,
         review_by, created_by, updated_by)
       SELECT $1, 'kultur-fritid.bibliotek', 'unit', 'Servicecenter', 1, 'Fyllnad ' || n, 'Standardsvar.',
         'Kompostering nämns här, och kompostering igen, och kompostering en tredje gång.', '2099-12-31', 'test', 'test'
       FROM generate_series(1, 150) AS n`,
      [ORGANISATIONS.orebro],
    );
    try {
      const matching = await pool.query(
        `SELECT count(*)::int AS n FROM hub.article
         WHERE organisation = $1 AND search @@ websearch_to_tsquery('swedish', 'kompostering')`,
        [ORGANISATIONS.orebro],
      );
      expect(matching.rows[0].n).toBeGreaterThan(100);
      expect((await search(USERS.guide, 'q=kompostering')).map((h) => h.id)[0]).toBe(titled);
      // the topic's article only has the word in its body, like the 150 others, and still comes right after the title
      const withTopic = await search(USERS.guide, 'q=kompostering&topic=vatten-avfall.atervinning');
      expect(withTopic.map((h) => h.id).slice(0, 2)).toEqual([titled, topical]);
    } finally {
      await pool.query(`DELETE FROM hub.article WHERE created_by = 'test'`);
      await pool.query(`DELETE FROM hub.article_version WHERE article_id = ANY ($1::uuid[])`, [[titled, topical]]);
      await pool.query(`DELETE FROM hub.article WHERE id = ANY ($1::uuid[])`, [[titled, topical]]);
    }
  });
});
