import { checkIssuer, checkUrlLists, ConfigError, isHttpUrl, portSetting, urlList } from '@hub/common';

/** The mock e-legitimation provider's settings, from the environment. */
export interface EidProviderConfig {
  host: string;
  /** 0 picks a free port (tests) */
  port: number;
  /** the Issuer Identifier; undefined means http://127.0.0.1:<the port it listens on> */
  issuer?: string;
  /** the relying party: the hub, for login (OIDC) and for signing orders (the signing API) */
  relyingParty: {
    clientId: string;
    clientSecret: string;
    /** where the citizen's login returns (the hub's "Mina uppgifter", a later part of issue 19) */
    redirectUris: string[];
    postLogoutRedirectUris: string[];
  };
  /** how long a signing order waits for the citizen before it expires (BankID: 3 minutes) */
  orderTtlSeconds: number;
  /** the synthetic population the citizens come from: the same as the agency adapters' registers */
  population: { seed: number; size: number };
  /** where the signing and cookie keys are generated on first start (git-ignored) */
  dataDir: string;
}

export const DEFAULT_PORT = 3300;
export const DEVELOPMENT_EID_CLIENT_SECRET = 'development-only-eid-client-secret';
/** The registers' defaults (libs/adapter-kit: REGISTER_SEED, REGISTER_SIZE), so that the same people exist. */
export const DEFAULT_POPULATION = { seed: 20_251_123, size: 10_000 };

/** Reads and checks every setting, naming all problems at once. */
export function loadEidProviderConfig(env: NodeJS.ProcessEnv = process.env): EidProviderConfig {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production') {
    problems.push(
      'NODE_ENV is production: this e-legitimation provider lets anyone sign in as any synthetic citizen and is ' +
        'for development only; point the hub at a real provider (EID_ISSUER, EID_SIGNING_URL) instead',
    );
  }
  const port = portSetting(env, DEFAULT_PORT, problems);
  const host = env.HOST ?? '127.0.0.1';

  const issuer = env.EID_ISSUER;
  checkIssuer('EID_ISSUER', issuer, problems);

  const hubUrl = (env.HUB_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  if (!isHttpUrl(hubUrl)) problems.push(`HUB_URL must be an http(s) URL, got ${env.HUB_URL}`);
  const redirectUris = urlList(env.RP_REDIRECT_URIS ?? `${hubUrl}/api/medborgare/callback`);
  const postLogoutRedirectUris = urlList(env.RP_POST_LOGOUT_REDIRECT_URIS ?? `${hubUrl}/`);
  checkUrlLists(
    [
      ['RP_REDIRECT_URIS', redirectUris],
      ['RP_POST_LOGOUT_REDIRECT_URIS', postLogoutRedirectUris],
    ],
    problems,
  );

  const clientId = env.RP_CLIENT_ID ?? 'samtjanst-hub';
  if (!/^[A-Za-z0-9._-]+$/.test(clientId))
    problems.push(`RP_CLIENT_ID must be letters, digits, . _ -, got ${clientId}`);
  const clientSecret = env.RP_CLIENT_SECRET ?? DEVELOPMENT_EID_CLIENT_SECRET;
  if (clientSecret.length < 16) problems.push('RP_CLIENT_SECRET must be at least 16 characters');

  const orderTtlSeconds = Number(env.ORDER_TTL_SECONDS ?? 180);
  if (!Number.isInteger(orderTtlSeconds) || orderTtlSeconds < 10 || orderTtlSeconds > 3600) {
    problems.push(`ORDER_TTL_SECONDS must be whole seconds from 10 to 3600, got ${env.ORDER_TTL_SECONDS}`);
  }
  const seed = Number(env.REGISTER_SEED ?? DEFAULT_POPULATION.seed);
  if (!Number.isSafeInteger(seed)) problems.push(`REGISTER_SEED must be an integer, got ${env.REGISTER_SEED}`);
  const size = Number(env.REGISTER_SIZE ?? DEFAULT_POPULATION.size);
  if (!Number.isInteger(size) || size < 100 || size > 1_000_000) {
    problems.push(`REGISTER_SIZE must be an integer 100..1000000, got ${env.REGISTER_SIZE}`);
  }

  if (problems.length) throw new ConfigError(problems, 'the mock e-legitimation provider');
  return {
    host,
    port,
    issuer,
    relyingParty: { clientId, clientSecret, redirectUris, postLogoutRedirectUris },
    orderTtlSeconds,
    population: { seed, size },
    dataDir: env.EID_DATA_DIR ?? 'var/eid-provider',
  };
}
