/**
 * The chaos suite's own PostgreSQL and RabbitMQ, on their own ports and data directories, so that it can kill and
 * restart them without touching the machine's shared services (5432, 5672) that other work runs on.
 *
 * Everything is found again from fixed places (CHAOS_DIR, the ports), not from memory: jest's global set-up, the
 * test files and the global tear-down run in different module registries.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CHAOS_DIR = process.env.CHAOS_DIR ?? '/tmp/hub-chaos';
export const PG_PORT = 5440;
export const AMQP_PORT = 5680;
export const DIST_PORT = 25680;
export const BROKER_NODE = 'chaos@localhost';
export const CHAOS_DB = 'hub_chaos';
export const CHAOS_DATABASE_URL = `postgres://postgres@127.0.0.1:${PG_PORT}/${CHAOS_DB}`;
export const CHAOS_AMQP_URL = `amqp://127.0.0.1:${AMQP_PORT}/${CHAOS_DB}`;

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const pgDir = join(CHAOS_DIR, 'pg');
const pgData = join(pgDir, 'data');
const brokerDir = join(CHAOS_DIR, 'rabbitmq');
const brokerPidFile = join(brokerDir, 'node.pid');

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`chaos services: timed out waiting for ${what}`);
    await sleep(100);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function asUser(user: string, command: string, args: string[], env: Record<string, string> = {}) {
  return run(
    'runuser',
    ['-u', user, '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), command, ...args],
    {
      cwd: CHAOS_DIR,
      timeout: 120_000,
    },
  );
}

// ---------------------------------------------------------------- PostgreSQL

function postmasterPid(): number | undefined {
  const file = join(pgData, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

export const privatePostgres = {
  port: PG_PORT,

  async start(): Promise<void> {
    if (await listening(PG_PORT)) {
      if (postmasterPid()) return;
      throw new Error(`port ${PG_PORT} is taken by something that is not the chaos suite's PostgreSQL`);
    }
    if (!existsSync(join(pgData, 'PG_VERSION'))) {
      mkdirSync(pgDir, { recursive: true });
      execFileSync('chown', ['postgres', pgDir]);
      await asUser('postgres', join(PG_BIN, 'initdb'), ['-D', pgData, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    }
    // durability is not what this instance is for: fsync off keeps restarts quick on a shared machine
    const options = `-p ${PG_PORT} -k ${pgDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
    await asUser('postgres', join(PG_BIN, 'pg_ctl'), [
      '-D',
      pgData,
      '-o',
      options,
      '-l',
      join(pgDir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
    await until('PostgreSQL to accept connections', 30_000, () => listening(PG_PORT));
  },

  /** `immediate` is a crash as far as clients and recovery are concerned: no goodbye, WAL replay at the next start. */
  async stop(mode: 'fast' | 'immediate' = 'immediate'): Promise<void> {
    if (!postmasterPid()) return;
    await asUser('postgres', join(PG_BIN, 'pg_ctl'), ['-D', pgData, '-m', mode, '-w', '-t', '60', 'stop']);
    await until('PostgreSQL to stop listening', 30_000, async () => !(await listening(PG_PORT)));
  },

  async createDatabase(name: string): Promise<void> {
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${PG_PORT}/postgres` });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
  },
};

// ---------------------------------------------------------------- RabbitMQ

function brokerPid(): number | undefined {
  if (!existsSync(brokerPidFile)) return undefined;
  const pid = Number(readFileSync(brokerPidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

function brokerEnv(): Record<string, string> {
  return {
    // the Erlang cookie is the shared node's, so rabbitmqctl (which runs as rabbitmq) reaches both
    HOME: '/var/lib/rabbitmq',
    RABBITMQ_NODENAME: BROKER_NODE,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(AMQP_PORT),
    RABBITMQ_DIST_PORT: String(DIST_PORT),
    RABBITMQ_MNESIA_BASE: join(brokerDir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(brokerDir, 'log'),
    RABBITMQ_PID_FILE: brokerPidFile,
    RABBITMQ_ENABLED_PLUGINS_FILE: join(brokerDir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(brokerDir, 'rabbitmq.conf'),
    RABBITMQ_CONF_ENV_FILE: join(brokerDir, 'rabbitmq-env.conf'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
}

export function rabbitmqctl(...args: string[]) {
  return run('rabbitmqctl', ['-n', BROKER_NODE, ...args], { timeout: 120_000 });
}

export const privateBroker = {
  port: AMQP_PORT,
  node: BROKER_NODE,

  async start(): Promise<void> {
    if (await listening(AMQP_PORT)) {
      if (brokerPid()) return;
      throw new Error(`port ${AMQP_PORT} is taken by something that is not the chaos suite's RabbitMQ node`);
    }
    if (!existsSync(join(brokerDir, 'rabbitmq.conf'))) {
      mkdirSync(brokerDir, { recursive: true });
      writeFileSync(join(brokerDir, 'enabled_plugins'), '[].\n');
      writeFileSync(join(brokerDir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${AMQP_PORT}\n`);
      writeFileSync(join(brokerDir, 'rabbitmq-env.conf'), '');
      execFileSync('chown', ['-R', 'rabbitmq', brokerDir]);
    }
    await asUser('rabbitmq', '/usr/lib/rabbitmq/bin/rabbitmq-server', ['-detached'], brokerEnv());
    // -detached returns before the node has registered with epmd, and await_startup gives up on an unknown node
    await until('RabbitMQ to boot', 120_000, () =>
      rabbitmqctl('await_startup', '--timeout', '120').then(
        () => true,
        () => false,
      ),
    );
    await until('RabbitMQ to accept connections', 30_000, () => listening(AMQP_PORT));
  },

  /** A real crash: SIGKILL to the Erlang VM, nothing flushed, no connection closed politely. */
  async kill(): Promise<void> {
    const pid = brokerPid();
    if (pid) process.kill(pid, 'SIGKILL');
    await until('RabbitMQ to die', 30_000, async () => !(pid && alive(pid)) && !(await listening(AMQP_PORT)));
  },

  async stop(): Promise<void> {
    if (!brokerPid()) return;
    await rabbitmqctl('stop', brokerPidFile).catch(() => this.kill());
    await until('RabbitMQ to stop', 60_000, async () => !brokerPid() && !(await listening(AMQP_PORT)));
  },
};

// ---------------------------------------------------------------- the pair

/** Leaves of an earlier run that crashed: its processes are stopped and its data thrown away. */
async function removeLeftovers(): Promise<void> {
  if (postmasterPid()) await privatePostgres.stop('immediate');
  if (brokerPid()) await privateBroker.kill();
  rmSync(CHAOS_DIR, { recursive: true, force: true });
}

/** Fresh instances for one run, with the hub's database, vhost, broker users and exchanges. */
export async function startPrivateServices(): Promise<void> {
  await removeLeftovers();
  mkdirSync(CHAOS_DIR, { recursive: true, mode: 0o755 });
  try {
    await Promise.all([privatePostgres.start(), privateBroker.start()]);
    await privatePostgres.createDatabase(CHAOS_DB);
    await run('node', ['dist/scripts/setup.js'], {
      env: {
        ...process.env,
        RABBITMQ_NODE: BROKER_NODE,
        SETUP_VHOSTS: CHAOS_DB,
        SETUP_DATABASES: CHAOS_DATABASE_URL,
      },
      timeout: 120_000,
    });
  } catch (err) {
    await stopPrivateServices();
    throw err;
  }
}

/** CHAOS_KEEP=true leaves both running, with their data, to look into after a failure; the next run clears them. */
export async function stopPrivateServices(): Promise<void> {
  if (process.env.CHAOS_KEEP === 'true') return;
  await Promise.allSettled([privatePostgres.stop('fast'), privateBroker.stop()]);
  await removeLeftovers();
}

/**
 * jest's global set-up (this file, so that it needs no import jest could not resolve there); the tear-down finds
 * the stop function on globalThis, which jest shares between the two.
 */
export default async function globalSetup(): Promise<void> {
  await startPrivateServices();
  (globalThis as { stopChaosServices?: () => Promise<void> }).stopChaosServices = stopPrivateServices;
}
