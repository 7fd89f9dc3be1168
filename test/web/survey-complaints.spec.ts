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

/**
 * Issue 18 in a real browser: a guide logs a phone contact, the citizen answers its survey on a tablet-sized page by
 * the link and a second answer is refused; a complaint is registered from the day page and routed to Tekniska
 * förvaltningen, which answers it; a manager sees NKI with its number of answers and interval once there are five.
 */
describe('kundnöjdhet and klagomål in the browser', () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let hub: RunningHub;
  let hubUrl: string;
  let browser: RealBrowser;
  let anna: Page;
  let surveyPath: string;
  let complaintPath: string;
  const complaintText = `Gångvägen vid Svampen plogades inte på tre dagar (${Date.now()}).`;
  const departmentAnswer = 'Vi har lagt till gångvägen i plogrundan.';

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };
  const expectHeading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

  /** The three questions on a tablet: a tap on each number, then send. */
  const answerSurvey = async (page: Page, scores: [number, number, number]) => {
    const groups = page.getByRole('group');
    for (const [index, score] of scores.entries()) {
      await groups
        .nth(index)
        .getByRole('radio', { name: String(score), exact: true })
        .click();
    }
    await page.getByRole('button', { name: 'Skicka svar' }).click();
  };

  beforeAll(async () => {
    // the servicecenter's survey answers of today are this test's only
    await pool.query(`DELETE FROM hub.survey_answer WHERE organisation = $1 AND unit = 'Servicecenter'`, [
      ORGANISATIONS.orebro,
    ]);
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    hub = await startHub({ port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) });
    browser = await launchBrowser();
    anna = await browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await idp?.close();
    await pool.end();
  });

  it('shows the survey link on the receipt of a phone contact the guide logs by keyboard', async () => {
    await loginInBrowser(anna, hubUrl, 'anna.guide');
    await expectHeading(anna, /^Välkommen, /);
    const form = anna.getByRole('form', { name: 'Ny kontakt' });
    await form.getByLabel('Kanal').focus();
    await anna.keyboard.type('Tel');
    await anna.keyboard.press('Tab');
    await anna.keyboard.type('snöröj');
    await anna.keyboard.press('Tab');
    await anna.keyboard.type('1');
    await anna.keyboard.press('Tab');
    await anna.keyboard.type('Bes');
    await anna.keyboard.press('Enter');
    const receipt = anna.getByRole('region', { name: 'Kontakten är sparad' });
    await receipt.waitFor();
    const link = receipt.locator('a[data-survey-link]');
    surveyPath = (await link.getAttribute('href'))!;
    expect(surveyPath).toMatch(/^\/enkat\/[A-Za-z0-9_-]{22}$/);
    expect(await link.textContent()).toBe(`${hubUrl}${surveyPath}`);
    await expectAccessible(anna);
    await screenshot(anna, 'survey-receipt');
  }, 60_000);

  it('takes the answer on a tablet-sized page without login, and refuses a second one', async () => {
    const tablet = await browser.newPage();
    await tablet.setViewportSize({ width: 820, height: 1180 });
    await tablet.goto(`${hubUrl}${surveyPath}`);
    await expectHeading(tablet, 'Tre frågor om din kontakt med oss');
    await tablet.getByText('Hur nöjd eller missnöjd är du sammantaget med servicen du fick i dag?').waitFor();
    await expectAccessible(tablet);
    // a target a finger hits
    const box = await tablet.getByRole('radio', { name: '7', exact: true }).first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await tablet.getByRole('button', { name: 'Skicka svar' }).click();
    await tablet.getByText('Svara på alla tre frågorna innan du skickar.').waitFor();
    await answerSurvey(tablet, [9, 8, 8]);
    await tablet.getByRole('status').filter({ hasText: 'Tack för ditt svar!' }).waitFor();
    await expectAccessible(tablet);
    await screenshot(tablet, 'survey-answered');

    await tablet.goto(`${hubUrl}${surveyPath}`);
    await tablet.getByRole('alert').filter({ hasText: 'Enkäten är redan besvarad.' }).waitFor();
    await expectAccessible(tablet);
    await tablet.close();
  }, 60_000);

  it('registers a complaint from the day page, routed to Tekniska förvaltningen, which answers it', async () => {
    await anna.getByRole('link', { name: 'Registrera klagomål eller synpunkt', exact: true }).click();
    await expectHeading(anna, 'Registrera klagomål eller synpunkt');
    await anna.getByLabel('Kanal').selectOption('telefon');
    await anna.getByLabel('Ämne').selectOption('gata-park.snorojning');
    await anna.getByLabel('Vad gäller det? (inget personnummer)').fill(complaintText);
    await anna.getByLabel('En förvaltning').check();
    await anna.getByLabel('Förvaltning', { exact: true }).selectOption({ label: 'Tekniska förvaltningen' });
    await anna.getByLabel('Personen vill ha svar').check();
    await anna.getByLabel('Telefon', { exact: true }).fill('070-123 45 67');
    await expectAccessible(anna);
    await anna.getByRole('button', { name: 'Registrera' }).click();
    await expectHeading(anna, 'Klagomål: Snöröjning och halkbekämpning');
    complaintPath = new URL(anna.url()).pathname;
    expect(await anna.locator('[data-status]').textContent()).toBe('Väntar på svar');
    await expectAccessible(anna);

    const tove = await browser.newPage();
    await loginInBrowser(tove, hubUrl, 'tove.teknik', '/inkorg-forvaltning');
    await expectHeading(tove, 'Förvaltningens inkorg');
    await tove.getByRole('link').filter({ hasText: 'Snöröjning' }).first().waitFor();
    const errandLink = anna.getByRole('link', { name: 'Öppna ärendet' });
    const errandPath = (await errandLink.getAttribute('href'))!;
    await tove.locator(`a[href="${errandPath}"]`).click();
    await tove.getByText(`Klagomål (svar önskas): ${complaintText}`).waitFor();
    await tove.getByRole('button', { name: 'Ta ärendet' }).click();
    await tove.locator('[data-status="taken"]').waitFor();
    await tove.getByLabel('Svar till vägledaren').fill(departmentAnswer);
    await tove.getByRole('button', { name: 'Spara svar' }).click();
    await tove.locator('[data-status="answered"]').waitFor();
    await tove.close();

    await anna.goto(`${hubUrl}/klagomal`);
    await expectHeading(anna, 'Klagomål och synpunkter');
    await expectAccessible(anna);
    await anna.locator(`a[href="${complaintPath}"]`).click();
    await anna.locator('[data-status="answered"]').waitFor();
    expect(await anna.locator('[data-answer]').textContent()).toContain(departmentAnswer);
    await screenshot(anna, 'complaint-answered');
  }, 90_000);

  it('shows a manager NKI with its number of answers and 95 % interval once there are five', async () => {
    const manager = await browser.newPage();
    await loginInBrowser(manager, hubUrl, 'max.manager', '/uppfoljning');
    await expectHeading(manager, 'Uppföljning');
    await manager.getByText('För få svar för ett index (1 svar, minst 5 behövs)', { exact: false }).first().waitFor();

    const tablet = await browser.newPage();
    await tablet.setViewportSize({ width: 820, height: 1180 });
    for (const scores of [
      [10, 10, 10],
      [7, 7, 7],
      [8, 9, 7],
      [6, 7, 5],
    ] as Array<[number, number, number]>) {
      // more e-mail contacts of the day, logged in Anna's session as the contact form does
      const path = await anna.evaluate(async () => {
        const response = await fetch('/api/contacts', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-requested-with': 'fetch' },
          body: JSON.stringify({ channel: 'e-post', topic: 'gata-park.snorojning', rosa: 1, outcome: 'besvarad' }),
        });
        return ((await response.json()) as { survey: { path: string } }).survey.path;
      });
      await tablet.goto(`${hubUrl}${path}`);
      await expectHeading(tablet, 'Tre frågor om din kontakt med oss');
      await answerSurvey(tablet, scores);
      await tablet.getByRole('status').filter({ hasText: 'Tack för ditt svar!' }).waitFor();
    }
    await tablet.close();

    await manager.reload();
    await expectHeading(manager, 'Uppföljning');
    const figure = manager.locator('.nki-figure');
    await figure.filter({ hasText: '5 svar' }).waitFor();
    // scores 81.5, 100, 66.7, 77.8, 55.6: NKI 76.3
    expect(await figure.textContent()).toMatch(/^NKI: 76,3 \(95 % konfidensintervall \d+,\d–\d+,\d, 5 svar\)$/);
    await expectAccessible(manager);
    await screenshot(manager, 'follow-up-nki');
    await manager.close();
  }, 90_000);

  it('pairs the unit’s tablet as its kiosk and shows it a visitor’s survey the guide hands over', async () => {
    await anna.goto(hubUrl);
    await expectHeading(anna, /^Välkommen, /);
    const form = anna.getByRole('form', { name: 'Ny kontakt' });
    await form.getByLabel('Kanal').focus();
    await anna.keyboard.type('Bes');
    await anna.keyboard.press('Tab');
    await anna.keyboard.type('snöröj');
    await anna.keyboard.press('Tab');
    await anna.keyboard.type('1');
    await anna.keyboard.press('Tab');
    await anna.keyboard.type('Bes');
    await anna.keyboard.press('Enter');
    const receipt = anna.getByRole('region', { name: 'Kontakten är sparad' });
    await receipt.getByRole('button', { name: 'Koppla surfplatta' }).click();
    const code = (await receipt.getByRole('status').locator('strong').textContent())!;
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    const tablet = await browser.newPage();
    await tablet.setViewportSize({ width: 820, height: 1180 });
    await tablet.goto(`${hubUrl}/enkat`);
    await expectHeading(tablet, 'Koppla surfplattan');
    await expectAccessible(tablet);
    await tablet.getByLabel('Kopplingskod').fill(code);
    await tablet.getByRole('button', { name: 'Koppla surfplattan' }).click();
    await expectHeading(tablet, 'Välkommen till Servicecenter');
    await expectAccessible(tablet);

    await receipt.getByRole('button', { name: 'Visa enkät på surfplattan' }).click();
    await receipt.getByRole('status').filter({ hasText: 'Enkäten visas nu på surfplattan' }).waitFor();
    await expectHeading(tablet, 'Tre frågor om ditt besök');
    await expectAccessible(tablet);
    await answerSurvey(tablet, [8, 8, 8]);
    await expectHeading(tablet, 'Tack!');
    await screenshot(tablet, 'survey-kiosk-thanks');
    // the next visitor finds the kiosk waiting again
    await expectHeading(tablet, 'Välkommen till Servicecenter');
    await receipt.getByRole('button', { name: 'Visa enkät på surfplattan' }).click();
    await receipt.getByRole('alert').filter({ hasText: 'Enkäten är redan besvarad.' }).waitFor();
    await tablet.close();
  }, 90_000);
});
