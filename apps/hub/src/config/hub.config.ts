import { DEFAULT_WEB_DIR, scrapeTokenFrom } from '@hub/http';
import { ConfigError } from '@hub/common';
import { ORGANISATIONS, parseOrganisationsnummer } from '@hub/contracts';

export interface HubConfig {
  port: number;
  /** the address to listen on: loopback on a workstation, 0.0.0.0 in a container */
  host: string;
  databaseUrl: string;
  /** OIDC issuer whose access tokens the API accepts and where staff log in */
  authIssuer: string;
  authAudience: string;
  /** where the issuer's signing keys are: a JWKS URL, or a file for development and tests */
  authJwks: { url: string } | { file: string };
  /** the secret behind the keyed hash of personnummer in the audit log */
  auditSubjectKey: string;
  /** also find rows keyed before subject keys per year (AUDIT_LEGACY_SUBJECT_KEYS, default true; docs/gallring.md) */
  auditLegacySubjectKeys: boolean;
  production: boolean;
  /** where browsers reach the hub, without trailing slash */
  publicUrl: string;
  /** the hub as an OIDC client of the issuer (staff login in the browser) */
  oidc: {
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    postLogoutRedirectUri: string;
    scope: string;
  };
  /** how long a login lasts; the session cookie and the server-side session end together */
  sessionTtlSeconds: number;
  /** register and approve a demo agreement with each agency whose adapter announces itself (`npm start`) */
  demoAgreements: boolean;
  /** a static bearer token a Prometheus scraper may send to GET /metrics, besides an admin's access token */
  metricsToken?: string;
  /** the built web UI (apps/web) the hub serves to browsers */
  webDir: string;
  /** how often parked messages are moved from the broker's `.parked` queues into the parking lot */
  parkingLotPollMs: number;
  /** how often the head of the audit log is signed and sent to the agencies, when it has moved */
  auditCheckpointMs: number;
  /** organisationsnummer of the organisation that runs the hub: only its staff act with the role `operator` */
  operatorOrganisation: string;
  /**
   * The e-legitimation provider citizens sign consents with: an OIDC issuer (its discovery names the keys that verify
   * signatures) and its signing API (docs/e-legitimation.md), the hub a client of both with one id and secret.
   * Absent in production until EID_ISSUER is set: then consents cannot be signed at the desk (503 eid-unavailable)
   * and citizens cannot log in to "Mina uppgifter". `redirectUri` is where the provider sends the citizen back after
   * the login (EID_REDIRECT_URI, default `${PUBLIC_URL}/api/medborgare/callback`).
   */
  eid?: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    signingUrl: string;
    redirectUri: string;
    postLogoutRedirectUri: string;
  };
  /** how long a citizen's login to "Mina uppgifter" lasts (CITIZEN_SESSION_TTL, default 30 minutes) */
  citizenSessionTtlSeconds: number;
  /**
   * where the parties' monthly reports are mailed from (SMTP_URL, REPORT_FROM); absent: reports are generated and
   * archived, not mailed
   */
  reportMail?: { smtpUrl: string; from: string };
  /** how often the monthly report job looks for last month's reports still to make (REPORT_JOB_INTERVAL_MS) */
  reportJobIntervalMs: number;
  /**
   * how often the retention job looks whether today's run is done (RETENTION_JOB_INTERVAL_MS, default an hour; 0:
   * never by itself, only when an operator runs it)
   */
  retentionJobIntervalMs: number;
  /** the retention job may be run with its clock moved forward (`asOf`): tests and demos, refused in production */
  retentionClockOverride: boolean;
}

export const HUB_CONFIG = Symbol('HUB_CONFIG');

/** Matches the mock e-legitimation provider's default (apps/eid-provider). */
export const DEVELOPMENT_EID_CLIENT_SECRET = 'development-only-eid-client-secret';

/** Matches the development identity provider's default (apps/oidc-provider). */
export const DEVELOPMENT_OIDC_CLIENT_SECRET = 'development-only-hub-client-secret';

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "3600", "90s", "30m", "8h", "1d" → seconds; undefined when it is none of these. */
export function parseDurationSeconds(value: string): number | undefined {
  const match = /^\s*([0-9]+)\s*([smhd]?)\s*$/.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]) * DURATION_UNITS[match[2] || 's'];
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** An IPv4/IPv6 address or a host name: what `listen` accepts, nothing with a scheme, port or path. */
export function isListenAddress(value: string): boolean {
  return /^[0-9A-Za-z.:-]+$/.test(value) && !value.startsWith('-');
}

