import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePopulation, type Person } from '@hub/registers';
import { DEFAULT_POPULATION, loadEidProviderConfig } from '../../apps/eid-provider/src/config.js';
import type { RunningEidProvider } from '../../apps/eid-provider/src/server.js';
import { Browser, loginFormAction } from './idp.js';

export interface RunningTestEid extends RunningEidProvider {
  /** what `startHub({ env })` needs to sign consents with this provider */
  hubEnv: Record<string, string>;
}

/**
 * The mock e-legitimation provider, in this process, on a free port, with keys in a temporary directory. Its
 * citizens are the registers' default population, the one the adapters of the tests answer from.
 */
export async function startTestEid(env: Record<string, string> = {}): Promise<RunningTestEid> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-eid-provider-'));
  const warn = console.warn;
  // oidc-provider says at start that it keeps its state in memory, which is what a test wants
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('oidc-provider WARNING')) warn(...args);
  };
  let running: RunningEidProvider;
  try {
    const { startEidProvider } = await import('../../apps/eid-provider/src/server.js');
    running = await startEidProvider(loadEidProviderConfig({ PORT: '0', EID_DATA_DIR: dataDir, ...env }));
  } finally {
    console.warn = warn;
  }
  return {
    ...running,
    hubEnv: {
      EID_ISSUER: running.issuer,
      EID_SIGNING_URL: running.signingUrl,
      EID_CLIENT_ID: 'samtjanst-hub',
      EID_CLIENT_SECRET: 'development-only-eid-client-secret',
    },
    close: async () => {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Adults of the provider's population, who can sign. */
export function signingCitizens(count: number): Person[] {
  return generatePopulation(DEFAULT_POPULATION)
    .people.filter((person) => person.householdRole === 'adult' && !person.coordinationNumber)
    .slice(0, count);
}

export { signOnPhone } from '../../apps/eid-provider/src/simulated-phone.js';

/**
 * Logs a citizen in to "Mina uppgifter" as a browser would: the hub's /api/medborgare/login, the provider's login page
 * (the simulated e-ID), and the hub's callback. Answers the browser (holding the citizen's cookie) and the callback's
 * response.
 */
export async function loginAsCitizen(
  hubUrl: string,
  personnummer: string,
  browser: Browser = new Browser(),
): Promise<{ browser: Browser; callback: Response }> {
  const callbackPrefix = `${hubUrl}/api/medborgare/callback`;
  const first = await browser.follow(`${hubUrl}/api/medborgare/login`, (url) => url.href.startsWith(callbackPrefix));
  if ('stoppedAt' in first) return { browser, callback: await browser.fetch(first.stoppedAt) };
  const html = await first.page.text();
  if (first.page.status !== 200) throw new Error(`the provider answered ${first.page.status}: ${html.slice(0, 300)}`);
  const submitted = await browser.fetch(loginFormAction(html, first.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ personnummer }).toString(),
  });
  const location = submitted.headers.get('location');
  if (!location) throw new Error(`the login of the citizen stopped with ${submitted.status}`);
  const after = await browser.follow(new URL(location, first.url), (url) => url.href.startsWith(callbackPrefix));
  if (!('stoppedAt' in after)) throw new Error(`the provider did not send the citizen back: ${after.page.status}`);
  return { browser, callback: await browser.fetch(after.stoppedAt) };
}
