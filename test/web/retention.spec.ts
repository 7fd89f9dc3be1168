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

const OREBRO = '2120001967';

/** Retention in the web UI: the admin sets the municipality's periods; the auditor sees the years of subject keys. */
describe('retention (gallring) in the web UI', () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let hub: RunningHub;
  let hubUrl: string;
  let browser: RealBrowser;

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    hub = await startHub({ port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) });
    await pool.query(`DELETE FROM hub.retention_setting WHERE organisation = $1`, [OREBRO]);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await idp?.close();
    await pool.end();
  }, 30_000);

  it('lets the admin set the municipality’s periods, refusing one out of bounds', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'maria.admin', '/gallring');
    await page.getByRole('heading', { level: 1, name: 'Gallring' }).waitFor();
    await page.getByText('Hubbens förval gäller').waitFor();
    const consents = page.getByLabel('Samtycken (månader)');
    expect(await consents.inputValue()).toBe('24');
    await expectAccessible(page);

    await consents.fill('0');
    await page.getByRole('button', { name: 'Spara gallringsfristerna' }).click();
    await page.getByText('Ange ett heltal från 1 till 120 månader.').waitFor();
    await expectAccessible(page);

    await consents.fill('18');
    await page.getByRole('button', { name: 'Spara gallringsfristerna' }).click();
    await page.getByText('Gallringsfristerna är sparade.').waitFor();
    await page.getByText(/Senast ändrade .* av maria\.admin/).waitFor();
    expect(await page.getByLabel('Samtycken (månader)').inputValue()).toBe('18');
    const stored = await pool.query(`SELECT consent_months FROM hub.retention_setting WHERE organisation = $1`, [
      OREBRO,
    ]);
    expect(stored.rows).toEqual([{ consent_months: 18 }]);
    await expectAccessible(page);
    await screenshot(page, 'admin-gallring');
  }, 60_000);

  it('shows the auditor the years of subject keys after a chain check', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'ada.auditor', '/granskning');
    await page.getByRole('button', { name: 'Kontrollera loggkedjan' }).click();
    await page.getByRole('heading', { name: 'Nycklar per år (gallring)' }).waitFor();
    const year = String(new Date().getUTCFullYear());
    await page.getByRole('row', { name: new RegExp(`^${year} .*Används`) }).waitFor();
    await expectAccessible(page);
  }, 60_000);
});
