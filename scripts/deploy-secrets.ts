/**
 * The secrets of a docker compose deployment (`npm run deploy:secrets`), written into deploy/secrets/ (git-ignored)
 * where docker-compose.yml mounts them: RabbitMQ's definitions with each service's password hash, each service's
 * env file, the Ed25519 signing keys, and the Keycloak realm with the hub's client secret. Idempotent: what exists
 * is kept, so running it again after an upgrade changes no password; delete a file to rotate it.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brokerDefinitions, KeyDirectory, rabbitPasswordHash, type ServiceAccount } from '@hub/messaging';
import { discoverAdapters, serviceUsers } from './adapters.js';

export const DEPLOY_SECRETS_DIR = 'deploy/secrets';
export const REALM_FILE = 'deploy/keycloak/realm-samtjanst.json';
const HUB_CLIENT_ID = 'samtjanst-hub-web';

/** The services that run our code (the hub and the adapters of this checkout); their broker user is the service name. */
export const APP_SERVICES = serviceUsers();
/** the organisation each adapter speaks for, as its folder declares it */
const ORGANISATION_OF: Record<string, string> = Object.fromEntries(
  discoverAdapters().map((a) => [a.service, a.organisation]),
);

type Secrets = Record<string, string>;

const secret = (bytes = 24) => randomBytes(bytes).toString('base64url');

/** Files the containers read are bind-mounted, so they must be readable by the container's user; the folder is not. */
function write(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, content, { mode: 0o644 });
  chmodSync(file, 0o644);
}

const envFile = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n') + '\n';

/**
 * RabbitMQ's definitions for vhost `/`: the services' users and least-privilege permissions from libs/messaging,
 * an administrator for the management UI (loading definitions at boot creates no default user), and policies.
 */
export function deploymentDefinitions(passwords: Secrets): Record<string, unknown> {
  const accounts: ServiceAccount[] = APP_SERVICES.map((user) => {
    const agency = user.startsWith('adapter-') ? user.slice('adapter-'.length) : undefined;
    return { user, password: passwords[user], role: agency ? 'agency' : 'hub', agency };
  });
  const definitions = brokerDefinitions(accounts, '/') as { users: unknown[]; permissions: unknown[] };
  return {
    ...definitions,
    users: [
      ...definitions.users,
      {
        name: 'admin',
        password_hash: rabbitPasswordHash(passwords.admin),
        hashing_algorithm: 'rabbit_password_hashing_sha256',
        tags: ['administrator'],
      },
    ],
    permissions: [...definitions.permissions, { user: 'admin', vhost: '/', configure: '.*', write: '.*', read: '.*' }],
    policies: [
      {
        // quorum queue leaders spread over the cluster's nodes rather than all on the node the service reached
        vhost: '/',
        name: 'quorum-leaders-balanced',
        pattern: '^q\\.',
        'apply-to': 'quorum_queues',
        priority: 0,
        definition: { 'queue-leader-locator': 'balanced' },
      },
    ],
  };
}

/** Writes what is missing under `root/deploy/secrets` and returns the secrets (existing ones unchanged). */
export function writeDeploySecrets(root = process.cwd()): Secrets {
  const dir = resolve(root, DEPLOY_SECRETS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const secretsFile = join(dir, 'secrets.json');
  const secrets: Secrets = existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, 'utf8')) : {};
  for (const service of APP_SERVICES) secrets[service] ??= secret(18);
  secrets.admin ??= secret(18);
  secrets.postgres ??= secret(18);
  secrets.auditSubjectKey ??= secret(32);
  secrets.oidcClientSecret ??= secret(32);
  secrets.metricsToken ??= secret(24);
  secrets.keycloakAdmin ??= secret(18);
  writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });

  // A new hash each run is the same password: RabbitMQ salts every hash.
  write(join(dir, 'rabbitmq/definitions.json'), JSON.stringify(deploymentDefinitions(secrets), null, 2));

  const keys = new KeyDirectory(join(dir, 'keys'));
  for (const service of APP_SERVICES) {
    keys.signerFor(service, true);
    chmodSync(join(dir, 'keys/private', `${service}.jwk.json`), 0o644);
    chmodSync(join(dir, 'keys/public', `${service}.jwks.json`), 0o644);
  }
  // mounted as a folder, so its own mode counts inside the container, whatever the umask was
  chmodSync(join(dir, 'keys/public'), 0o755);

  const databaseUrl = `postgres://samtjanst:${secrets.postgres}@postgres:5432/hub`;
  for (const service of APP_SERVICES) {
    write(
      join(dir, `${service}.env`),
      envFile({
        AMQP_PASSWORD: secrets[service],
        DATABASE_URL: databaseUrl,
        ...(service === 'hub' && {
          AUDIT_SUBJECT_KEY: secrets.auditSubjectKey,
          OIDC_CLIENT_SECRET: secrets.oidcClientSecret,
        }),
        METRICS_TOKEN: secrets.metricsToken,
        ...(ORGANISATION_OF[service] && { ORGANISATION: ORGANISATION_OF[service] }),
      }),
    );
  }
  write(join(dir, 'postgres.env'), envFile({ POSTGRES_PASSWORD: secrets.postgres }));
  write(join(dir, 'keycloak.env'), envFile({ KC_BOOTSTRAP_ADMIN_PASSWORD: secrets.keycloakAdmin }));

  // The committed realm carries the development client secret; the deployment's own replaces it.
  const realm = JSON.parse(readFileSync(resolve(root, REALM_FILE), 'utf8')) as {
    clients: Array<{ clientId: string; secret?: string }>;
  };
  const hubClient = realm.clients.find((c) => c.clientId === HUB_CLIENT_ID);
  if (!hubClient) throw new Error(`${REALM_FILE} has no client ${HUB_CLIENT_ID}`);
  hubClient.secret = secrets.oidcClientSecret;
  write(join(dir, 'keycloak/realm-samtjanst.json'), JSON.stringify(realm, null, 2));
  return secrets;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeDeploySecrets();
  console.log(
    `deployment secrets ready in ${DEPLOY_SECRETS_DIR}/ (never commit them; the management UI's user is admin, ` +
      `its password is in secrets.json); now: docker compose up -d --build`,
  );
}
