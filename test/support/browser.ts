import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from './idp.js';

/**
 * Debian's Chromium, which `npm run test:integration` installs where it can (scripts/test-tools.sh, which looks for
 * one in the same order); no browser is downloaded.
 */
const CHROMIUM =
  process.env.CHROMIUM_PATH ?? onPath(['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']);

function onPath(names: string[]): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const file = join(dir, name);
      if (isExecutableFile(file)) return file;
    }
  }
  return '/usr/bin/chromium';
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where the browser tests leave their screenshots (CI keeps artifacts/; git ignores it). */
export const SCREENSHOT_DIR = resolve('artifacts/screenshots');

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface RealBrowser {
  browser: Browser;
  /** a fresh profile (cookies, storage) per person, in Swedish, in Swedish time */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Headless Chromium as root on a closed network: without the background-networking flags it keeps trying to reach
 * Google's hosts, and without --no-sandbox it does not start as root.
 */
export async function launchBrowser(): Promise<RealBrowser> {
  const profiles = mkdtempSync(join(tmpdir(), 'hub-test-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // date fields and number formats as Swedes see them
      '--lang=sv-SE',
    ],
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({
        locale: 'sv-SE',
        timezoneId: 'Europe/Stockholm',
        viewport: { width: 1280, height: 900 },
      });
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      rmSync(profiles, { recursive: true, force: true });
    },
  };
}

/** Logs in as a person does: the hub's "Logga in", the identity provider's form, and back to the page. */
export async function loginInBrowser(page: Page, hubUrl: string, username: string, path = '/'): Promise<void> {
  await page.goto(`${hubUrl}${path}`);
  await page.getByRole('link', { name: 'Logga in' }).click();
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL((url) => url.origin === hubUrl);
  await page.getByRole('button', { name: 'Logga ut' }).waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core in the page against WCAG 2.0/2.1 A and AA; returns the violations (the tests expect none). */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // evaluated through the DevTools protocol: the pages' CSP rightly refuses an injected <script>
  const hasAxe = await page.evaluate("typeof window.axe === 'object'");
  if (!hasAxe) await page.evaluate(`(() => { ${AXE_SOURCE}\n})()`);
  const result = await page.evaluate(
    "window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })",
  );
  return (result as { violations: AxeViolation[] }).violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
  }));
}

/** A readable failure: which rule, where. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
    .join('\n');
}

/** Saves a full-page screenshot as artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
