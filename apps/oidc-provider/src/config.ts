import { checkIssuer, checkUrlLists, ConfigError, isHttpUrl, portSetting, urlList } from '@hub/common';

/** The development identity provider's settings, from the environment. */
export interface OidcProviderConfig {
  host: string;
  /** 0 picks a free port (tests) */
  port: number;
  /** the Issuer Identifier; undefined means http://127.0.0.1:<the port it listens on> */
  issuer?: string;
  hubClient: {
    clientId: string;
    clientSecret: string;
    redirectUris: string[];
    postLogoutRedirectUris: string[];
  };
  /** a public client (PKCE, no secret) for command-line tools and tests, redirecting to a loopback address */
  toolsClient: { clientId: string; redirectUris: string[] };
  /** a public client (PKCE in the browser, no secret) for the agencies' inbox web UI served by their adapters */
  inboxClient: { clientId: string; redirectUris: string[] };
  /** the hub as a resource server: the resource indicator clients ask for and the `aud` of its access tokens */
  hubResource: { indicator: string; audience: string };
  accessTokenTtlSeconds: number;
  /** where the signing and cookie keys are generated on first start (git-ignored) */
  dataDir: string;
  /** the one password of every demo account */
  demoPassword: string;
}

export const DEFAULT_PORT = 3100;
export const DEVELOPMENT_HUB_CLIENT_SECRET = 'development-only-hub-client-secret';

/** Reads and checks every setting, naming all problems at once. */
export function loadOidcProviderConfig(env: NodeJS.ProcessEnv = process.env): OidcProviderConfig {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production') {
    problems.push(
      'NODE_ENV is production: this identity provider has demo accounts with a shared password and is for ' +
        'development only; point the hub at a real OIDC provider (AUTH_ISSUER) instead',
    );
  }
  const port = portSetting(env, DEFAULT_PORT, problems);
  const host = env.HOST ?? '127.0.0.1';

  const issuer = env.OIDC_ISSUER;
  checkIssuer('OIDC_ISSUER', issuer, problems);

  const hubUrl = (env.HUB_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  if (!isHttpUrl(hubUrl)) problems.push(`HUB_URL must be an http(s) URL, got ${env.HUB_URL}`);
  const redirectUris = urlList(env.HUB_REDIRECT_URIS ?? `${hubUrl}/api/auth/callback`);
  const postLogoutRedirectUris = urlList(env.HUB_POST_LOGOUT_REDIRECT_URIS ?? `${hubUrl}/`);
  const toolsRedirectUris = urlList(env.TOOLS_REDIRECT_URIS ?? 'http://127.0.0.1/callback');
  const inboxRedirectUris = urlList(
    env.INBOX_REDIRECT_URIS ?? [3201, 3202, 3203].map((port) => `http://127.0.0.1:${port}/inloggning`).join(','),
  );
  checkUrlLists(
    [
      ['HUB_REDIRECT_URIS', redirectUris],
      ['HUB_POST_LOGOUT_REDIRECT_URIS', postLogoutRedirectUris],
      ['TOOLS_REDIRECT_URIS', toolsRedirectUris],
      ['INBOX_REDIRECT_URIS', inboxRedirectUris],
    ],
    problems,
  );

  const hubClientSecret = env.HUB_CLIENT_SECRET ?? DEVELOPMENT_HUB_CLIENT_SECRET;
  if (hubClientSecret.length < 16) problems.push('HUB_CLIENT_SECRET must be at least 16 characters');

  const indicator = env.HUB_RESOURCE ?? 'urn:samtjanst:hub';
  // RFC 8707: a resource indicator is an absolute URI without a fragment.
  if (!URL.parse(indicator) || indicator.includes('#')) {
    problems.push(`HUB_RESOURCE must be an absolute URI without fragment, got ${indicator}`);
  }
  const audience = env.HUB_AUDIENCE ?? 'samtjanst-hub';
  if (!audience) problems.push('HUB_AUDIENCE must not be empty');

  const accessTokenTtlSeconds = Number(env.ACCESS_TOKEN_TTL ?? 900);
  if (!Number.isSafeInteger(accessTokenTtlSeconds) || accessTokenTtlSeconds < 60 || accessTokenTtlSeconds > 86_400) {
    problems.push(`ACCESS_TOKEN_TTL must be whole seconds between 60 and 86400, got ${env.ACCESS_TOKEN_TTL}`);
  }

  const demoPassword = env.DEMO_PASSWORD ?? 'demo';
  if (!demoPassword) problems.push('DEMO_PASSWORD must not be empty');

  if (problems.length) throw new ConfigError(problems, 'the development identity provider');
  return {
    host,
    port,
    issuer,
    hubClient: {
      clientId: env.HUB_CLIENT_ID ?? 'samtjanst-hub-web',
      clientSecret: hubClientSecret,
      redirectUris,
      postLogoutRedirectUris,
    },
    toolsClient: { clientId: env.TOOLS_CLIENT_ID ?? 'samtjanst-tools', redirectUris: toolsRedirectUris },
    inboxClient: { clientId: env.INBOX_CLIENT_ID ?? 'samtjanst-inbox', redirectUris: inboxRedirectUris },
    hubResource: { indicator, audience },
    accessTokenTtlSeconds,
    dataDir: env.OIDC_DATA_DIR ?? 'var/oidc-provider',
    demoPassword,
  };
}
