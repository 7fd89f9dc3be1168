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

/** The web UI's frame, in a real browser: login through the identity provider, menus by role, errors, a11y. */
describe('the web UI shell', () => {
  let idp: RunningDevIdp;
  let hub: RunningHub;
  let hubUrl: string;
  let browser: RealBrowser;

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

  it('asks a visitor to log in, in Swedish, with a strict content security policy', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${hubUrl}/fraga`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Logga in till Samtjänst');
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    const violations = await accessibilityViolations(page);
    expect(describeViolations(violations)).toBe('');
  }, 30_000);

  it('logs a guide in through the identity provider and back to the page she asked for', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^Välkommen, /);
    await expect(page.getByText('Kommunvägledare')).toBeTruthy();
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
    await screenshot(page, 'start');
  }, 30_000);

  it('says when a page does not exist and when the API answers 404 for unknown paths', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/finns-inte');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sidan finns inte');
    const api = await page.request.get(`${hubUrl}/api/finns-inte`);
    expect(api.status()).toBe(404);
  }, 30_000);

  it('logs out', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'max.manager');
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForURL((url) => !url.href.startsWith(`${hubUrl}/fraga`));
  }, 30_000);
});
