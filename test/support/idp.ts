import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { loadOidcProviderConfig } from '../../apps/oidc-provider/src/config.js';
import type { RunningOidcProvider } from '../../apps/oidc-provider/src/server.js';

export const TOOLS_CLIENT_ID = 'samtjanst-tools';
export const TOOLS_REDIRECT_URI = 'http://127.0.0.1/callback';
export const DEMO_PASSWORD = 'demo';

/** A TCP port nobody listens on right now (for a hub whose URL the identity provider must know in advance). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningDevIdp extends RunningOidcProvider {
  dataDir: string;
}

/**
 * oidc-provider warns at load that it is tested on Node 22 (this repo runs on 20) and at start that it keeps its state
 * in memory, which is what a test wants; other warnings still show.
 */
async function withoutProviderNotices<T>(run: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('oidc-provider WARNING')) warn(...args);
  };
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}

/** The bundled development identity provider, in this process, on a free port, with keys in a temporary directory. */
export async function startDevIdp(options: {
  hubUrl: string;
  /** more of its settings, e.g. INBOX_REDIRECT_URIS for adapters on test ports */
  env?: Record<string, string>;
}): Promise<RunningDevIdp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-oidc-provider-'));
  const running = await withoutProviderNotices(async () => {
    const { startOidcProvider } = await import('../../apps/oidc-provider/src/server.js');
    return startOidcProvider(
      loadOidcProviderConfig({ PORT: '0', OIDC_DATA_DIR: dataDir, HUB_URL: options.hubUrl, ...options.env }),
    );
  });
  return {
    ...running,
    dataDir,
    close: async () => {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What `startHub({ env })` needs to trust the dev identity provider and log staff in through it. */
export function hubEnvForIdp(idp: { issuer: string }, hubUrl: string): Record<string, string | undefined> {
  return { AUTH_ISSUER: idp.issuer, AUTH_JWKS_FILE: undefined, AUTH_JWKS_URL: undefined, PUBLIC_URL: hubUrl };
}

interface StoredCookie {
  host: string;
  path: string;
  name: string;
  value: string;
  expiresAt?: number;
  attributes: string[];
}

/**
 * Just enough of a browser: a cookie jar (by host, path and name; like browsers, not by port) and fetch that does not
 * follow redirects by itself, so every hop can be looked at.
 */
export class Browser {
  private cookies: StoredCookie[] = [];

  cookie(host: string, name: string): StoredCookie | undefined {
    return this.live().find((cookie) => cookie.host === host && cookie.name === name);
  }

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookieHeader = this.live()
      .filter((cookie) => cookie.host === target.hostname && pathMatches(target.pathname, cookie.path))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    if (cookieHeader) headers.set('cookie', cookieHeader);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) this.store(target, header);
    return response;
  }

  /** Follows redirects until one would lead to a URL `stopAt` matches (not fetched), or a page that is no redirect. */
  async follow(
    url: string | URL,
    stopAt: (url: URL) => boolean,
  ): Promise<{ stoppedAt: URL } | { page: Response; url: URL }> {
    let current = new URL(url);
    for (let hops = 0; hops < 20; hops++) {
      if (stopAt(current)) return { stoppedAt: current };
      const response = await this.fetch(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { page: response, url: current };
      await response.arrayBuffer();
      current = new URL(location, current);
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }

  private live(): StoredCookie[] {
    const now = Date.now();
    this.cookies = this.cookies.filter((cookie) => cookie.expiresAt === undefined || cookie.expiresAt > now);
    return this.cookies;
  }

  private store(from: URL, header: string): void {
    const [pair, ...attributes] = header.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    const attribute = (key: string) =>
      attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const maxAge = attribute('max-age');
    const expires = attribute('expires');
    const expiresAt =
      maxAge !== undefined ? Date.now() + Number(maxAge) * 1000 : expires ? Date.parse(expires) : undefined;
    const cookie = { host: from.hostname, path: attribute('path') ?? '/', name, value, expiresAt, attributes };
    this.cookies = this.cookies.filter((c) => !(c.host === cookie.host && c.path === cookie.path && c.name === name));
    this.cookies.push(cookie);
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  return (
    requestPath === cookiePath ||
    (requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'))
  );
}

/** The login form's action, from the page the identity provider shows. */
export function loginFormAction(html: string, pageUrl: URL): URL {
  const match = /<form method="post" action="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no login form on ${pageUrl.href}:\n${html.slice(0, 500)}`);
  return new URL(match[1].replaceAll('&amp;', '&'), pageUrl);
}

export type SignInResult =
  /** the identity provider sent the browser back to the client with this URL (not fetched) */
  | { redirectedTo: URL }
  /** the identity provider showed a page instead (a refused password, an error) */
  | { status: number; html: string };

/**
 * From `startUrl` (a client's login or authorization URL) through the identity provider's login form, as a person
 * in a browser would, until the provider redirects back to the client (`isClientRedirect`).
 */
export async function signInAtIdp(
  browser: Browser,
  startUrl: string | URL,
  credentials: { username: string; password: string },
  isClientRedirect: (url: URL) => boolean,
): Promise<SignInResult> {
  const first = await browser.follow(startUrl, isClientRedirect);
  if ('stoppedAt' in first) return { redirectedTo: first.stoppedAt };
  const html = await first.page.text();
  if (first.page.status !== 200) return { status: first.page.status, html };
  const submitted = await browser.fetch(loginFormAction(html, first.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(credentials).toString(),
  });
  const location = submitted.headers.get('location');
  if (!location) return { status: submitted.status, html: await submitted.text() };
  const after = await browser.follow(new URL(location, first.url), isClientRedirect);
  if ('stoppedAt' in after) return { redirectedTo: after.stoppedAt };
  return { status: after.page.status, html: await after.page.text() };
}

/**
 * Logs in to the hub as a person would: /api/auth/login, the identity provider's form, and the hub's callback.
 * Returns the callback's response (a redirect to `returnTo` with the session cookie, or an error).
 */
export async function loginToHub(
  hubUrl: string,
  username: string,
  options: { password?: string; returnTo?: string; browser?: Browser } = {},
): Promise<{ browser: Browser; callback: Response }> {
  const browser = options.browser ?? new Browser();
  const callbackPrefix = `${hubUrl}/api/auth/callback`;
  const login = new URL(`${hubUrl}/api/auth/login`);
  if (options.returnTo !== undefined) login.searchParams.set('returnTo', options.returnTo);
  const result = await signInAtIdp(browser, login, { username, password: options.password ?? DEMO_PASSWORD }, (url) =>
    url.href.startsWith(callbackPrefix),
  );
  if (!('redirectedTo' in result)) throw new Error(`login of ${username} stopped with ${result.status}`);
  return { browser, callback: await browser.fetch(result.redirectedTo) };
}

/** An access token from the identity provider for a command-line tool (public client, PKCE), as `username`. */
export async function toolAccessToken(issuer: string, username: string): Promise<string> {
  const configuration = await oidc.discovery(new URL(issuer), TOOLS_CLIENT_ID, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: TOOLS_REDIRECT_URI,
    scope: 'openid profile samtjanst',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
  });
  const result = await signInAtIdp(new Browser(), authorizationUrl, { username, password: DEMO_PASSWORD }, (url) =>
    url.href.startsWith(TOOLS_REDIRECT_URI),
  );
  if (!('redirectedTo' in result)) throw new Error(`tool login of ${username} stopped with ${result.status}`);
  const tokens = await oidc.authorizationCodeGrant(configuration, result.redirectedTo, {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
  });
  return tokens.access_token;
}
