const PLACEHOLDER_ORIGIN = 'http://hub.invalid';

/**
 * Where to send the browser after login: only a path on the hub itself, never another site, so the login cannot be
 * used as an open redirect. Undefined when the value is not such a path.
 */
export function localReturnPath(value: unknown): string | undefined {
  if (value === undefined || value === '') return '/';
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  // "//evil.example" and "/\evil.example" are protocol-relative to browsers; control characters are never legitimate.
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  if ([...value].some((char) => char < ' ' || char === '\u007f' || char === '\\')) return undefined;
  const url = URL.parse(value, PLACEHOLDER_ORIGIN);
  if (!url || url.origin !== PLACEHOLDER_ORIGIN) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}
