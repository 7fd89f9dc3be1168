/**
 * Development and CI broker set-up: one RabbitMQ user per service with least-privilege permissions, the hub's
 * exchanges, and a signing key pair per service. Passwords and keys are generated once into var/ (git-ignored).
 * guest is used for nothing else; rabbitmqctl talks to the local node directly.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  brokerDefinitions,
  DEFAULT_SERVICES,
  DEV_SECRETS_FILE,
  KeyDirectory,
  type ServiceAccount,
} from '@hub/messaging';

/** The vhosts to prepare: `/` for the hub, plus e.g. `hub_test` so that tests never meet a running demo's services. */
const VHOSTS = (process.env.SETUP_VHOSTS ?? '/').split(',').filter(Boolean);

/** Another node than the local default, e.g. the chaos suite's private `chaos@localhost`. */
const NODE = process.env.RABBITMQ_NODE;

export function setupBroker(root = process.cwd(), vhosts = VHOSTS, node = NODE): Record<string, string> {
  const secretsFile = resolve(root, DEV_SECRETS_FILE);
  const passwords: Record<string, string> = existsSync(secretsFile)
    ? JSON.parse(readFileSync(secretsFile, 'utf8'))
    : {};
  const keys = new KeyDirectory(resolve(root, 'var/keys'));
  const accounts: ServiceAccount[] = Object.keys(DEFAULT_SERVICES).map((user) => {
    passwords[user] ??= randomBytes(18).toString('base64url');
    keys.signerFor(user, true);
    const agency = user.startsWith('adapter-') ? user.slice('adapter-'.length) : undefined;
    return { user, password: passwords[user], role: agency ? 'agency' : 'hub', agency };
  });
  mkdirSync(dirname(secretsFile), { recursive: true, mode: 0o700 });
  writeFileSync(secretsFile, JSON.stringify(passwords, null, 2), { mode: 0o600 });
  const perVhost = vhosts.map((vhost) => brokerDefinitions(accounts, vhost));
  const merged: Record<string, unknown[]> = {};
  for (const definition of perVhost) {
    for (const [key, value] of Object.entries(definition)) {
      // users are the same in every vhost; the rest is per vhost
      if (key === 'users' && merged.users) continue;
      merged[key] = [...(merged[key] ?? []), ...(value as unknown[])];
    }
  }
  const definitions = JSON.stringify(merged, null, 2);
  const definitionsFile = resolve(root, 'var/broker/definitions.json');
  mkdirSync(dirname(definitionsFile), { recursive: true });
  writeFileSync(definitionsFile, definitions, { mode: 0o600 });
  // rabbitmqctl runs as the rabbitmq user, which cannot read var/: hand it a short-lived copy (hashes only).
  const handover = mkdtempSync(join(tmpdir(), 'hub-broker-'));
  try {
    chmodSync(handover, 0o755);
    writeFileSync(join(handover, 'definitions.json'), definitions, { mode: 0o644 });
    execFileSync(
      'rabbitmqctl',
      [...(node ? ['-n', node] : []), 'import_definitions', join(handover, 'definitions.json')],
      {
        stdio: 'pipe',
      },
    );
  } finally {
    rmSync(handover, { recursive: true, force: true });
  }
  return passwords;
}