function httpUrl(value: string): URL | undefined {
  const url = URL.parse(value);
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : undefined;
}

/** Reads the hub's settings from the environment; names every problem at once so start-up fails clearly. */
export function loadHubConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`PORT must be a TCP port, got ${env.PORT}`);
  const host = env.HOST || '127.0.0.1';
  if (!isListenAddress(host)) problems.push(`HOST must be an IP address or host name to listen on, got ${host}`);
  const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// URL');
  const authIssuer = env.AUTH_ISSUER ?? 'http://127.0.0.1:3100';
  const issuerUrl = httpUrl(authIssuer);
  if (!issuerUrl) problems.push(`AUTH_ISSUER must be an http(s) URL, got ${authIssuer}`);
  else if (production && issuerUrl.protocol !== 'https:')
    problems.push('AUTH_ISSUER must be an https URL in production');
  const authAudience = env.AUTH_AUDIENCE ?? 'samtjanst-hub';
  const authJwks = env.AUTH_JWKS_FILE
    ? { file: env.AUTH_JWKS_FILE }
    : { url: env.AUTH_JWKS_URL ?? `${authIssuer}/jwks` };
  const auditSubjectKey = env.AUDIT_SUBJECT_KEY ?? (production ? '' : 'development-only-subject-key-0123456789abcdef');
  if (auditSubjectKey.length < 32) problems.push('AUDIT_SUBJECT_KEY must be set to a secret of at least 32 characters');
  const legacySetting = env.AUDIT_LEGACY_SUBJECT_KEYS ?? 'true';
  if (legacySetting !== 'true' && legacySetting !== 'false')
    problems.push(`AUDIT_LEGACY_SUBJECT_KEYS must be true or false, got ${legacySetting}`);
  const auditLegacySubjectKeys = legacySetting !== 'false';

  if (production && !env.PUBLIC_URL)
    problems.push('PUBLIC_URL must be set in production (https://…, where staff reach the hub)');
  const publicUrl = (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  const publicUrlParsed = httpUrl(publicUrl);
  if (!publicUrlParsed) problems.push(`PUBLIC_URL must be an http(s) URL, got ${env.PUBLIC_URL}`);
  // The session cookie is `secure` in production, so browsers would never send it over plain http.
  else if (production && publicUrlParsed.protocol !== 'https:') problems.push('PUBLIC_URL must be https in production');

  const clientId = env.OIDC_CLIENT_ID ?? 'samtjanst-hub-web';
  if (!clientId) problems.push('OIDC_CLIENT_ID must not be empty');
  const clientSecret = env.OIDC_CLIENT_SECRET ?? (production ? '' : DEVELOPMENT_OIDC_CLIENT_SECRET);
  if (!clientSecret) problems.push('OIDC_CLIENT_SECRET must be set to the hub client’s secret at the OIDC provider');
  const redirectUri = env.OIDC_REDIRECT_URI ?? `${publicUrl}/api/auth/callback`;
  if (!httpUrl(redirectUri)) problems.push(`OIDC_REDIRECT_URI must be an http(s) URL, got ${redirectUri}`);
  const postLogoutRedirectUri = env.OIDC_POST_LOGOUT_REDIRECT_URI ?? `${publicUrl}/`;
  if (!httpUrl(postLogoutRedirectUri)) {
    problems.push(`OIDC_POST_LOGOUT_REDIRECT_URI must be an http(s) URL, got ${postLogoutRedirectUri}`);
  }
  const scope = env.OIDC_SCOPE ?? 'openid profile samtjanst';
  if (!scope.split(' ').includes('openid')) problems.push(`OIDC_SCOPE must include openid, got "${scope}"`);

  const sessionTtlSeconds = parseDurationSeconds(env.SESSION_TTL ?? '8h');
  if (sessionTtlSeconds === undefined || sessionTtlSeconds < 60 || sessionTtlSeconds > 30 * 86_400) {
    problems.push(`SESSION_TTL must be a duration from 1m to 30d (e.g. 3600, 30m, 8h), got ${env.SESSION_TTL}`);
  }

  const citizenSessionTtlSeconds = parseDurationSeconds(env.CITIZEN_SESSION_TTL ?? '30m');
  if (citizenSessionTtlSeconds === undefined || citizenSessionTtlSeconds < 60 || citizenSessionTtlSeconds > 86_400) {
    problems.push(
      `CITIZEN_SESSION_TTL must be a duration from 1m to 24h (e.g. 900, 30m), got ${env.CITIZEN_SESSION_TTL}`,
    );
  }

  const demoAgreements = env.DEMO_AGREEMENTS === 'true';
  if (demoAgreements && production) problems.push('DEMO_AGREEMENTS is for demos and refused in production');

  const { token: metricsToken, problem: metricsTokenProblem } = scrapeTokenFrom(env.METRICS_TOKEN);
  if (metricsTokenProblem) problems.push(metricsTokenProblem);

  const parkingLotPollMs = Number(env.PARKING_LOT_POLL_MS ?? 1_000);
  if (!Number.isInteger(parkingLotPollMs) || parkingLotPollMs < 100 || parkingLotPollMs > 600_000) {
    problems.push(`PARKING_LOT_POLL_MS must be milliseconds from 100 to 600000, got ${env.PARKING_LOT_POLL_MS}`);
  }

  const auditCheckpointMs = Number(env.AUDIT_CHECKPOINT_MS ?? 60_000);
  if (!Number.isInteger(auditCheckpointMs) || auditCheckpointMs < 1_000 || auditCheckpointMs > 86_400_000) {
    problems.push(`AUDIT_CHECKPOINT_MS must be milliseconds from 1000 to 86400000, got ${env.AUDIT_CHECKPOINT_MS}`);
  }

  const operator = parseOrganisationsnummer(env.HUB_OPERATOR_ORGANISATION ?? ORGANISATIONS.digg);
  if (!operator.ok) problems.push(`HUB_OPERATOR_ORGANISATION must be an organisationsnummer: ${operator.reason}`);

  // in production only a provider named on purpose; on a workstation the mock of `npm start`
  const eidConfigured = !production || env.EID_ISSUER !== undefined;
  const eidIssuer = env.EID_ISSUER ?? 'http://127.0.0.1:3300';
  const eidSigningUrl = env.EID_SIGNING_URL ?? `${eidIssuer.replace(/\/+$/, '')}/signing/v1/`;
  const eidClientId = env.EID_CLIENT_ID ?? 'samtjanst-hub';
  const eidClientSecret = env.EID_CLIENT_SECRET ?? (production ? '' : DEVELOPMENT_EID_CLIENT_SECRET);
  const eidRedirectUri = env.EID_REDIRECT_URI ?? `${publicUrl}/api/medborgare/callback`;
  const eidPostLogoutRedirectUri = env.EID_POST_LOGOUT_REDIRECT_URI ?? `${publicUrl}/`;
  if (eidConfigured) {
    if (!httpUrl(eidRedirectUri)) problems.push(`EID_REDIRECT_URI must be an http(s) URL, got ${eidRedirectUri}`);
    if (!httpUrl(eidPostLogoutRedirectUri)) {
      problems.push(`EID_POST_LOGOUT_REDIRECT_URI must be an http(s) URL, got ${eidPostLogoutRedirectUri}`);
    }
    const issuer = httpUrl(eidIssuer);
    if (!issuer) problems.push(`EID_ISSUER must be an http(s) URL, got ${eidIssuer}`);
    else if (production && issuer.protocol !== 'https:') problems.push('EID_ISSUER must be https in production');
    const signing = httpUrl(eidSigningUrl);
    if (!signing || !eidSigningUrl.endsWith('/')) {
      problems.push(`EID_SIGNING_URL must be an http(s) URL ending in /, got ${eidSigningUrl}`);
    } else if (production && signing.protocol !== 'https:') {
      problems.push('EID_SIGNING_URL must be https in production');
    }
    if (!eidClientId) problems.push('EID_CLIENT_ID must not be empty');
    if (!eidClientSecret) {
      problems.push('EID_CLIENT_SECRET must be set to the hub’s secret at the e-legitimation provider');
    }
  } else if (
    env.EID_SIGNING_URL ||
    env.EID_CLIENT_ID ||
    env.EID_CLIENT_SECRET ||
    env.EID_REDIRECT_URI ||
    env.EID_POST_LOGOUT_REDIRECT_URI
  ) {
    problems.push('EID_ISSUER must be set with the other EID_ settings');
  }

  const { reportMail, problems: reportProblems } = reportMailFrom(env);
  problems.push(...reportProblems);
  const reportJobIntervalMs = Number(env.REPORT_JOB_INTERVAL_MS ?? 3_600_000);
  if (!Number.isInteger(reportJobIntervalMs) || reportJobIntervalMs < 1_000 || reportJobIntervalMs > 86_400_000) {
    problems.push(
      `REPORT_JOB_INTERVAL_MS must be milliseconds from 1000 to 86400000, got ${env.REPORT_JOB_INTERVAL_MS}`,
    );
  }

  const retentionJobIntervalMs = Number(env.RETENTION_JOB_INTERVAL_MS ?? 3_600_000);
  if (
    !Number.isInteger(retentionJobIntervalMs) ||
    (retentionJobIntervalMs !== 0 && (retentionJobIntervalMs < 1_000 || retentionJobIntervalMs > 86_400_000))
  ) {
    problems.push(
      `RETENTION_JOB_INTERVAL_MS must be 0 or milliseconds from 1000 to 86400000, got ${env.RETENTION_JOB_INTERVAL_MS}`,
    );
  }
  const retentionClockOverride = env.RETENTION_CLOCK_OVERRIDE === 'true';
  if (retentionClockOverride && production) {
    problems.push('RETENTION_CLOCK_OVERRIDE is for tests and demos and refused in production');
  }

  if (problems.length) throw new ConfigError(problems);
  return {
    port,
    host,
    databaseUrl,
    authIssuer,
    authAudience,
    authJwks,
    auditSubjectKey,
    auditLegacySubjectKeys,
    production,
    publicUrl,
    oidc: { clientId, clientSecret, redirectUri, postLogoutRedirectUri, scope },
    sessionTtlSeconds: sessionTtlSeconds as number,
    demoAgreements,
    ...(metricsToken && { metricsToken }),
    webDir: env.WEB_DIR ?? DEFAULT_WEB_DIR,
    parkingLotPollMs,
    auditCheckpointMs,
    operatorOrganisation: operator.ok ? operator.value : '',
    ...(eidConfigured && {
      eid: {
        issuer: eidIssuer,
        clientId: eidClientId,
        clientSecret: eidClientSecret,
        signingUrl: eidSigningUrl,
        redirectUri: eidRedirectUri,
        postLogoutRedirectUri: eidPostLogoutRedirectUri,
      },
    }),
    citizenSessionTtlSeconds: citizenSessionTtlSeconds as number,
    ...(reportMail && { reportMail }),
    reportJobIntervalMs,
    retentionJobIntervalMs,
    retentionClockOverride,
  };
}

