import { randomUUID } from 'node:crypto';
import { ORGANISATIONS } from '@hub/contracts';
import { swedishDay } from '@hub/policy';
import type { ExamplePeople } from '@hub/registers';
import { Subjects } from '../../apps/hub/src/core/subjects.js';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import { loginAsCitizen, startTestEid, type RunningTestEid } from '../support/eid.js';
import { testPool, waitFor } from '../support/env.js';
import { USERS, tokenFor } from '../support/hub.js';
import { Browser, freePort } from '../support/idp.js';
import { pdfText } from '../support/pdf-text.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const JUSTIFICATION = 'Personen har bett om hjälp med sin ansökan om bostadsbidrag, utredning pågår';

function day(days = 0): string {
  const [y, m, d] = swedishDay(new Date()).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** "Mina uppgifter" over HTTP: the citizen's login with the mock e-legitimation, their pages, and phone consents. */
describe('Mina uppgifter: the citizen’s own pages, logged in with e-legitimation', () => {
  const pool = testPool();
  let eid: RunningTestEid;
  let system: RunningSystem;
  let hubUrl: string;
  let people: ExamplePeople;

  const guide = (method: string, path: string, body?: unknown) =>
    system.hub.call(method, path, { as: USERS.guide, body });
  /** As the citizen's browser: the cookie, and the header the pages send with every call. */
  const asCitizen = async (browser: Browser, method: string, path: string) => {
    const response = await browser.fetch(`${hubUrl}${path}`, { method, headers: { 'x-requested-with': 'fetch' } });
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      type,
      body: type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer()),
    } as { status: number; type: string; body: any };
  };

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    eid = await startTestEid({ HUB_URL: hubUrl });
    system = await startSystem(
      {},
      { hub: { port: Number(new URL(hubUrl).port), env: { ...eid.hubEnv, PUBLIC_URL: hubUrl } } },
    );
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    await pool.query('UPDATE hub.organisation SET phone_consent_days = NULL WHERE number = $1', [ORGANISATIONS.orebro]);
  }, 180_000);

  afterAll(async () => {
    await system?.close();
    await eid?.close();
    await pool.end();
  });

  it('logs the citizen in at LoA3 with a session of their own, which holds no personnummer', async () => {
    const subject = people.withAllFk.subject;
    const { browser, callback } = await loginAsCitizen(hubUrl, subject);
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/mina-uppgifter');
    const cookie = callback.headers.getSetCookie().find((c) => c.startsWith('hub_medborgare='))!;
    expect(cookie).toMatch(/Path=\/api\/medborgare;/);
    expect(cookie).toMatch(/HttpOnly/);
    const me = await asCitizen(browser, 'GET', '/api/medborgare/me');
    expect(me).toMatchObject({
      status: 200,
      body: { subject: `${subject.slice(0, 8)}-****`, loa: 'http://id.elegnamnden.se/loa/1.0/loa3' },
    });
    const { rows } = await pool.query('SELECT subject_keys, subject_masked FROM hub.citizen_session');
    // neither the personnummer nor its ten digits (the last four alone may happen to be in a key's hex)
    expect(JSON.stringify(rows)).not.toContain(subject.slice(2));
    expect(rows).toContainEqual({
      subject_keys: system.hub.app.get(Subjects).subjectKeysOf(subject),
      subject_masked: `${subject.slice(0, 8)}-****`,
    });
  });

  it('never lets staff credentials reach the citizen’s views, nor the citizen’s session the staff’s', async () => {
    const token = await tokenFor(USERS.auditor);
    for (const path of ['/api/medborgare/me', '/api/medborgare/summary', '/api/medborgare/access-log']) {
      const staff = await system.hub.call('GET', path, { token });
      expect([path, staff.status, staff.body.error]).toEqual([path, 401, 'citizen-login-required']);
    }
    const revoke = await system.hub.call('POST', `/api/medborgare/consents/${randomUUID()}/revoke`, {
      token,
      body: {},
    });
    expect(revoke.status).toBe(401);
    const { browser } = await loginAsCitizen(hubUrl, people.withAllFk.subject);
    // the cookie is not even sent outside /api/medborgare; sent by hand, a staff endpoint does not know it
    const cookie = browser.cookie('127.0.0.1', 'hub_medborgare')!;
    const staffEndpoint = await fetch(`${hubUrl}/api/auth/me`, { headers: { cookie: `hub_session=${cookie.value}` } });
    expect(staffEndpoint.status).toBe(401);
    const anonymous = await fetch(`${hubUrl}/api/medborgare/summary`);
    expect(anonymous.status).toBe(401);
  });

  it('records a consent by phone within the municipality’s days, and refuses a longer one with a clear 400', async () => {
    const subject = people.jobSeeker.subject;
    const terms = {
      subject,
      purposes: ['vagledning'],
      agencies: ['fk'],
      categories: ['fk.utbetalningar'],
      method: 'telefon',
    };
    const tooLong = await guide('POST', '/api/consents', { ...terms, validUntil: day(31) });
    expect(tooLong).toMatchObject({
      status: 400,
      body: { error: 'telefon-consent-too-long', details: { maxDays: 30, latestValidUntil: day(30) } },
    });
    const set = await system.hub.call('PATCH', `/api/organisations/${ORGANISATIONS.orebro}`, {
      as: USERS.municipalityAdmin,
      body: { phoneConsentDays: 10 },
    });
    expect(set).toMatchObject({ status: 200, body: { phoneConsentDays: 10 } });
    expect((await guide('POST', '/api/consents', { ...terms, validUntil: day(11) })).status).toBe(400);
    const recorded = await guide('POST', '/api/consents', { ...terms, validUntil: day(10) });
    expect(recorded).toMatchObject({ status: 201, body: { method: 'telefon', validUntil: day(10) } });
    const audited = await pool.query(
      `SELECT details->>'method' AS method FROM audit.entry WHERE kind = 'consent' AND details->>'consentId' = $1`,
      [recorded.body.id],
    );
    expect(audited.rows).toEqual([{ method: 'telefon' }]);
    await system.hub.call('PATCH', `/api/organisations/${ORGANISATIONS.orebro}`, {
      as: USERS.municipalityAdmin,
      body: { phoneConsentDays: null },
    });

    const { browser } = await loginAsCitizen(hubUrl, subject);
    const summary = await asCitizen(browser, 'GET', '/api/medborgare/summary');
    expect(summary.body.consents).toContainEqual(
      expect.objectContaining({
        id: recorded.body.id,
        method: 'telefon',
        methodText: 'muntligt per telefon',
        organisationName: 'Örebro kommun',
        confirmation: expect.stringContaining('i telefon samtyckte'),
      }),
    );
  });

  it('shows the citizen every query about them, pages the log, and audits their own reading', async () => {
    const subject = people.withAllFk.subject;
    const consent = await guide('POST', '/api/consents', {
      subject,
      purposes: ['vagledning'],
      agencies: ['fk'],
      categories: ['fk.utbetalningar'],
      method: 'in-person-written',
      validUntil: day(100),
    });
    for (let i = 0; i < 3; i++) {
      const asked = await guide('POST', '/api/queries', {
        subject,
        purpose: 'vagledning',
        agencies: ['fk'],
        categories: ['fk.utbetalningar', 'fk.pagaende-arenden'],
        consentId: consent.body.id,
      });
      expect(asked.status).toBe(200);
    }
    const { browser } = await loginAsCitizen(hubUrl, subject);
    // the audit log is append-only and outlives the suites: count from here
    const since = (await pool.query('SELECT coalesce(max(seq), 0)::text AS seq FROM audit.entry')).rows[0].seq;
    const first = await asCitizen(browser, 'GET', '/api/medborgare/access-log?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.entries[0]).toMatchObject({
      kind: 'query',
      organisationName: 'Örebro kommun',
      unitName: 'Servicecenter',
      purposeName: 'Vägledning',
      agencies: [{ code: 'fk', name: 'Försäkringskassan' }],
      released: [{ code: 'fk.utbetalningar', name: expect.stringMatching(/^Utbetalningar/) }],
      denied: [expect.objectContaining({ code: 'fk.pagaende-arenden', reason: 'consent-missing' })],
      text: expect.stringContaining('Servicecenter i Örebro kommun frågade Försäkringskassan om uppgifter om dig'),
    });
    const second = await asCitizen(
      browser,
      'GET',
      `/api/medborgare/access-log?limit=2&before=${first.body.nextBefore}`,
    );
    expect(second.body.entries).toHaveLength(2);
    expect(Number(second.body.entries[0].id)).toBeLessThan(Number(first.body.entries[1].id));
    const all = await asCitizen(browser, 'GET', '/api/medborgare/access-log?limit=200');
    expect(all.body.entries.filter((e: { kind: string }) => e.kind === 'query').length).toBeGreaterThanOrEqual(3);
    expect(all.body.entries.some((e: { kind: string }) => e.kind === 'consent')).toBe(true);
    expect((await asCitizen(browser, 'GET', '/api/medborgare/access-log?limit=500')).status).toBe(400);
    expect((await asCitizen(browser, 'GET', '/api/medborgare/access-log?before=x')).status).toBe(400);

    const key = system.hub.app.get(Subjects).subjectKeysOf(subject)[0];
    const own = await pool.query(
      `SELECT actor, outcome, details->>'view' AS view FROM audit.entry
        WHERE subject_key = $1 AND actor_kind = 'citizen' AND seq > $2 ORDER BY seq`,
      [key, since],
    );
    // three readings answered; the two refused by validation read nothing
    expect(own.rows.filter((r) => r.view === 'access-log')).toHaveLength(3);
    expect(own.rows[0]).toMatchObject({ actor: 'citizen', outcome: 'reported' });
    // the citizen's own readings are audited, not listed back to them
    const ownSeqs = await pool.query(
      `SELECT seq::text AS seq FROM audit.entry WHERE subject_key = $1 AND actor_kind = 'citizen'`,
      [key],
    );
    const shown = new Set(all.body.entries.map((e: { id: string }) => e.id));
    expect(ownSeqs.rows.length).toBeGreaterThan(0);
    expect(ownSeqs.rows.filter((r) => shown.has(r.seq))).toEqual([]);
  });

  it('shows a person with protected identity everything about themselves', async () => {
    const subject = people.protected.subject;
    const query = { subject, purpose: 'vagledning', agencies: ['skv'], categories: ['skv.f-skatt'] };
    // the first teaches the hub that SKV protects the person; the second comes with the justification it then needs
    expect((await guide('POST', '/api/queries', query)).status).toBe(200);
    const asked = await guide('POST', '/api/queries', { ...query, justification: JUSTIFICATION });
    expect(asked.status).toBe(200);
    expect(asked.body.protectedIdentity).toBe(true);
    const { browser } = await loginAsCitizen(hubUrl, subject);
    const log = await asCitizen(browser, 'GET', '/api/medborgare/access-log');
    expect(log.body.entries).toContainEqual(
      expect.objectContaining({
        kind: 'query',
        protectedIdentity: true,
        agencies: [{ code: 'skv', name: 'Skatteverket' }],
      }),
    );
  });

  it('lets the citizen revoke their own consent, reaching the agencies at once, and no one else’s', async () => {
    const subject = people.withAllFk.subject;
    const consent = await guide('POST', '/api/consents', {
      subject,
      purposes: ['vagledning'],
      agencies: ['fk'],
      categories: ['fk.utbetalningar'],
      method: 'in-person-verbal',
      validUntil: day(200),
    });
    const sent = await guide('POST', '/api/referrals', {
      subject,
      agency: 'fk',
      referralType: 'fk.bostadsbidrag-ansokan',
      purpose: 'vagledning',
      message: 'Personen vill ha hjälp att söka bostadsbidrag.',
      contactPreference: 'phone',
      consentId: consent.body.id,
    });
    expect(sent.status).toBe(201);
    await waitFor(
      async () => (await guide('GET', `/api/referrals/${sent.body.id}`)).body.status === 'received',
      10_000,
      'the referral to be received',
    );
    const other = await loginAsCitizen(hubUrl, people.jobSeeker.subject);
    const refused = await asCitizen(other.browser, 'POST', `/api/medborgare/consents/${consent.body.id}/revoke`);
    expect(refused).toMatchObject({ status: 404, body: { error: 'not-found' } });
    expect(JSON.stringify((await asCitizen(other.browser, 'GET', '/api/medborgare/summary')).body)).not.toContain(
      consent.body.id,
    );

    const { browser } = await loginAsCitizen(hubUrl, subject);
    const noCsrf = await browser.fetch(`${hubUrl}/api/medborgare/consents/${consent.body.id}/revoke`, {
      method: 'POST',
    });
    expect(noCsrf.status).toBe(403);
    const revoked = await asCitizen(browser, 'POST', `/api/medborgare/consents/${consent.body.id}/revoke`);
    expect(revoked).toMatchObject({ status: 200, body: { status: 'revoked', revokedByYou: true } });
    // the broker had confirmed the revocation to the agencies' queues when the page answered; the adapter keeps it
    await waitFor(
      async () =>
        (await pool.query('SELECT 1 FROM fk.revoked_consent WHERE consent_id = $1', [consent.body.id])).rowCount === 1,
      5_000,
      'the adapter to keep the revocation',
    );
    await waitFor(
      async () => (await guide('GET', `/api/referrals/${sent.body.id}`)).body.status === 'cancelled',
      10_000,
      'the referral to be cancelled',
    );
    const summary = await asCitizen(browser, 'GET', '/api/medborgare/summary');
    expect(summary.body.referrals).toContainEqual(
      expect.objectContaining({
        id: sent.body.id,
        status: 'cancelled',
        agency: { code: 'fk', name: 'Försäkringskassan' },
        timeline: expect.arrayContaining([
          expect.objectContaining({
            status: 'cancelled',
            by: 'Försäkringskassan',
            note: expect.stringMatching(/samtycket/),
          }),
        ]),
      }),
    );
    const again = await asCitizen(browser, 'POST', `/api/medborgare/consents/${consent.body.id}/revoke`);
    expect(again).toMatchObject({ status: 409, body: { error: 'already-revoked' } });
    const audited = await pool.query(
      `SELECT actor_kind, actor FROM audit.entry WHERE kind = 'consent' AND outcome = 'revoked'
          AND details->>'consentId' = $1`,
      [consent.body.id],
    );
    expect(audited.rows).toEqual([{ actor_kind: 'citizen', actor: 'citizen' }]);
  });

  it('downloads everything as JSON and as PDF, and logs out', async () => {
    const subject = people.withAllFk.subject;
    const { browser } = await loginAsCitizen(hubUrl, subject);
    const json = await asCitizen(browser, 'GET', '/api/medborgare/export.json');
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ subject: `${subject.slice(0, 8)}-****` });
    expect(json.body.accessLog.length).toBeGreaterThanOrEqual(3);
    expect(json.body.consents.length).toBeGreaterThanOrEqual(1);
    const pdf = await asCitizen(browser, 'GET', '/api/medborgare/export.pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    const text = pdfText(pdf.body).replace(/\s+/g, '');
    expect(text).toContain('Minauppgifter');
    expect(text).toContain('Åtkomstlogg');
    expect(text).toContain('frågadeFörsäkringskassan');

    const out = await asCitizen(browser, 'POST', '/api/medborgare/logout');
    expect(out.status).toBe(200);
    expect((await asCitizen(browser, 'GET', '/api/medborgare/summary')).status).toBe(401);
  }, 60_000);
});
