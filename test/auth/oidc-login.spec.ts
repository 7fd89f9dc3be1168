import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DEMO_ACCOUNTS } from '../../apps/oidc-provider/src/demo-accounts.js';
import { startHub, USERS, type RunningHub } from '../support/hub.js';
import {
  Browser,
  freePort,
  hubEnvForIdp,
  loginToHub,
  signInAtIdp,
  startDevIdp,
  toolAccessToken,
  type RunningDevIdp,
} from '../support/idp.js';
import { testPool } from '../support/env.js';

const CSRF = { 'x-requested-with': 'XMLHttpRequest' };

describe('staff login through the development identity provider', () => {
  let idp: RunningDevIdp;
  let hub: RunningHub;
  let hubUrl: string;

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    hub = await startHub({ port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) });
  }, 30_000);

  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  const json = async (response: Response): Promise<{ status: number; body: any }> => ({
    status: response.status,
    body: await response.json(),
  });
  const api = (browser: Browser, method: string, path: string, headers: Record<string, string> = {}) =>
    browser.fetch(`${hubUrl}${path}`, { method, headers });

  it('has a demo account for every test user, with the same organisation, unit and roles', () => {
    for (const user of Object.values(USERS)) {
      const account = DEMO_ACCOUNTS.find((a) => a.id === user.id);
      expect({ id: account?.id, name: account?.name, organisation: account?.organisation }).toEqual({
        id: user.id,
        name: user.name,
        organisation: user.organisation,
      });
      expect(account?.unit).toBe('unit' in user ? user.unit : undefined);
      expect(account?.roles).toEqual(user.roles);
    }
    const guides = DEMO_ACCOUNTS.filter((a) => a.roles.includes('guide'));
    expect(guides.length).toBeGreaterThanOrEqual(2);
  });

  it('logs a person in, keeps the session server-side, checks roles on it and ends it at logout', async () => {
    const { browser, callback } = await loginToHub(hubUrl, 'maria.admin', { returnTo: '/agreements?view=active' });
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/agreements?view=active');

    const session = browser.cookie('127.0.0.1', 'hub_session');
    expect(session?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session?.path).toBe('/');
    expect(session?.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Max-Age=28800']));
    expect(session?.attributes).not.toContain('Secure');
    expect(browser.cookie('127.0.0.1', 'hub_login')).toBeUndefined();

    // Only a hash of the id is stored: a copy of the table is no set of cookies.
    const pool = testPool();
    try {
      const { rows } = await pool.query('SELECT id_hash, staff_user FROM hub.staff_session');
      expect(rows.some((row) => row.id_hash === session?.value)).toBe(false);
      expect(rows.some((row) => row.staff_user.id === 'maria.admin')).toBe(true);
    } finally {
      await pool.end();
    }

    expect(await json(await api(browser, 'GET', '/api/auth/me'))).toEqual({
      status: 200,
      body: {
        ...USERS.municipalityAdmin,
        authenticatedBy: 'session',
        sessionExpiresAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      },
    });
    expect((await api(browser, 'GET', '/api/agreements')).status).toBe(200);

    const guide = await loginToHub(hubUrl, 'anna.guide');
    expect((await json(await api(guide.browser, 'GET', '/api/auth/me'))).body.roles).toEqual(['guide']);
    expect(await json(await api(guide.browser, 'GET', '/api/agreements'))).toMatchObject({
      status: 403,
      body: { error: 'role-not-allowed' },
    });

    const sessionCookie = `hub_session=${session?.value}`;
    const logout = await json(await api(browser, 'POST', '/api/auth/logout', CSRF));
    expect(logout.status).toBe(200);
    expect(new URL(logout.body.endSessionUrl).href).toMatch(new RegExp(`^${idp.issuer}/session/end\\?`));
    expect(new URL(logout.body.endSessionUrl).searchParams.get('id_token_hint')).toBeTruthy();
    expect(browser.cookie('127.0.0.1', 'hub_session')).toBeUndefined();
    // The session is gone on the server, not only from this browser.
    const replayed = await fetch(`${hubUrl}/api/auth/me`, { headers: { cookie: sessionCookie } });
    expect(await json(replayed)).toMatchObject({ status: 401, body: { error: 'session-expired' } });
    expect((await api(browser, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await api(guide.browser, 'GET', '/api/auth/me')).status).toBe(200);

    // The end-session URL asks, in Swedish, before it ends the login at the identity provider too.
    const confirmation = await browser.fetch(logout.body.endSessionUrl);
    const page = await confirmation.text();
    expect(page).toContain('<h1>Vill du logga ut?</h1>');
    const form = /<form id="op.logoutForm" method="post" action="([^"]+)">/.exec(page);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page);
    const ended = await browser.fetch(form?.[1] as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf?.[1] as string, logout: 'yes' }).toString(),
    });
    expect(ended.headers.get('location')).toBe(`${hubUrl}/`);
  }, 30_000);

  it('gives every demo member of staff the organisation, unit and roles the tests use', async () => {
    for (const user of Object.values(USERS)) {
      const { browser } = await loginToHub(hubUrl, user.id);
      const { status, body } = await json(await api(browser, 'GET', '/api/auth/me'));
      expect({ status, ...body, sessionExpiresAt: undefined }).toEqual({
        status: 200,
        ...user,
        authenticatedBy: 'session',
        sessionExpiresAt: undefined,
      });
    }
  }, 30_000);

  it('replaces the previous session of a browser that logs in again', async () => {
    const { browser } = await loginToHub(hubUrl, 'sam.soc');
    const first = browser.cookie('127.0.0.1', 'hub_session')?.value;
    await loginToHub(hubUrl, 'sam.soc', { browser });
    const second = browser.cookie('127.0.0.1', 'hub_session')?.value;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect((await fetch(`${hubUrl}/api/auth/me`, { headers: { cookie: `hub_session=${first}` } })).status).toBe(401);
    expect((await api(browser, 'GET', '/api/auth/me')).status).toBe(200);
  }, 30_000);

  it('refuses a wrong password or an unknown user at the identity provider, in Swedish, and keeps the username', async () => {
    for (const [username, password] of [
      ['maria.admin', 'wrong'],
      ['nobody', 'demo'],
    ]) {
      const browser = new Browser();
      const result = await signInAtIdp(browser, `${hubUrl}/api/auth/login`, { username, password }, (url) =>
        url.href.startsWith(`${hubUrl}/api/auth/callback`),
      );
      expect(result).toMatchObject({ status: 401 });
      const html = 'html' in result ? result.html : '';
      expect(html).toContain('<html lang="sv">');
      expect(html).toMatch(/<p class="error" id="login-error" role="alert">Fel användarnamn eller lösenord\.<\/p>/);
      expect(html).toContain('<label for="username">Användarnamn</label>');
      expect(html).toContain('<label for="password">Lösenord</label>');
      expect(html).toContain(`value="${username}"`);
      expect(browser.cookie('127.0.0.1', 'hub_session')).toBeUndefined();
    }
  });

  it('refuses a callback whose state was changed, and the login cannot be finished afterwards', async () => {
    const browser = new Browser();
    const result = await signInAtIdp(
      browser,
      `${hubUrl}/api/auth/login`,
      { username: 'anna.guide', password: 'demo' },
      (url) => url.href.startsWith(`${hubUrl}/api/auth/callback`),
    );
    if (!('redirectedTo' in result)) throw new Error('no callback');
    const tampered = new URL(result.redirectedTo);
    tampered.searchParams.set('state', 'forged-state');
    expect(await json(await browser.fetch(tampered))).toMatchObject({ status: 400, body: { error: 'login-failed' } });
    expect(browser.cookie('127.0.0.1', 'hub_session')).toBeUndefined();
    // The attempt was used up by the forged callback; the genuine one is refused now.
    expect(await json(await browser.fetch(result.redirectedTo))).toMatchObject({
      status: 400,
      body: { error: 'login-expired' },
    });
  });

  it("refuses a code with another login's state and PKCE verifier", async () => {
    const browser = new Browser();
    const isCallback = (url: URL) => url.href.startsWith(`${hubUrl}/api/auth/callback`);
    const credentials = { username: 'anna.guide', password: 'demo' };
    const first = await signInAtIdp(browser, `${hubUrl}/api/auth/login`, credentials, isCallback);
    // A second login in the same browser replaces the first one's cookie (and is signed in at the IdP already).
    const second = await signInAtIdp(browser, `${hubUrl}/api/auth/login`, credentials, isCallback);
    if (!('redirectedTo' in first) || !('redirectedTo' in second)) throw new Error('no callback');
    const mixed = new URL(second.redirectedTo);
    mixed.searchParams.set('code', first.redirectedTo.searchParams.get('code') as string);
    expect(await json(await browser.fetch(mixed))).toMatchObject({ status: 400, body: { error: 'login-failed' } });
    expect(browser.cookie('127.0.0.1', 'hub_session')).toBeUndefined();
  });

  it('refuses a callback without a login in progress, and a returnTo that leaves the hub', async () => {
    expect(await json(await fetch(`${hubUrl}/api/auth/callback?code=abc&state=def`))).toMatchObject({
      status: 400,
      body: { error: 'login-expired' },
    });
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'relative/path']) {
      const response = await fetch(`${hubUrl}/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`, {
        redirect: 'manual',
      });
      expect({ returnTo, ...(await json(response)) }).toMatchObject({
        returnTo,
        status: 400,
        body: { error: 'invalid-return-to' },
      });
    }
  });

  it('sets a short-lived, path-bound login cookie and sends PKCE, state and nonce to the identity provider', async () => {
    const browser = new Browser();
    const response = await browser.fetch(`${hubUrl}/api/auth/login`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') as string);
    expect(location.href.startsWith(`${idp.issuer}/auth?`)).toBe(true);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: 'samtjanst-hub-web',
      response_type: 'code',
      redirect_uri: `${hubUrl}/api/auth/callback`,
      scope: 'openid profile samtjanst',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.any(String),
      nonce: expect.any(String),
    });
    const login = browser.cookie('127.0.0.1', 'hub_login');
    expect(login?.path).toBe('/api/auth/callback');
    expect(login?.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Max-Age=600']));
  });

  it('refuses a state-changing request with the session cookie but without the CSRF header', async () => {
    const { browser } = await loginToHub(hubUrl, 'maria.admin');
    expect(await json(await api(browser, 'POST', '/api/auth/logout'))).toMatchObject({
      status: 403,
      body: { error: 'csrf-header-missing' },
    });
    expect(await json(await api(browser, 'POST', '/api/agreements'))).toMatchObject({
      status: 403,
      body: { error: 'csrf-header-missing' },
    });
    // With the header the request reaches the endpoint (and fails there only for its empty body).
    expect(await json(await api(browser, 'POST', '/api/agreements', CSRF))).toMatchObject({
      status: 400,
      body: { error: 'invalid-request' },
    });
    expect((await api(browser, 'GET', '/api/auth/me')).status).toBe(200);
  });

  it('answers 401 to who-am-I and logout without a login, and goes back to the IdP with a cancelled login', async () => {
    expect(await json(await fetch(`${hubUrl}/api/auth/me`))).toMatchObject({
      status: 401,
      body: { error: 'unauthenticated' },
    });
    expect((await fetch(`${hubUrl}/api/auth/logout`, { method: 'POST', headers: CSRF })).status).toBe(401);

    const browser = new Browser();
    const form = await browser.follow(`${hubUrl}/api/auth/login`, () => false);
    if (!('page' in form)) throw new Error('no login page');
    const abortAction = /formaction="([^"]+)"/.exec(await form.page.text())?.[1] as string;
    const aborted = await browser.fetch(new URL(abortAction, form.url), { method: 'POST' });
    const back = await browser.follow(new URL(aborted.headers.get('location') as string, form.url), (url) =>
      url.href.startsWith(`${hubUrl}/api/auth/callback`),
    );
    if (!('stoppedAt' in back)) throw new Error('not sent back to the hub');
    expect(back.stoppedAt.searchParams.get('error')).toBe('access_denied');
    expect(await json(await browser.fetch(back.stoppedAt))).toMatchObject({
      status: 400,
      body: { error: 'login-failed' },
    });
  });

  it('issues ES256 JWT access tokens for the hub that work as bearer tokens, with the same role checks', async () => {
    const token = await toolAccessToken(idp.issuer, 'maria.admin');
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(decodeJwt(token)).toMatchObject({
      iss: idp.issuer,
      aud: 'samtjanst-hub',
      sub: 'maria.admin',
      name: 'Maria Admin',
      organisation: '2120001967',
      unit: 'Servicecenter',
      roles: ['admin'],
      client_id: 'samtjanst-tools',
    });
    const bearer = { authorization: `Bearer ${token}` };
    expect((await fetch(`${hubUrl}/api/agreements`, { headers: bearer })).status).toBe(200);
    expect(await json(await fetch(`${hubUrl}/api/auth/me`, { headers: bearer }))).toEqual({
      status: 200,
      body: { ...USERS.municipalityAdmin, authenticatedBy: 'bearer' },
    });
    // A bearer token is no cookie a browser sends by itself: no CSRF header needed.
    expect(await json(await fetch(`${hubUrl}/api/auth/logout`, { method: 'POST', headers: bearer }))).toEqual({
      status: 200,
      body: {},
    });

    const fkToken = await toolAccessToken(idp.issuer, 'fredrik.fk');
    expect(decodeJwt(fkToken)).not.toHaveProperty('unit');
    const guideToken = await toolAccessToken(idp.issuer, 'anna.guide');
    expect(
      await json(await fetch(`${hubUrl}/api/agreements`, { headers: { authorization: `Bearer ${guideToken}` } })),
    ).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
  });
});
