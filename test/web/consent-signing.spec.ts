import type { Page } from 'playwright-core';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import {
  accessibilityViolations,
  describeViolations,
  launchBrowser,
  loginInBrowser,
  screenshot,
  type RealBrowser,
} from '../support/browser.js';
import { startTestEid, type RunningTestEid } from '../support/eid.js';
import { testPool, waitFor } from '../support/env.js';
import { freePort, hubEnvForIdp, startDevIdp, type RunningDevIdp } from '../support/idp.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const typed = (subject: string) => `${subject.slice(0, 8)}-${subject.slice(8)}`;

/** A consent signed at the desk: the guide's page in one browser, the citizen's phone in another. */
describe('consent signed with e-legitimation at the desk, in a real browser', () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let eid: RunningTestEid;
  let system: RunningSystem;
  let hubUrl: string;
  let people: ExamplePeople;
  let browser: RealBrowser;

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    eid = await startTestEid({ HUB_URL: hubUrl });
    system = await startSystem(
      {},
      {
        demoAgreements: true,
        hub: { port: Number(new URL(hubUrl).port), env: { ...hubEnvForIdp(idp, hubUrl), ...eid.hubEnv } },
      },
    );
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    await eid?.close();
    await idp?.close();
    await pool.end();
  }, 60_000);

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };

  it('lets the citizen sign on the phone from the animated QR code, and the guide’s page shows the consent', async () => {
    const guide = await browser.newPage();
    await loginInBrowser(guide, hubUrl, 'anna.guide', '/fraga');
    const subject = people.withAllFk.subject;
    await guide.getByLabel('Personnummer eller samordningsnummer').fill(typed(subject));
    await guide.getByRole('button', { name: 'Hämta' }).click();
    await guide.getByText('Personen har inget samtycke registrerat hos er enhet.').waitFor();

    const form = guide.getByRole('form', { name: 'Registrera samtycke' });
    await form.getByRole('checkbox', { name: /^Utbetalningar/ }).check();
    await form.getByRole('checkbox', { name: /^Inskriven som arbetssökande/ }).check();
    expect(await form.getByRole('radio', { name: /E-underskrift/ }).count()).toBe(0);
    await form.getByRole('radio', { name: 'Signerat med e-legitimation' }).check();
    await form.getByRole('button', { name: 'Starta signering' }).click();

    const qr = guide.getByRole('img', { name: 'QR-kod för signering med e-legitimation' });
    await qr.waitFor();
    const first = (await qr.getAttribute('data-qr'))!;
    expect(first.startsWith(`${eid.issuer}/app?`)).toBe(true);
    // animated: a new code a second later
    await waitFor(async () => (await qr.getAttribute('data-qr')) !== first, 5_000, 'the next QR code');
    await expectAccessible(guide);
    await screenshot(guide, 'guide-signering-qr');

    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto((await qr.getAttribute('data-qr'))!);
    await phone.getByRole('heading', { name: 'Signera' }).waitFor();
    const text = phone.getByRole('document', { name: 'Text att skriva under' });
    expect(await text.textContent()).toContain('samtycker till att Örebro kommun, Servicecenter');
    expect(await text.textContent()).toContain('Försäkringskassan');
    await expectAccessible(phone);
    await screenshot(phone, 'e-legitimation-app-signera');
    await guide.getByText('Personen har öppnat signeringen i appen').waitFor();

    await phone.getByLabel('Personnummer').fill(subject);
    await phone.getByRole('button', { name: 'Skriv under' }).click();
    await phone.getByRole('heading', { name: 'Klart' }).waitFor();
    await expectAccessible(phone);

    await guide.getByText('Samtycket är sparat.').waitFor({ timeout: 10_000 });
    await guide.getByRole('cell', { name: 'Signerat med e-legitimation, anna.guide' }).waitFor();
    expect(await guide.getByRole('cell', { name: 'Gäller', exact: true }).count()).toBe(1);
    await expectAccessible(guide);
    await screenshot(guide, 'guide-signerat-samtycke');
  }, 120_000);
});
