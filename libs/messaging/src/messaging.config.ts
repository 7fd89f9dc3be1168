import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@hub/common';
import { ORGANISATIONS, serviceParty } from '@hub/contracts';
import { brokerUrls } from './amqp-connection.js';

/** The services of a deployment: broker user -> the organisations it may speak for. */
export const DEFAULT_SERVICES: Record<string, string[]> = {
  hub: [ORGANISATIONS.orebro],
  'adapter-fk': [ORGANISATIONS.fk],
  'adapter-af': [ORGANISATIONS.af],
  'adapter-skv': [ORGANISATIONS.skv],
};

export interface MessagingConfig {
  amqpUrl: string;
  service: string;
  password: string;
  organisation: string;
  keysDir: string;
  generateDevKeys: boolean;
  /** service -> the URL of its JWKS, fetched beside the files in `<keysDir>/public` */
  jwksUrls: Record<string, string>;
  /** how soon a key added to or retired from a JWKS (file or URL) is taken up */
  keysRefreshMs: number;
  /** accept `kid` = the sender's service name, as signatures were made before key ids were thumbprints */
  legacyKeyIds: boolean;
  signRequests: boolean;
  maxBodyBytes: number;
  trustedSenders: Map<string, Set<string>>;
}

/** Where a checkout kept its broker passwords before they were kept per machine (git-ignored). */
export const CHECKOUT_SECRETS_FILE = 'var/secrets/broker-users.json';

/**
 * Where `npm run setup` keeps the broker passwords of a development machine: one file for every checkout, because
 * RabbitMQ's users are global to the broker, so a checkout with passwords of its own would lock out all the others.
 */
export function devSecretsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BROKER_SECRETS_FILE) return env.BROKER_SECRETS_FILE;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'samtjanst-hub', 'broker-users.json');
}

/** The development password of a service: the machine's, else what an older checkout kept in var/. */
export function devBrokerPassword(service: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const file of [devSecretsFile(env), CHECKOUT_SECRETS_FILE]) {
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)[service];
  }
  return undefined;
}

/**
 * Reads the messaging settings of one service from the environment and fails at start-up, naming every problem,
 * rather than at the first message.
 */
export function loadMessagingConfig(service: string, env: NodeJS.ProcessEnv = process.env): MessagingConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const amqpUrl = env.AMQP_URL ?? 'amqp://127.0.0.1:5672';
  const nodes = brokerUrls(amqpUrl);
  if (!nodes.length || nodes.some((node) => !/^amqps?:\/\/[^/,]+/.test(node))) {
    problems.push(`AMQP_URL must be amqp://host:port (or several, comma-separated), got ${amqpUrl}`);
  }
  const password = env.AMQP_PASSWORD ?? devBrokerPassword(service, env);
  if (!password)
    problems.push(`AMQP_PASSWORD is not set for ${service}, and no ${devSecretsFile(env)} (run npm run setup)`);
  const services = parseServices(env.TRUSTED_SENDERS, problems);
  const organisation = env.ORGANISATION ?? services[service]?.[0] ?? ownOrganisation(service);
  if (!organisation || !/^[0-9]{10}$/.test(organisation)) {
    problems.push(`ORGANISATION must be a 10-digit organisationsnummer for ${service}, got ${String(organisation)}`);
  }
  const maxBodyBytes = Number(env.MAX_MESSAGE_BYTES ?? 256 * 1024);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024)
    problems.push('MAX_MESSAGE_BYTES must be an integer >= 1024');
  const jwksUrls = parseJwksUrls(env.JWKS_URLS, problems);
  const keysRefreshMs = Number(env.KEYS_REFRESH_MS ?? 10_000);
  if (!Number.isInteger(keysRefreshMs) || keysRefreshMs < 100)
    problems.push('KEYS_REFRESH_MS must be an integer >= 100');
  if (problems.length) throw new ConfigError(problems);
  return {
    amqpUrl,
    service,
    password: password!,
    organisation: organisation!,
    keysDir: env.KEYS_DIR ?? join('var', 'keys'),
    generateDevKeys: !production,
    jwksUrls,
    keysRefreshMs,
    legacyKeyIds: env.LEGACY_KEY_IDS !== 'false',
    signRequests: env.SIGN_REQUESTS === 'true',
    maxBodyBytes,
    trustedSenders: new Map(Object.entries(services).map(([user, orgs]) => [user, new Set(orgs)])),
  };
}

/** A department's own system speaks for the municipality its broker user names, and for no other. */
function ownOrganisation(service: string): string | undefined {
  const party = serviceParty(service);
  return party?.role === 'department' ? party.organisation : undefined;
}

/** `TRUSTED_SENDERS=hub=2120001967|1234567890,adapter-fk=2021005521` */
function parseServices(value: string | undefined, problems: string[]): Record<string, string[]> {
  if (!value) return DEFAULT_SERVICES;
  const services: Record<string, string[]> = {};
  for (const entry of value.split(',')) {
    const [user, orgs] = entry.split('=');
    const organisations = (orgs ?? '').split('|').filter(Boolean);
    if (!user || !organisations.length || organisations.some((o) => !/^[0-9]{10}$/.test(o))) {
      problems.push(`TRUSTED_SENDERS entry "${entry}" must be user=orgnr[|orgnr]`);
    } else if (!serviceParty(user.trim())) {
      // the sender rules know no one else: anyone else's every message would be parked
      problems.push(
        `TRUSTED_SENDERS user "${user.trim()}" must be hub, adapter-<agency code> or department-<orgnr>-<department>`,
      );
    } else services[user.trim()] = organisations;
  }
  return services;
}

/** `JWKS_URLS=adapter-fk=https://fk.example/.well-known/jwks.json,hub=https://hub.example/.well-known/jwks.json` */
function parseJwksUrls(value: string | undefined, problems: string[]): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const entry of (value ?? '').split(',').filter((e) => e.trim())) {
    const at = entry.indexOf('=');
    const service = entry.slice(0, at).trim();
    const url = entry.slice(at + 1).trim();
    if (at < 1 || !serviceParty(service) || !/^https?:\/\/[^/]+/.test(url)) {
      problems.push(`JWKS_URLS entry "${entry}" must be <hub or adapter-<agency>>=http(s)://…`);
    } else urls[service] = url;
  }
  return urls;
}
