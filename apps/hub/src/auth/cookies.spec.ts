import { parseCookieHeader, serializeCookie } from './cookies.js';

describe('cookies', () => {
  it('reads a Cookie header, the first of duplicate names winning', () => {
    const cookies = parseCookieHeader('hub_session=abc; other=x%20y; hub_session=later; quoted="q"; broken; =nameless');
    expect(Object.fromEntries(cookies)).toEqual({ hub_session: 'abc', other: 'x y', quoted: 'q' });
    expect(parseCookieHeader(undefined).size).toBe(0);
    expect(parseCookieHeader('bad=%E0%A4%A').get('bad')).toBe('%E0%A4%A');
  });

  it('writes HttpOnly, SameSite=Lax cookies, Secure when asked, and deletes with Max-Age=0', () => {
    expect(serializeCookie('hub_session', 'abc', { path: '/', maxAge: 3600, secure: false })).toBe(
      'hub_session=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax',
    );
    expect(serializeCookie('hub_login', 'x y', { path: '/api/auth/callback', maxAge: 600, secure: true })).toBe(
      'hub_login=x%20y; Path=/api/auth/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure',
    );
    expect(serializeCookie('hub_session', '', { path: '/', maxAge: 0, secure: false })).toBe(
      'hub_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
    expect(() => serializeCookie('bad name;', 'x', { path: '/', maxAge: 1, secure: false })).toThrow(/cookie name/);
  });
});
