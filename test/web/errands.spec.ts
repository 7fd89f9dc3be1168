import type { Page } from 'playwright-core';
import {
  accessibilityViolations,
  describeViolations,
  launchBrowser,
  loginInBrowser,
  screenshot,
  type RealBrowser,
} from '../support/browser.js';
import { startHub, type RunningHub } from '../support/hub.js';
import { freePort, hubEnvForIdp, startDevIdp, type RunningDevIdp } from '../support/idp.js';

/**
 * Issue 17 in a real browser: a guide forwards an errand to Tekniska förvaltningen, a handläggare there takes and
 * answers it in the department's inbox, and the guide reads the answer; another errand the guide withdraws, and the
 * department sees it withdrawn. Every page axe-clean.
 */
describe('an errand forwarded to a department, in the browser', () => {
  let idp: RunningDevIdp;
  let hub: RunningHub;
  let hubUrl: string;
  let browser: RealBrowser;
  const message = `Gatlyktan vid Storgatan 12 är släckt (${Date.now()}).`;
  let errandPath: string;

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };
  const expectHeading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    hub = await startHub({ port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await idp?.close();
  }, 30_000);

  it('lets the guide forward an errand to Tekniska förvaltningen at /arenden/ny', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/arenden/ny');
    await expectHeading(page, 'Vidarebefordra ärende');
    await page.getByRole('option', { name: 'Tekniska förvaltningen' }).waitFor({ state: 'attached' });
    await expectAccessible(page);
    await page.getByLabel('Ämne', { exact: true }).selectOption({ label: 'Trasig gatubelysning' });
    await page.getByLabel('Förvaltning', { exact: true }).selectOption({ label: 'Tekniska förvaltningen' });
    await page.getByLabel('Meddelande till förvaltningen (inget personnummer)').fill(message);
    await page.getByLabel('Namn', { exact: true }).fill('Eva Svensson');
    await page.getByLabel('Telefon', { exact: true }).fill('070-123 45 67');
    await page.getByRole('button', { name: 'Skicka till förvaltningen' }).click();
    await page.waitForURL(/\/arenden\/[0-9a-f-]{36}$/);
    errandPath = new URL(page.url()).pathname;
    await expectHeading(page, 'Ärende: Trasig gatubelysning');
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Tekniska förvaltningen');
    await expectAccessible(page);
    await screenshot(page, 'errand-forwarded');
    await page.close();
  }, 60_000);

  it('lets Tove take and answer it from the department’s inbox', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'tove.teknik', '/inkorg-forvaltning');
    await expectHeading(page, 'Förvaltningens inkorg');
    const link = page.locator(`a[href="${errandPath}"]`);
    await link.waitFor();
    await expectAccessible(page);
    await screenshot(page, 'errand-department-inbox');
    await link.click();
    await expectHeading(page, 'Ärende: Trasig gatubelysning');
    await page.getByText(message).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Ta ärendet' }).click();
    await page.locator('[data-status="taken"]').waitFor();
    await page.getByLabel('Svar till vägledaren').fill('Felanmälan är gjord; lampan byts inom tre arbetsdagar.');
    await page.getByRole('button', { name: 'Spara svar' }).click();
    await page.locator('[data-status="answered"]').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'errand-answered');
    await page.close();
  }, 60_000);

  it('lets the guide read the answer at /arenden/:id', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', errandPath);
    await expectHeading(page, 'Ärende: Trasig gatubelysning');
    await page.getByRole('heading', { level: 2, name: 'Svar från förvaltningen' }).waitFor();
    await page.getByText('Felanmälan är gjord; lampan byts inom tre arbetsdagar.').waitFor();
    await expect(page.locator('[data-status]').textContent()).resolves.toBe('Besvarat');
    // the guide sees the errand, not the department's controls
    expect(await page.getByRole('button', { name: 'Ta ärendet' }).count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'errand-answer-read');
    await page.goto(`${hubUrl}/arenden`);
    await expectHeading(page, 'Ärenden till förvaltningar');
    await page.locator(`a[href="${errandPath}"]`).waitFor();
    await expectAccessible(page);
    await page.close();
  }, 60_000);

  it('lets the guide withdraw an unanswered errand with a reason; the department sees it withdrawn', async () => {
    const guide = await browser.newPage();
    await loginInBrowser(guide, hubUrl, 'anna.guide', '/arenden/ny');
    await expectHeading(guide, 'Vidarebefordra ärende');
    await guide.getByRole('option', { name: 'Tekniska förvaltningen' }).waitFor({ state: 'attached' });
    await guide.getByLabel('Ämne', { exact: true }).selectOption({ label: 'Trasig gatubelysning' });
    await guide.getByLabel('Förvaltning', { exact: true }).selectOption({ label: 'Tekniska förvaltningen' });
    await guide.getByLabel('Meddelande till förvaltningen (inget personnummer)').fill(`Återkallas: ${message}`);
    await guide.getByRole('button', { name: 'Skicka till förvaltningen' }).click();
    await guide.waitForURL(/\/arenden\/[0-9a-f-]{36}$/);
    const withdrawnPath = new URL(guide.url()).pathname;
    const withdraw = guide.getByRole('button', { name: 'Återkalla ärendet' });
    await expect(withdraw.isDisabled()).resolves.toBe(true);
    await guide.getByLabel('Skäl till återkallelsen (inget personnummer)').fill('Invånaren har fått hjälp av grannen.');
    await expectAccessible(guide);
    await withdraw.click();
    await guide.locator('[data-status="withdrawn"]').waitFor();
    await guide.getByText('Ärendet är återkallat. Förvaltningen har fått besked.').waitFor();
    expect(await guide.getByRole('button', { name: 'Återkalla ärendet' }).count()).toBe(0);
    await expectAccessible(guide);
    await screenshot(guide, 'errand-withdrawn');
    await guide.close();

    const tove = await browser.newPage();
    await loginInBrowser(tove, hubUrl, 'tove.teknik', '/inkorg-forvaltning');
    const row = tove.locator('tr', { has: tove.locator(`a[href="${withdrawnPath}"]`) });
    await expect(row.getByRole('cell').nth(2).textContent()).resolves.toBe('Återkallat');
    await row.getByRole('link').click();
    await tove.getByText('Invånaren har fått hjälp av grannen.', { exact: false }).first().waitFor();
    // the department has nothing left to do with it
    expect(await tove.getByRole('button', { name: 'Ta ärendet' }).count()).toBe(0);
    expect(await tove.getByRole('heading', { name: 'Handlägg ärendet' }).count()).toBe(0);
    await expectAccessible(tove);
    await tove.close();
  }, 60_000);
});
