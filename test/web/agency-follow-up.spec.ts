import { readFileSync } from 'node:fs';
import { swedishDay } from '@hub/policy';
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
import { testPool } from '../support/env.js';
import { freePort, hubEnvForIdp, startDevIdp, toolAccessToken, type RunningDevIdp } from '../support/idp.js';
import { compact, pdfText } from '../support/pdf-text.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const SWEDISH_MONTHS = [
  'januari',
  'februari',
  'mars',
  'april',
  'maj',
  'juni',
  'juli',
  'augusti',
  'september',
  'oktober',
  'november',
  'december',
];

/**
 * Issue 18 in a real browser: a guide of Örebro's servicecenter asks Försäkringskassan under the demo agreement,
 * and FK's manager (frans.fk) sees that traffic on "Uppföljning per part", with no citizen in it, and downloads the
 * month's PDF report, which reads back with FK's name, the month and the municipality.
 */
describe("an agency's manager sees the traffic under its agreements and downloads the monthly report", () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let system: RunningSystem;
  let hubUrl: string;
  let browser: RealBrowser;
  let people: ExamplePeople;

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    system = await startSystem(
      {},
      { demoAgreements: true, hub: { port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) } },
    );
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    await idp?.close();
    await pool.end();
  }, 60_000);

  it('shows FK’s manager Örebro’s queries to FK and gives the month’s PDF', async () => {
    const guide = await toolAccessToken(idp.issuer, 'anna.guide');
    for (let i = 0; i < 6; i++) {
      const asked = await fetch(`${hubUrl}/api/queries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${guide}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: people.ordinary.subject, purpose: 'vagledning', agencies: ['fk'] }),
      });
      expect(asked.status).toBe(200);
    }

    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'frans.fk', '/');
    await page.getByRole('link', { name: 'Uppföljning per part' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Uppföljning per part' }).waitFor();
    const table = page.getByRole('table', { name: 'Myndighetssvar per ändamål' });
    await table.waitFor();
    const row = table.getByRole('row').filter({ hasText: 'Örebro kommun' }).filter({ hasText: 'Servicecenter' });
    const cells = await row.first().getByRole('cell').allTextContents();
    // Servicecenter, Vägledning, then the answers: at least the six above (other suites may have added more today)
    expect(cells[1]).toBe('Vägledning');
    expect(Number(cells[2]!.replace(/\s/g, ''))).toBeGreaterThanOrEqual(6);
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(people.ordinary.subject.slice(0, 8));
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
    await screenshot(page, 'agency-follow-up');

    const today = swedishDay(new Date());
    const month = today.slice(0, 7);
    await page.getByLabel('Månad', { exact: true }).fill(month);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Ladda ned månadsrapporten som PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`manadsrapport-${month}-2021005521.pdf`);
    const pdf = compact(pdfText(readFileSync((await download.path())!)));
    const monthName = `${SWEDISH_MONTHS[Number(month.slice(5)) - 1]} ${month.slice(0, 4)}`;
    expect(pdf).toContain(compact(`Månadsrapport ${monthName} – Försäkringskassan`));
    expect(pdf).toContain(compact(`Period: 1 ${monthName}`));
    expect(pdf).toContain(compact('Örebro kommun, Servicecenter'));
  }, 120_000);
});
