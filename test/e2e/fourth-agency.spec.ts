import type { RunningAdapter } from '@hub/adapter-kit';
import { agencyDataOf, examplePeople, type Person } from '@hub/registers';
import { PM_ADAPTER } from '../../apps/adapter-pm/src/pm.adapter.js';
import { pmRegister } from '../../apps/adapter-pm/src/pm-register.js';
import { callAdapter, startTestAdapter } from '../support/adapters.js';
import { launchBrowser, loginInBrowser, screenshot, type RealBrowser } from '../support/browser.js';
import { testPool, waitFor } from '../support/env.js';
import { tokenFor, type TestUser } from '../support/hub.js';
import { freePort, hubEnvForIdp, loginToHub, startDevIdp, type Browser, type RunningDevIdp } from '../support/idp.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const PM_CASEWORKER: TestUser = {
  id: 'pia.pm',
  name: 'Pia Handläggare',
  organisation: '2021005836',
  roles: ['caseworker'],
};

/**
 * A fourth agency onboarded as data: Pensionsmyndigheten's adapter (apps/adapter-pm) joins a running hub that has
 * it in its organisation registry, announces its catalogue, gets its demo agreement, answers a guide's query and
 * takes a referral, and the web UI calls it by the name it announced.
 */
describe('a fourth agency, Pensionsmyndigheten, with no code of its own outside its app', () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let system: RunningSystem;
  let pm: RunningAdapter;
  let hubUrl: string;
  let guide: Browser;
  let pensioner: Person;
  let browser: RealBrowser | undefined;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await guide.fetch(`${hubUrl}${path}`, {
      method,
      headers: { 'x-requested-with': 'fetch', ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    system = await startSystem(
      {},
      { demoAgreements: true, hub: { port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) } },
    );
    // what earlier runs left in PM's own schema
    for (const table of ['agreement_version', 'revoked_consent', 'referral_event', 'referral']) {
      await pool.query(`TRUNCATE pm.${table} CASCADE`).catch(() => undefined);
    }
    pm = await startTestAdapter(PM_ADAPTER, {
      CASEWORKER: 'simulated',
      CASEWORKER_ACCEPT_AFTER_MS: '200',
      CASEWORKER_START_AFTER_MS: '200',
      CASEWORKER_CLOSE_AFTER_MS: '200',
      CASEWORKER_DECLINE_RATE: '0',
    });
    await pm.announced;
    const token = await tokenFor(PM_CASEWORKER);
    await waitFor(
      async () =>
        (await callAdapter(pm, 'GET', '/api/agreements', { token })).body.some(
          (v: { status: string }) => v.status === 'active',
        ),
      20_000,
      'Pensionsmyndigheten to enforce its demo agreement',
    );
    const state = await pmRegister.seedState(pool, PM_ADAPTER.agency);
    pensioner = examplePeople(agencyDataOf(state!)).retired;
    ({ browser: guide } = await loginToHub(hubUrl, 'anna.guide'));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await pm?.close();
    await system?.close();
    await idp?.close();
    await pool.end();
  }, 60_000);

  it('is in the catalogues under its own name, announced by its own adapter', async () => {
    const catalogues = await api('GET', '/api/catalogues');
    expect(catalogues.body.find((c: { agency: string }) => c.agency === 'pm')).toMatchObject({
      organisation: '2021005836',
      name: 'Pensionsmyndigheten',
    });
  });

  it('answers a guide’s query with pension payments on consent, and keeps bostadstillägg behind a legal basis', async () => {
    const consent = await api('POST', '/api/consents', {
      subject: pensioner.subject,
      purposes: ['vagledning'],
      agencies: ['pm', 'skv'],
      categories: ['pm.allman-pension', 'skv.folkbokforing'],
      method: 'in-person-written',
      validUntil: '2027-06-30',
    });
    expect(consent.status).toBe(201);
    const query = await api('POST', '/api/queries', {
      subject: pensioner.subject,
      purpose: 'vagledning',
      agencies: ['pm', 'skv'],
      categories: ['pm.allman-pension', 'pm.bostadstillagg', 'skv.folkbokforing'],
      consentId: consent.body.id,
    });
    expect(query.status).toBe(200);
    const answer = query.body.results.find((r: { agency: string }) => r.agency === 'pm');
    expect(answer).toMatchObject({ status: 'ok' });
    const pension = answer.released.find((r: { category: string }) => r.category === 'pm.allman-pension');
    expect(pension.data.records.length).toBeGreaterThan(0);
    expect(Object.keys(pension.data.records[0])).toEqual(['benefit', 'amount', 'period', 'paidOn']);
    expect(answer.denied).toContainEqual(
      expect.objectContaining({ category: 'pm.bostadstillagg', reason: 'legal-basis-missing' }),
    );
  });

  it('takes a referral and reports it closed', async () => {
    const consent = (await api('GET', `/api/consents?subject=${pensioner.subject}`)).body[0];
    const sent = await api('POST', '/api/referrals', {
      subject: pensioner.subject,
      agency: 'pm',
      referralType: 'pm.bostadstillagg-ansokan',
      purpose: 'vagledning',
      message: 'Behöver hjälp att ansöka om bostadstillägg.',
      contactPreference: 'phone',
      consentId: consent.id,
    });
    expect(sent.status).toBe(201);
    await waitFor(
      async () => (await api('GET', `/api/referrals/${sent.body.id}`)).body.status === 'closed',
      20_000,
      'the referral to Pensionsmyndigheten to be closed',
    );
  });

  it('is called Pensionsmyndigheten in the web UI: the guide’s query form, referrals and the agreements', async () => {
    browser = await launchBrowser();
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/remisser');
    await page.getByText('Pensionsmyndigheten: Hjälp att ansöka om bostadstillägg för pensionärer').waitFor();
    await page.goto(`${hubUrl}/fraga`);
    await page
      .getByLabel('Personnummer eller samordningsnummer')
      .fill(`${pensioner.subject.slice(0, 8)}-${pensioner.subject.slice(8)}`);
    await page.getByRole('button', { name: 'Hämta' }).click();
    const query = page.getByRole('form', { name: 'Fråga myndigheterna' });
    await query.getByRole('checkbox', { name: 'Pensionsmyndigheten', exact: true }).waitFor();
    await query.getByRole('checkbox', { name: /^Utbetald allmän pension/ }).check();
    await query.getByRole('button', { name: 'Fråga myndigheterna' }).click();
    const card = page.getByRole('article', { name: /^Pensionsmyndigheten/ });
    await card.locator('[data-state="ok"]').waitFor();
    await card.getByRole('columnheader', { name: 'Förmån' }).waitFor();
    await screenshot(page, 'fourth-agency-query');
    const admin = await browser.newPage();
    await loginInBrowser(admin, hubUrl, 'maria.admin', '/avtal');
    await admin.getByRole('cell', { name: 'Pensionsmyndigheten', exact: true }).waitFor();
    await screenshot(admin, 'fourth-agency-agreements');
  }, 60_000);
});
