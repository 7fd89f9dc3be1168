import type { Page } from 'playwright-core';
import { swedishDay } from '@hub/policy';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import {
  accessibilityViolations,
  describeViolations,
  launchBrowser,
  screenshot,
  type RealBrowser,
} from '../support/browser.js';
import { startTestEid, type RunningTestEid } from '../support/eid.js';
import { testPool, waitFor } from '../support/env.js';
import { USERS } from '../support/hub.js';
import { freePort } from '../support/idp.js';
import { startSystem, type RunningSystem } from '../support/system.js';

function day(days: number): string {
  const [y, m, d] = swedishDay(new Date()).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * "Mina uppgifter" on a phone: a synthetic citizen logs in with the mock e-legitimation, sees the consent the guide
 * took by phone and the guide's query in the access log, revokes the consent, and sees the referral that relied on it
 * cancelled by the agency.
 */
describe('Mina uppgifter in a real browser, on a phone', () => {
  const pool = testPool();
  let eid: RunningTestEid;
  let system: RunningSystem;
  let hubUrl: string;
  let people: ExamplePeople;
  let browser: RealBrowser;

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    eid = await startTestEid({ HUB_URL: hubUrl });
    system = await startSystem(
      {},
      { hub: { port: Number(new URL(hubUrl).port), env: { ...eid.hubEnv, PUBLIC_URL: hubUrl } } },
    );
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    await eid?.close();
    await pool.end();
  }, 60_000);

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };
  const guide = (method: string, path: string, body?: unknown) =>
    system.hub.call(method, path, { as: USERS.guide, body });

  it('shows the citizen their consent and the query about them, and their revocation cancels a pending referral', async () => {
    const subject = people.withAllFk.subject;
    const consent = await guide('POST', '/api/consents', {
      subject,
      purposes: ['vagledning'],
      agencies: ['fk'],
      categories: ['fk.utbetalningar'],
      method: 'telefon',
      validUntil: day(20),
    });
    expect(consent.status).toBe(201);
    const asked = await guide('POST', '/api/queries', {
      subject,
      purpose: 'vagledning',
      agencies: ['fk'],
      categories: ['fk.utbetalningar'],
      consentId: consent.body.id,
    });
    expect(asked.status).toBe(200);
    const referral = await guide('POST', '/api/referrals', {
      subject,
      agency: 'fk',
      referralType: 'fk.bostadsbidrag-ansokan',
      purpose: 'vagledning',
      message: 'Personen vill ha hjälp att söka bostadsbidrag.',
      contactPreference: 'phone',
      consentId: consent.body.id,
    });
    expect(referral.status).toBe(201);
    await waitFor(
      async () => (await guide('GET', `/api/referrals/${referral.body.id}`)).body.status === 'received',
      10_000,
      'the referral to be received',
    );

    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${hubUrl}/mina-uppgifter`);
    await phone.getByRole('heading', { name: 'Mina uppgifter', level: 1 }).waitFor();
    await expectAccessible(phone);
    await screenshot(phone, 'mina-uppgifter-logga-in');
    await phone.getByRole('link', { name: 'Logga in med e-legitimation' }).click();

    await phone.getByRole('heading', { name: 'Legitimera dig' }).waitFor();
    await phone.getByLabel('Personnummer').fill(subject);
    await phone.getByRole('button', { name: 'Legitimera' }).click();
    await phone.waitForURL(`${hubUrl}/mina-uppgifter`);
    await phone.getByText(`personnummer ${subject.slice(0, 8)}-****`, { exact: false }).waitFor();

    const card = phone.getByRole('article', { name: 'Samtycke till Servicecenter, Örebro kommun' });
    await card.waitFor();
    expect(await card.textContent()).toContain('muntligt per telefon');
    await card.getByText('har antecknat att du i telefon samtyckte till detta').waitFor();
    const log = phone.getByRole('region', { name: 'Vem har tagit del av mina uppgifter' });
    await log
      .getByText('Servicecenter i Örebro kommun frågade Försäkringskassan om uppgifter om dig')
      .first()
      .waitFor();
    expect(await log.textContent()).toContain('Lämnades ut: Utbetalningar');
    await phone
      .getByRole('article', { name: /^Remiss till Försäkringskassan/ })
      .getByText('Mottagen av myndigheten')
      .first()
      .waitFor();
    await expectAccessible(phone);
    await screenshot(phone, 'mina-uppgifter-oversikt');

    await card.getByRole('button', { name: 'Återkalla samtycket' }).click();
    await card.getByRole('button', { name: 'Ja, återkalla' }).click();
    await phone.getByText('Samtycket till Servicecenter, Örebro kommun är återkallat').waitFor();
    await card.getByText(/återkallat .* av dig/).waitFor();
    expect(await card.getByRole('button', { name: 'Återkalla samtycket' }).count()).toBe(0);
    await expectAccessible(phone);

    // the agency's adapter cancels the referral that relied on the consent, and tells the hub
    await waitFor(
      async () => {
        await phone.reload();
        const shown = phone.getByRole('article', { name: /^Remiss till Försäkringskassan/ });
        await shown.first().waitFor();
        return (await shown.first().textContent())!.includes('Status: Makulerad');
      },
      15_000,
      'the referral to be shown cancelled',
    );
    const cancelled = phone.getByRole('article', { name: /^Remiss till Försäkringskassan/ }).first();
    expect(await cancelled.textContent()).toContain('samtycket har återkallats');
    expect((await guide('GET', `/api/referrals/${referral.body.id}`)).body.status).toBe('cancelled');
    await expectAccessible(phone);
    await screenshot(phone, 'mina-uppgifter-aterkallat');

    // the page is the citizen's: nothing wider than the phone
    const overflow = await phone.evaluate('document.documentElement.scrollWidth > window.innerWidth');
    expect(overflow).toBe(false);
  }, 120_000);
});
