/** The cookies of a `Cookie` request header; the first of duplicate names wins, as browsers send the most specific. */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (header ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator <= 0) continue;
    const name = pair.slice(0, separator).trim();
    let value = pair.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!name || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

export interface CookieOptions {
  path: string;
  /** seconds; 0 deletes the cookie */
  maxAge: number;
  secure: boolean;
}

const COOKIE_NAME = /^[A-Za-z0-9_-]+$/;

/** A `Set-Cookie` value that scripts cannot read and other sites' requests do not carry, except top-level GETs. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  if (!COOKIE_NAME.test(name)) throw new Error(`invalid cookie name ${name}`);
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAge))}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (options.maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The browser's staff session: a random id, the session itself is in PostgreSQL. */
export const SESSION_COOKIE = 'hub_session';
/** A login between the redirect to the identity provider and its callback. */
export const LOGIN_COOKIE = 'hub_login';
