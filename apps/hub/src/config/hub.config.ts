import { ConfigError } from '@hub/messaging';

export interface HubConfig {
  port: number;
  databaseUrl: string;
  /** OIDC issuer whose access tokens the API accepts */
  authIssuer: string;
  authAudience: string;
  /** where the issuer's signing keys are: a JWKS URL, or a file for development and tests */
  authJwks: { url: string } | { file: string };
  /** the secret behind the keyed hash of personnummer in the audit log */
  auditSubjectKey: string;
  production: boolean;
}

export const HUB_CONFIG = Symbol('HUB_CONFIG');

/** Reads the hub's settings from the environment; names every problem at once so start-up fails clearly. */
export function loadHubConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`PORT must be a TCP port, got ${env.PORT}`);
  const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// URL');
  const authIssuer = env.AUTH_ISSUER ?? 'http://127.0.0.1:3100';
  const authAudience = env.AUTH_AUDIENCE ?? 'samtjanst-hub';
  const authJwks = env.AUTH_JWKS_FILE
    ? { file: env.AUTH_JWKS_FILE }
    : { url: env.AUTH_JWKS_URL ?? `${authIssuer}/jwks` };
  const auditSubjectKey = env.AUDIT_SUBJECT_KEY ?? (production ? '' : 'development-only-subject-key-0123456789abcdef');
  if (auditSubjectKey.length < 32) problems.push('AUDIT_SUBJECT_KEY must be set to a secret of at least 32 characters');
  if (problems.length) throw new ConfigError(problems);
  return { port, databaseUrl, authIssuer, authAudience, authJwks, auditSubjectKey, production };
}