/** `name@host`, or `Name <name@host>` as a From header has it. */
const MAIL_ADDRESS = /^(?:[^<>\r\n]+ <[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/;

/** SMTP_URL and REPORT_FROM come together, or neither: without them the reports are archived, not mailed. */
export function reportMailFrom(env: NodeJS.ProcessEnv): {
  reportMail?: { smtpUrl: string; from: string };
  problems: string[];
} {
  const smtpUrl = env.SMTP_URL || undefined;
  const from = env.REPORT_FROM || undefined;
  if (!smtpUrl && !from) return { problems: [] };
  const problems: string[] = [];
  const url = smtpUrl ? URL.parse(smtpUrl) : null;
  if (!smtpUrl) problems.push('SMTP_URL must be set when REPORT_FROM is (smtp://host:port or smtps://…)');
  else if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) {
    problems.push('SMTP_URL must be an smtp:// or smtps:// URL with a host, e.g. smtp://127.0.0.1:2525');
  }
  if (!from) problems.push('REPORT_FROM must be set when SMTP_URL is: the sender address of the monthly reports');
  else if (!MAIL_ADDRESS.test(from)) {
    problems.push(`REPORT_FROM must be an e-mail address or "Name <address>", got ${from}`);
  }
  return problems.length ? { problems } : { reportMail: { smtpUrl: smtpUrl!, from: from! }, problems };
}
