/** Small checks that the services' config loaders share; each adds to a list of problems so all are named at once. */

export function isHttpUrl(value: string): boolean {
  const url = URL.parse(value);
  return url !== null && (url.protocol === 'http:' || url.protocol === 'https:');
}

/** A comma-separated list, blanks dropped. */
export function urlList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** `PORT` as a TCP port (0 picks a free one). */
export function portSetting(env: NodeJS.ProcessEnv, fallback: number, problems: string[]): number {
  const port = Number(env.PORT ?? fallback);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a TCP port, got ${env.PORT}`);
  return port;
}

/** An OpenID Connect Issuer Identifier: an http(s) URL without query, fragment or trailing slash. */
export function checkIssuer(name: string, issuer: string | undefined, problems: string[]): void {
  if (issuer === undefined) return;
  const url = URL.parse(issuer);
  if (!url || !isHttpUrl(issuer) || url.search || url.hash || issuer.endsWith('/')) {
    problems.push(`${name} must be an http(s) URL without query, fragment or trailing slash, got ${issuer}`);
  }
}

/** Lists of redirect URIs by setting name: each must name at least one http(s) URL. */
export function checkUrlLists(lists: ReadonlyArray<readonly [string, string[]]>, problems: string[]): void {
  for (const [name, uris] of lists) {
    if (!uris.length) problems.push(`${name} must name at least one URL`);
    for (const uri of uris) if (!isHttpUrl(uri)) problems.push(`${name}: ${uri} is not an http(s) URL`);
  }
}
