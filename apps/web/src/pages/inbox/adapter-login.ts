/**
 * The inbox's login when an agency's adapter serves the UI: the browser is an OIDC public client (authorization code
 * with PKCE, S256 through Web Crypto) and keeps the access token in sessionStorage, for this tab only. The adapter
 * checks the token on every call; nothing here is trusted for more than showing the person's name.
 */
export interface UiConfig {
  service: 'adapter';
  agency: string;
  name: string;
  issuer: string;
  clientId: string;
}

export interface InboxLogin {
  accessToken: string;
  expiresAt: number;
  name: string;
  roles: string[];
}

const LOGIN_KEY = 'samtjanst.inbox.login';
const PENDING_KEY = 'samtjanst.inbox.pending';
export const CALLBACK_PATH = '/inloggning';

/** The adapter answers GET /api/ui-config; the hub does not, and then the UI is the hub's. */
export async function adapterUiConfig(): Promise<UiConfig | undefined> {
  try {
    const response = await fetch('/api/ui-config', { headers: { accept: 'application/json' } });
    if (!response.ok) return undefined;
    const config = (await response.json()) as Partial<UiConfig>;
    return config.service === 'adapter' ? (config as UiConfig) : undefined;
  } catch {
    return undefined;
  }
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return window.btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64url(window.crypto.getRandomValues(new Uint8Array(32)));
}

async function discover(issuer: string): Promise<{ authorization_endpoint: string; token_endpoint: string }> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  return response.json();
}

function redirectUri(): string {
  return `${window.location.origin}${CALLBACK_PATH}`;
}

export async function startLogin(config: UiConfig, returnTo: string): Promise<void> {
  const { authorization_endpoint } = await discover(config.issuer);
  const verifier = randomString();
  const state = randomString();
  const digest = await window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  window.sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid profile samtjanst',
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: 'S256',
    state,
  }).toString();
  window.location.assign(url.href);
}

function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  const json = window.atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
}

/** Back from the identity provider: trades the code for tokens; returns where the person was going. */
export async function finishLogin(config: UiConfig, search: string): Promise<string> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(window.sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  window.sessionStorage.removeItem(PENDING_KEY);
  if (params.get('error')) throw new Error(params.get('error_description') ?? params.get('error')!);
  if (!pending || params.get('state') !== pending.state) throw new Error('inloggningen hörde inte till den här fliken');
  const { token_endpoint } = await discover(config.issuer);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
  const tokens = (await response.json()) as { access_token: string; expires_in: number };
  const claims = claimsOf(tokens.access_token);
  const login: InboxLogin = {
    accessToken: tokens.access_token,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    name: typeof claims.name === 'string' ? claims.name : String(claims.sub),
    roles: Array.isArray(claims.roles) ? (claims.roles as string[]) : [],
  };
  window.sessionStorage.setItem(LOGIN_KEY, JSON.stringify(login));
  return pending.returnTo.startsWith('/') ? pending.returnTo : '/inkorg';
}

export function currentLogin(): InboxLogin | undefined {
  const login = JSON.parse(window.sessionStorage.getItem(LOGIN_KEY) ?? 'null') as InboxLogin | null;
  return login && login.expiresAt > Date.now() + 5_000 ? login : undefined;
}

export function forgetLogin(): void {
  window.sessionStorage.removeItem(LOGIN_KEY);
}
