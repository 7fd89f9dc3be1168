import { localReturnPath } from './return-to.js';

describe('the return path after login', () => {
  it.each([
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['/agreements', '/agreements'],
    ['/agreements?status=active#top', '/agreements?status=active#top'],
    ['/a/../consents', '/consents'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('keeps the local path %p as %p', (value, expected) => {
    expect(localReturnPath(value)).toBe(expected);
  });

  it.each([
    ['an absolute URL', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example/path'],
    ['a backslash that browsers read as a slash', '/\\evil.example'],
    ['a backslash later on', '/a\\b'],
    ['a relative path', 'agreements'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a tab inside', '/\t/evil.example'],
    ['a newline (header injection)', '/a\r\nSet-Cookie: x=y'],
    ['an array (repeated parameter)', ['/a', '/b']],
    ['a very long path', `/${'a'.repeat(3000)}`],
  ])('refuses %s', (_what, value) => {
    expect(localReturnPath(value)).toBeUndefined();
  });
});
