/**
 * Development and CI broker set-up: one RabbitMQ user per service with least-privilege permissions, the hub's
 * exchanges, and a signing key pair per service: the hub, the adapters, and the own case systems of the demo data's
 * departments (scripts/demo-departments.ts), which receive their errands and report their status. Keys are generated once into var/ (git-ignored); passwords once per
 * machine (devSecretsFile) and kept: broker users are global, so a checkout's own would lock out every other one.
 * rabbitmqctl talks to the local node directly; guest loses every permission in the vhosts prepared here.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { EXCHANGES } from '@hub/contracts';
import {
  brokerDefinitions,
  CHECKOUT_SECRETS_FILE,
  devSecretsFile,
  KeyDirectory,
  type ServiceAccount,
} from '@hub/messaging';
import { serviceUsers } from './adapters.js';
import { demoDepartmentUsers } from './demo-departments.js';

/** The vhosts to prepare: `/` for the hub, plus e.g. `hub_test` so that tests never meet a running demo's services. */
const VHOSTS = (process.env.SETUP_VHOSTS ?? '/').split(',').filter(Boolean);

/** Another node than the local default, e.g. the chaos suite's private `chaos@localhost`. */
const NODE = process.env.RABBITMQ_NODE;

/**
 * Delete the vhosts first, with every queue and message in them: the test run's own vhost, so that what earlier runs
 * left unconsumed (an errand for a department of a test, a parked forgery) does not pile up on the broker run after run.
 */
const RESET = process.env.SETUP_RESET_VHOSTS === 'true';

export function setupBroker(root = process.cwd(), vhosts = VHOSTS, node = NODE, reset = RESET): Record<string, string> {
  // the machine's passwords; on a machine that has none yet, those an older checkout kept, so that it keeps working
  const secretsFile = devSecretsFile();
  const known = [secretsFile, resolve(root, CHECKOUT_SECRETS_FILE)].find((file) => existsSync(file));
  const passwords: Record<string, string> = known ? JSON.parse(readFileSync(known, 'utf8')) : {};
  const keys = new KeyDirectory(resolve(root, 'var/keys'));
  const account = (user: string, party: Omit<ServiceAccount, 'user' | 'password'>): ServiceAccount => {
    passwords[user] ??= randomBytes(18).toString('base64url');
    keys.ensure(user);
    return { user, password: passwords[user], ...party };
  };
  const accounts: ServiceAccount[] = [
    ...serviceUsers(root).map((user) => {
      const agency = user.startsWith('adapter-') ? user.slice('adapter-'.length) : undefined;
      return account(user, agency ? { role: 'agency', agency } : { role: 'hub' });
    }),
    // permissions derived from the sender rules for the department's own routing keys, as for an adapter
    ...demoDepartmentUsers().map(({ user, organisation, department }) =>
      account(user, { role: 'department', organisation, department }),
    ),
  ];
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
  const rabbitmqctl = (...args: string[]) =>
    execFileSync('rabbitmqctl', [...(node ? ['-n', node] : []), ...args], { stdio: 'pipe', encoding: 'utf8' });
  try {
    if (reset) for (const vhost of vhosts) deleteVhost(rabbitmqctl, vhost);
    for (const vhost of vhosts) replaceOutdatedExchanges(rabbitmqctl, vhost);
    chmodSync(handover, 0o755);
    writeFileSync(join(handover, 'definitions.json'), definitions, { mode: 0o644 });
    rabbitmqctl('import_definitions', join(handover, 'definitions.json'));
    for (const vhost of vhosts) denyGuest(rabbitmqctl, vhost);
  } finally {
    rmSync(handover, { recursive: true, force: true });
  }
  return passwords;
}

type Rabbitmqctl = (...args: string[]) => string;

/**
 * An exchange declared with another type by an older set-up (hub.dlx was direct, so topic permissions could not hold
 * a service to its own parking queues) is deleted, so that the import declares it anew. Its bindings go with it;
 * services bind their queues again when they start. The queues and what they hold stay.
 */
function replaceOutdatedExchanges(rabbitmqctl: Rabbitmqctl, vhost: string): void {
  let existing: Array<{ name: string; type: string }>;
  try {
    existing = JSON.parse(rabbitmqctl('list_exchanges', '-q', '-p', vhost, 'name', 'type', '--formatter', 'json'));
  } catch {
    return; // a new vhost: nothing declared yet
  }
  for (const { name, type } of existing) {
    if (!Object.values(EXCHANGES).includes(name as never) || name === EXCHANGES.default || type === 'topic') continue;
    const erlang = (s: string) => `<<"${s.replace(/["\\]/g, '')}">>`;
    rabbitmqctl(
      'eval',
      `rabbit_exchange:delete(rabbit_misc:r(${erlang(vhost)}, exchange, ${erlang(name)}), false, <<"setup">>).`,
    );
    console.log(`replaced exchange ${name} (${type}) in vhost ${vhost} with a topic exchange`);
  }
}

/** RabbitMQ's default guest user is an administrator with every permission on `/`: here it has none. */
function denyGuest(rabbitmqctl: Rabbitmqctl, vhost: string): void {
  try {
    rabbitmqctl('clear_permissions', '-p', vhost, 'guest');
    rabbitmqctl('clear_topic_permissions', '-p', vhost, 'guest');
  } catch {
    // no guest user on this broker, or no permissions to clear
  }
}

function deleteVhost(rabbitmqctl: Rabbitmqctl, vhost: string): void {
  if (vhost === '/') throw new Error('SETUP_RESET_VHOSTS deletes the test vhosts, never the default vhost /');
  try {
    rabbitmqctl('delete_vhost', vhost);
  } catch {
    // not there yet
  }
}
