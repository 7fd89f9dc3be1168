import type { Page } from 'playwright-core';
import { ORGANISATIONS } from '@hub/contracts';
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

/** Real public bodies, as the README's walk-through shows them (organisationsnummer from SCB's registers). */
const LEKEBERG = { number: '2120002981', written: '212000-2981', name: 'Lekebergs kommun' };
const LANTMATERIET = { number: '2021004888', written: '202100-4888', name: 'Lantmäteriet', code: 'lm' };
const DEPARTMENT = 'Socialförvaltningen';

/**
 * Onboarding in a real browser: the hub's operator registers a municipality and an agency, and a municipality's
 * admin registers a department; every page is checked with axe-core and photographed for the README.
 */
describe('onboarding in the web UI: the operator’s organisations and the admin’s units', () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let hub: RunningHub;
  let hubUrl: string;
  let browser: RealBrowser;
  /** the audit log's head before this run: earlier runs registered the same organisations */
  let auditSeq: string;

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };
  const expectHeading = (page: Page, name: string) =>
    page.getByRole('heading', { level: 1, name, exact: true }).waitFor();

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    hub = await startHub({ port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) });
    // what an earlier run registered; nothing else refers to it
    await pool.query(`DELETE FROM hub.unit WHERE organisation = $1 OR (organisation = $2 AND name = $3)`, [
      LEKEBERG.number,
      ORGANISATIONS.karlskoga,
      DEPARTMENT,
    ]);
    await pool.query(`DELETE FROM hub.organisation WHERE number = ANY($1)`, [[LEKEBERG.number, LANTMATERIET.number]]);
    auditSeq = (await pool.query(`SELECT coalesce(max(seq), 0)::text AS seq FROM audit.entry`)).rows[0].seq;
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await idp?.close();
    await pool.end();
  }, 30_000);

  it('lets the operator register a municipality, refusing a wrong check digit first', async () => {
    const olle = await browser.newPage();
    await loginInBrowser(olle, hubUrl, 'olle.operator', '/organisationer');
    await expectHeading(olle, 'Organisationer');
    await olle.getByRole('link', { name: 'Karlskoga kommun' }).waitFor();
    await expectAccessible(olle);
    await screenshot(olle, 'onboarding-organisations');

    await olle.getByRole('link', { name: 'Registrera organisation' }).click();
    await expectHeading(olle, 'Registrera organisation');
    await olle.getByLabel('Organisationsnummer').fill('212000-2982');
    await olle.getByLabel('Namn', { exact: true }).fill(LEKEBERG.name);
    await olle.getByLabel('Kommun', { exact: true }).check();
    await olle.getByRole('button', { name: 'Registrera' }).click();
    await olle.getByText('Organisationsnumret stämmer inte: kontrollsiffran är fel.').waitFor();
    await expect(olle.getByText('Formuläret har ett fel').count()).resolves.toBe(1);
    await expectAccessible(olle);
    await screenshot(olle, 'onboarding-organisation-error');

    await olle.getByLabel('Organisationsnummer').fill(LEKEBERG.written);
    await olle.getByRole('button', { name: 'Registrera' }).click();
    await olle.waitForURL(new RegExp(`/organisationer/${LEKEBERG.number}`));
    await expectHeading(olle, LEKEBERG.name);
    await olle.getByText('Organisationen är registrerad.').waitFor();
    await olle.getByText('Kommunen har inga enheter ännu.').waitFor();
    await expectAccessible(olle);
    await screenshot(olle, 'onboarding-municipality');
  }, 60_000);

  it('lets the operator register an agency with its code and broker account', async () => {
    const olle = await browser.newPage();
    await loginInBrowser(olle, hubUrl, 'olle.operator', '/organisationer/ny');
    await expectHeading(olle, 'Registrera organisation');
    await olle.getByLabel('Organisationsnummer').fill(LANTMATERIET.written);
    await olle.getByLabel('Namn', { exact: true }).fill(LANTMATERIET.name);
    await olle.getByLabel('Myndighet', { exact: true }).check();
    await olle.getByLabel('Myndighetskod').fill(LANTMATERIET.code);
    await olle.getByText(`adapter-${LANTMATERIET.code}`).waitFor();
    await expectAccessible(olle);
    await screenshot(olle, 'onboarding-agency-form');
    await olle.getByRole('button', { name: 'Registrera' }).click();
    await olle.waitForURL(new RegExp(`/organisationer/${LANTMATERIET.number}`));
    await expectHeading(olle, LANTMATERIET.name);
    await olle.getByText(`adapter-${LANTMATERIET.code}`).waitFor();
    await expectAccessible(olle);
    await screenshot(olle, 'onboarding-agency');

    const list = await olle.goto(`${hubUrl}/organisationer`);
    expect(list?.ok()).toBe(true);
    await olle.getByRole('link', { name: LEKEBERG.name }).waitFor();
    await olle.getByRole('link', { name: LANTMATERIET.name }).waitFor();
    const audited = await pool.query(
      `SELECT details->>'number' AS number FROM audit.entry
        WHERE kind = 'organisation' AND outcome = 'registered' AND actor = 'olle.operator' AND details->>'number' = ANY($1)
          AND seq > $2`,
      [[LEKEBERG.number, LANTMATERIET.number], auditSeq],
    );
    expect(audited.rows.map((r) => r.number).sort()).toEqual([LANTMATERIET.number, LEKEBERG.number].sort());
  }, 60_000);

  it('lets the municipality’s admin register and rename a department; another municipality’s admin cannot see it', async () => {
    const kalle = await browser.newPage();
    await loginInBrowser(kalle, hubUrl, 'kalle.admin', '/enheter');
    await expectHeading(kalle, 'Enheter');
    await kalle.getByRole('cell', { name: 'Servicecenter' }).first().waitFor();
    await kalle.getByRole('link', { name: 'Registrera enhet' }).click();
    await expectHeading(kalle, 'Registrera enhet');
    await kalle.getByLabel('Enhetens namn').fill(DEPARTMENT);
    await kalle.getByLabel('Förvaltning', { exact: true }).check();
    await expectAccessible(kalle);
    await screenshot(kalle, 'onboarding-unit-form');
    await kalle.getByRole('button', { name: 'Registrera' }).click();
    await kalle.waitForURL(/\/enheter\/[0-9a-f-]{36}/);
    const unitPath = new URL(kalle.url()).pathname;
    await expectHeading(kalle, DEPARTMENT);
    await kalle.getByText('Enheten är registrerad.').waitFor();

    await kalle.getByLabel('Namn som visas').fill('Socialförvaltningen, individ och familj');
    await kalle.getByRole('button', { name: 'Spara namnet' }).click();
    await expectHeading(kalle, 'Socialförvaltningen, individ och familj');
    await kalle.getByText('Enheten visas nu som Socialförvaltningen, individ och familj.').waitFor();
    await expectAccessible(kalle);
    await screenshot(kalle, 'onboarding-unit');

    await kalle.getByRole('link', { name: 'Alla enheter' }).click();
    await kalle.getByRole('link', { name: 'Socialförvaltningen, individ och familj' }).waitFor();
    await expectAccessible(kalle);
    await screenshot(kalle, 'onboarding-units');

    // Örebro's admin follows the same address: as if it did not exist
    const maria = await browser.newPage();
    await loginInBrowser(maria, hubUrl, 'maria.admin', unitPath);
    await maria.getByText('Det du söker finns inte, eller så har du inte behörighet att se det.').waitFor();
    await expectAccessible(maria);
  }, 90_000);
});
