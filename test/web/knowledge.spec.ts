import type { Page } from 'playwright-core';
import {
  accessibilityViolations,
  describeViolations,
  launchBrowser,
  loginInBrowser,
  screenshot,
  type RealBrowser,
} from '../support/browser.js';
import { testPool } from '../support/env.js';
import { startHub, type RunningHub } from '../support/hub.js';
import { freePort, hubEnvForIdp, startDevIdp, type RunningDevIdp } from '../support/idp.js';

/**
 * The knowledge base in a real browser, on the demo's articles of Örebro kommun (DEMO_AGREEMENTS=true writes them):
 * a guide searches with a typo and opens the article; Tekniska förvaltningen sees its articles due for review.
 */
describe('kunskapsbanken in the web UI', () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let hub: RunningHub;
  let hubUrl: string;
  let browser: RealBrowser;

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };
  const expectHeading = (page: Page, name: string) =>
    page.getByRole('heading', { level: 1, name, exact: true }).waitFor();

  beforeAll(async () => {
    // other suites' articles of Örebro (test/hub/knowledge.spec.ts writes some of the same titles)
    await pool.query(`DELETE FROM hub.article_version WHERE article_id IN
      (SELECT id FROM hub.article WHERE organisation = '2120001967' AND created_by <> 'demo')`);
    await pool.query(`DELETE FROM hub.article WHERE organisation = '2120001967' AND created_by <> 'demo'`);
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    hub = await startHub({
      port: Number(new URL(hubUrl).port),
      env: { ...hubEnvForIdp(idp, hubUrl), DEMO_AGREEMENTS: 'true' },
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await idp?.close();
    await pool.end();
  }, 30_000);

  it('lets a guide find an article despite a typo and read it with its versions', async () => {
    const anna = await browser.newPage();
    await loginInBrowser(anna, hubUrl, 'anna.guide', '/kunskapsbank');
    await expectHeading(anna, 'Kunskapsbank');
    await anna.getByLabel('Sök i kunskapsbanken').fill('bygglv');
    const suggestions = anna.getByRole('region', { name: 'Förslag ur kunskapsbanken' });
    await suggestions.getByRole('link', { name: 'Bygglov – när behövs det?' }).waitFor();
    await expectAccessible(anna);
    await screenshot(anna, 'knowledge-search');

    await suggestions.getByRole('link', { name: 'Bygglov – när behövs det?' }).click();
    await expectHeading(anna, 'Bygglov – när behövs det?');
    // the topic by the name the municipality's taxonomy gives it (GET /api/topics)
    await anna.getByText(/^Bygglov och anmälan · Ansvarig: Bygg- och miljöförvaltningen/).waitFor();
    await anna.getByText(/Version 1, .* av demo/).waitFor();
    await expect(anna.getByRole('link', { name: 'Ändra' }).count()).resolves.toBe(0);
    await expectAccessible(anna);
    await screenshot(anna, 'knowledge-article');
  }, 60_000);

  it('shows a department its articles past their review day', async () => {
    const tove = await browser.newPage();
    await loginInBrowser(tove, hubUrl, 'tove.teknik', '/kunskapsbank/att-granska');
    await expectHeading(tove, 'Att granska');
    await tove.getByRole('link', { name: 'Felparkeringsavgift – överklaga' }).waitFor();
    await expect(tove.getByRole('link', { name: 'Bygglov – när behövs det?' }).count()).resolves.toBe(0);
    await expectAccessible(tove);
    await screenshot(tove, 'knowledge-review');
  }, 60_000);
});
