import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, AGENCY_STAFF, callAdapter, registerExamples } from '../support/adapters.js';
import { testPool, waitFor } from '../support/env.js';
import { tokenFor } from '../support/hub.js';
import { freePort, hubEnvForIdp, loginToHub, startDevIdp, type Browser, type RunningDevIdp } from '../support/idp.js';
import { startSystem, type RunningSystem } from '../support/system.js';

/**
 * What a guide at Örebro kommun's servicecenter does, with every part running: the development identity provider,
 * the hub with its demo agreements, and the three agencies' adapters.
 */
describe('the front office, end to end: login, consent, query, referral, revocation, audit', () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let system: RunningSystem;
  let hubUrl: string;
  let people: ExamplePeople;
  let guide: Browser;

  const api = async (browser: Browser, method: string, path: string, body?: unknown) => {
    const response = await browser.fetch(`${hubUrl}${path}`, {
      method,
      headers: {
        'x-requested-with': 'fetch',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const login = async (username: string) => {
    const { browser, callback } = await loginToHub(hubUrl, username);
    expect(callback.status).toBe(303);
    return browser;
  };

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    system = await startSystem(
      {
        af: {
          CASEWORKER: 'simulated',
          CASEWORKER_ACCEPT_AFTER_MS: '200',
          CASEWORKER_START_AFTER_MS: '200',
          CASEWORKER_CLOSE_AFTER_MS: '200',
          CASEWORKER_DECLINE_RATE: '0',
        },
      },
      { demoAgreements: true, hub: { port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) } },
    );
    ({ people } = await registerExamples(pool, ADAPTERS.af));
    guide = await login('anna.guide');
  }, 120_000);

  afterAll(async () => {
    await system?.close();
    await idp?.close();
    await pool.end();
  });

  it('logs the guide in through the OIDC flow with her roles', async () => {
    const me = await api(guide, 'GET', '/api/auth/me');
    expect(me.body).toMatchObject({ id: 'anna.guide', organisation: '2120001967', unit: 'Servicecenter' });
    expect(me.body.roles).toEqual(['guide']);
  });

  it('records consent, asks three agencies, and gets two answers and a timeout when one agency is down', async () => {
    const subject = people.jobSeeker.subject;
    const consent = await api(guide, 'POST', '/api/consents', {
      subject,
      purposes: ['vagledning'],
      agencies: ['fk', 'af', 'skv'],
      categories: ['fk.utbetalningar', 'af.inskrivning', 'skv.folkbokforing'],
      method: 'in-person-written',
      validUntil: '2027-06-30',
    });
    expect(consent.status).toBe(201);
    const admin = await tokenFor(AGENCY_STAFF.fk.admin);
    await callAdapter(system.adapters.fk, 'PUT', '/api/faults', { token: admin, body: { down: true } });
    try {
      const query = await api(guide, 'POST', '/api/queries', {
        subject,
        purpose: 'vagledning',
        agencies: ['fk', 'af', 'skv'],
        categories: ['fk.utbetalningar', 'af.inskrivning', 'skv.folkbokforing'],
        consentId: consent.body.id,
        deadlineMs: 1_000,
      });
      expect(query.status).toBe(200);
      expect(query.body.results.map((r: { agency: string; status: string }) => [r.agency, r.status])).toEqual([
        ['fk', 'timeout'],
        ['af', 'ok'],
        ['skv', 'ok'],
      ]);
      expect(query.body.results[1].released[0].category).toBe('af.inskrivning');
    } finally {
      await callAdapter(system.adapters.fk, 'PUT', '/api/faults', { token: admin, body: { down: false } });
    }
  });

  it('is denied for a purpose the agreement lacks', async () => {
    const query = await api(guide, 'POST', '/api/queries', {
      subject: people.jobSeeker.subject,
      purpose: 'bostadsanpassning',
      agencies: ['fk', 'af', 'skv'],
    });
    for (const result of query.body.results) {
      expect(result).toMatchObject({ status: 'denied', reason: 'purpose-not-covered', released: [] });
    }
  });

  it('sends a referral and watches it reach closed', async () => {
    const consent = (await api(guide, 'GET', `/api/consents?subject=${people.jobSeeker.subject}`)).body[0];
    const sent = await api(guide, 'POST', '/api/referrals', {
      subject: people.jobSeeker.subject,
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
      purpose: 'vagledning',
      message: 'Vill skriva in sig som arbetssökande efter uppsägning.',
      contactPreference: 'phone',
      consentId: consent.id,
    });
    expect(sent.status).toBe(201);
    await waitFor(
      async () => (await api(guide, 'GET', `/api/referrals/${sent.body.id}`)).body.status === 'closed',
      20_000,
      'the referral to be closed',
    );
    const shown = await api(guide, 'GET', `/api/referrals/${sent.body.id}`);
    expect(shown.body.timeline.map((e: { status: string }) => e.status)).toEqual([
      'sent',
      'received',
      'accepted',
      'in-progress',
      'closed',
    ]);
  });

  it('revokes the consent and sees a pending referral cancelled', async () => {
    const subject = people.withAllFk.subject;
    const consent = await api(guide, 'POST', '/api/consents', {
      subject,
      purposes: ['vagledning'],
      agencies: ['fk'],
      categories: ['fk.pagaende-arenden'],
      method: 'in-person-verbal',
      validUntil: '2027-06-30',
    });
    const sent = await api(guide, 'POST', '/api/referrals', {
      subject,
      agency: 'fk',
      referralType: 'fk.bostadsbidrag-ansokan',
      purpose: 'vagledning',
      message: 'Behöver hjälp att ansöka om bostadsbidrag.',
      contactPreference: 'letter',
      consentId: consent.body.id,
    });
    await waitFor(async () => (await api(guide, 'GET', `/api/referrals/${sent.body.id}`)).body.status === 'received');
    expect((await api(guide, 'POST', `/api/consents/${consent.body.id}/revoke`, {})).status).toBe(200);
    await waitFor(
      async () => (await api(guide, 'GET', `/api/referrals/${sent.body.id}`)).body.status === 'cancelled',
      10_000,
      'the referral to be cancelled',
    );
  });

  it('lets the auditor verify the audit chain and refuses the guide', async () => {
    const auditor = await login('ada.auditor');
    const verified = await api(auditor, 'GET', '/api/audit/verify');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body.rows).toBeGreaterThan(10);
    expect((await api(guide, 'GET', '/api/audit/verify')).status).toBe(403);
  });
});
