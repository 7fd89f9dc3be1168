import { scrapeTokenFrom } from '@hub/http';
import { ConfigError } from '@hub/common';
import type { AgencyAdapterDefinition } from './agency-adapter.js';
import { DEFAULT_FAULTS, type FaultSettings } from './faults.js';

export interface CaseworkerTiming {
  /** off: referrals wait for a caseworker using the HTTP API */
  simulated: boolean;
  acceptAfterMs: number;
  startAfterMs: number;
  closeAfterMs: number;
  /** share of referrals declined rather than accepted, 0..1 */
  declineRate: number;
}

export interface AdapterConfig {
  port: number;
  /** the address the caseworker API listens on: loopback on a workstation, 0.0.0.0 in a container */
  host: string;
  databaseUrl: string;
  /** most PostgreSQL connections the adapter holds; the server's max_connections is shared by every service */
  databasePoolSize: number;
  /** the adapter's own PostgreSQL schema: register, inbox, agreement cache, outbox */
  schema: string;
  registerSeed: number;
  registerSize: number;
  faults: FaultSettings;
  caseworker: CaseworkerTiming;
  authIssuer: string;
  authAudience: string;
  authJwks: { url: string } | { file: string };
  /** a static bearer token a Prometheus scraper may send to GET /metrics, besides an agency admin's access token */
  metricsToken?: string;
  /** services whose queries and referrals the adapter takes */
  trustedRequesters: string[];
  /** the inbox web UI's login: the OIDC public client it uses and the issuer as the browser reaches it */
  ui: { clientId: string; issuer: string };
  /** where the built web UI is (npm run build) */
  webDir?: string;
}

/** Reads the adapter's settings from the environment; names every problem at once so start-up fails clearly. */
export function loadAdapterConfig(
  definition: AgencyAdapterDefinition,
  env: NodeJS.ProcessEnv = process.env,
): AdapterConfig {
  const problems: string[] = [];
  const number = (name: string, fallback: number, check: (n: number) => boolean, what: string): number => {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value) || !check(value)) problems.push(`${name} must be ${what}, got ${raw}`);
    return value;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw !== 'true' && raw !== 'false') problems.push(`${name} must be true or false, got ${raw}`);
    return raw === 'true';
  };
  const port = number('PORT', definition.defaultPort, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a TCP port');
  const host = env.HOST || '127.0.0.1';
  if (!/^[0-9A-Za-z.:-]+$/.test(host) || host.startsWith('-')) {
    problems.push(`HOST must be an IP address or host name to listen on, got ${host}`);
  }
  const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// URL');
  const schema = env.ADAPTER_SCHEMA ?? definition.agency.replace(/-/g, '_');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) problems.push(`ADAPTER_SCHEMA must be a plain SQL name, got ${schema}`);
  const nonNegative = (n: number) => n >= 0;
  const share = (n: number) => n >= 0 && n <= 1;
  const faults: FaultSettings = {
    latencyMedianMs: number('FAULT_LATENCY_MEDIAN_MS', DEFAULT_FAULTS.latencyMedianMs, nonNegative, '≥ 0'),
    latencyP99Ms: number('FAULT_LATENCY_P99_MS', DEFAULT_FAULTS.latencyP99Ms, nonNegative, '≥ 0'),
    errorRate: number('FAULT_ERROR_RATE', DEFAULT_FAULTS.errorRate, share, 'between 0 and 1'),
    down: flag('FAULT_DOWN', DEFAULT_FAULTS.down),
  };
  if (faults.latencyP99Ms < faults.latencyMedianMs) problems.push('FAULT_LATENCY_P99_MS must be ≥ the median');
  const caseworker: CaseworkerTiming = {
    simulated: (env.CASEWORKER ?? 'simulated') === 'simulated',
    acceptAfterMs: number('CASEWORKER_ACCEPT_AFTER_MS', 2_000, nonNegative, '≥ 0'),
    startAfterMs: number('CASEWORKER_START_AFTER_MS', 3_000, nonNegative, '≥ 0'),
    closeAfterMs: number('CASEWORKER_CLOSE_AFTER_MS', 5_000, nonNegative, '≥ 0'),
    declineRate: number('CASEWORKER_DECLINE_RATE', 0.05, share, 'between 0 and 1'),
  };
  if (!['simulated', 'manual', undefined].includes(env.CASEWORKER)) {
    problems.push(`CASEWORKER must be simulated or manual, got ${env.CASEWORKER}`);
  }
  const authIssuer = env.AUTH_ISSUER ?? 'http://127.0.0.1:3100';
  const authJwks = env.AUTH_JWKS_FILE
    ? { file: env.AUTH_JWKS_FILE }
    : { url: env.AUTH_JWKS_URL ?? `${authIssuer}/jwks` };
  const { token: metricsToken, problem: metricsTokenProblem } = scrapeTokenFrom(env.METRICS_TOKEN);
  if (metricsTokenProblem) problems.push(metricsTokenProblem);
  const config: AdapterConfig = {
    port,
    host,
    databaseUrl,
    databasePoolSize: number(
      'DATABASE_POOL_SIZE',
      20,
      (n) => Number.isInteger(n) && n >= 2 && n <= 200,
      'an integer 2..200',
    ),
    schema,
    registerSeed: number('REGISTER_SEED', 20_251_123, Number.isInteger, 'an integer'),
    registerSize: number(
      'REGISTER_SIZE',
      10_000,
      (n) => Number.isInteger(n) && n >= 100 && n <= 1_000_000,
      'an integer 100..1000000',
    ),
    faults,
    caseworker,
    authIssuer,
    authAudience: env.AUTH_AUDIENCE ?? 'samtjanst-hub',
    authJwks,
    trustedRequesters: (env.TRUSTED_REQUESTERS ?? 'hub')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ui: { clientId: env.UI_CLIENT_ID ?? 'samtjanst-inbox', issuer: env.UI_ISSUER ?? authIssuer },
    webDir: env.WEB_DIR,
    ...(metricsToken && { metricsToken }),
  };
  if (!URL.parse(config.ui.issuer)) problems.push(`UI_ISSUER must be a URL, got ${config.ui.issuer}`);
  if (problems.length) throw new ConfigError(problems);
  return config;
}
