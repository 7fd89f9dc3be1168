/**
 * The scale-out suite's own engines, on this one machine: a three-node RabbitMQ cluster and a PostgreSQL primary
 * with a streaming standby, each under its own name, ports and data directory below CLUSTER_DIR, so that the suite
 * can stop, kill, partition and promote them without touching the machine's shared services (5432, 5672) or the
 * chaos suite's (5440, 5680).
 *
 * Settings (docs/scaling.md repeats them for three machines):
 * - RabbitMQ nodes `cluster1@localhost` … `cluster3@localhost`, AMQP 5691–5693, Erlang distribution 25691–25693,
 *   `cluster_partition_handling = pause_minority`, the machine's Erlang cookie (HOME=/var/lib/rabbitmq) shared by the
 *   three and by rabbitmqctl; nodes 2 and 3 `join_cluster` node 1; then the project's own set-up (scripts/setup.ts:
 *   users, permissions, exchanges) for vhost `hub_cluster`. The services declare their queues themselves: quorum
 *   queues for referrals and events (a member on each node), non-durable classic queues for queries.
 * - PostgreSQL 15: primary on 5451 (`wal_level=replica`, `synchronous_standby_names='*'`, `synchronous_commit=on`),
 *   standby on 5452 made by `pg_basebackup -R -X stream` from it (hot standby); services get
 *   `postgres://postgres@127.0.0.1:5451,127.0.0.1:5452/hub_cluster?target_session_attrs=read-write`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listening } from '../../chaos/support/private-services.js';

const run = promisify(execFile);

export const CLUSTER_DIR = process.env.CLUSTER_DIR ?? '/tmp/hub-cluster';
export const CLUSTER_VHOST = 'hub_cluster';
export const CLUSTER_DB = 'hub_cluster';
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`cluster services: timed out waiting for ${what}`);
    await sleep(200);
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

function pidIn(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

function asUser(user: string, command: string, args: string[], env: Record<string, string> = {}) {
  return run(
    'runuser',
    ['-u', user, '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), command, ...args],
    { cwd: CLUSTER_DIR, timeout: 120_000 },
  );
}

// ---------------------------------------------------------------- RabbitMQ

export class RabbitNode {
  readonly name: string;
  readonly amqpPort: number;
  readonly distPort: number;
  private readonly dir: string;

  constructor(readonly index: number) {
    this.name = `cluster${index}@localhost`;
    this.amqpPort = 5690 + index;
    this.distPort = 25690 + index;
    this.dir = join(CLUSTER_DIR, `rabbitmq-${index}`);
  }

  get pid(): number | undefined {
    return pidIn(join(this.dir, 'node.pid'));
  }

  url(vhost = CLUSTER_VHOST): string {
    return `amqp://127.0.0.1:${this.amqpPort}/${vhost}`;
  }

  ctl(...args: string[]) {
    return run('rabbitmqctl', ['-n', this.name, ...args], { timeout: 120_000 });
  }

  private env(): Record<string, string> {
    return {
      // the machine's Erlang cookie: the same on the three nodes, and rabbitmqctl reaches them with it
      HOME: '/var/lib/rabbitmq',
      RABBITMQ_NODENAME: this.name,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.amqpPort),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_PID_FILE: join(this.dir, 'node.pid'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_CONF_ENV_FILE: join(this.dir, 'rabbitmq-env.conf'),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    };
  }

  /** Boots the node (a fresh one standalone; one that was clustered rejoins its cluster by itself). */
  async start(): Promise<void> {
    if (await listening(this.amqpPort)) {
      if (this.pid) return;
      throw new Error(`port ${this.amqpPort} is taken by something that is not ${this.name}`);
    }
    if (!existsSync(join(this.dir, 'rabbitmq.conf'))) {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(join(this.dir, 'enabled_plugins'), '[].\n');
      writeFileSync(
        join(this.dir, 'rabbitmq.conf'),
        [
          `listeners.tcp.local = 127.0.0.1:${this.amqpPort}`,
          // three nodes: the side of a partition with one node stops serving until it sees a majority again
          'cluster_partition_handling = pause_minority',
          '',
        ].join('\n'),
      );
      writeFileSync(join(this.dir, 'rabbitmq-env.conf'), '');
      execFileSync('chown', ['-R', 'rabbitmq', this.dir]);
    }
    await asUser('rabbitmq', '/usr/lib/rabbitmq/bin/rabbitmq-server', ['-detached'], this.env());
    await this.awaitRunning();
  }

  async awaitRunning(timeoutMs = 180_000): Promise<void> {
    // -detached returns before the node has registered with epmd, and await_startup gives up on an unknown node
    // each rabbitmqctl is an Erlang VM of its own: a pause between tries keeps three booting nodes' CLIs off the CPU
    await until(`${this.name} to boot`, timeoutMs, () =>
      this.ctl('await_startup', '--timeout', '60').then(
        () => true,
        () => sleep(1_000).then(() => false),
      ),
    );
    await until(`${this.name} to accept connections`, 60_000, () => listening(this.amqpPort));
  }

  /** A crash: SIGKILL to the Erlang VM. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid) process.kill(pid, 'SIGKILL');
    await until(`${this.name} to die`, 30_000, async () => !(pid && alive(pid)) && !(await listening(this.amqpPort)));
  }

  async stop(): Promise<void> {
    if (!this.pid) return;
    await this.ctl('stop').catch(() => this.kill());
    await until(`${this.name} to stop`, 60_000, async () => !this.pid && !(await listening(this.amqpPort)));
  }

  async join(seed: RabbitNode): Promise<void> {
    await this.ctl('stop_app');
    await this.ctl('reset');
    await this.ctl('join_cluster', seed.name);
    await this.ctl('start_app');
    await this.awaitRunning();
  }

  /**
   * Cuts the node off from the others at the Erlang distribution level, with the node's own tools: it is given
   * another cookie for talking to them and drops its connections, so neither side can reconnect; rabbitmqctl (which
   * uses the default cookie) still reaches all three. With pause_minority the lone node stops serving clients.
   */
  async partition(from: RabbitNode[]): Promise<void> {
    const peers = from.map((n) => `'${n.name}'`).join(',');
    await this.ctl(
      'eval',
      `[begin erlang:set_cookie(N, samtjanst_partitioned), erlang:disconnect_node(N) end || N <- [${peers}]], ok.`,
    );
  }

  /** Whether the rabbit application runs on the node (a node that paused itself as a minority does not). */
  async isRunning(): Promise<boolean> {
    const { stdout } = await this.ctl('eval', 'rabbit:is_running().');
    return stdout.trim() === 'true';
  }

  async heal(from: RabbitNode[]): Promise<void> {
    const peers = from.map((n) => `'${n.name}'`).join(',');
    await this.ctl(
      'eval',
      `[erlang:set_cookie(N, erlang:get_cookie()) || N <- [${peers}]], [net_adm:ping(N) || N <- [${peers}]], ok.`,
    );
  }
}

export const RABBIT_NODES = [new RabbitNode(1), new RabbitNode(2), new RabbitNode(3)];

/** The node list for AMQP_URL, starting at node `first` (0-based): each service instance starts at another node. */
export function amqpUrlFrom(first: number): string {
  return [0, 1, 2].map((i) => RABBIT_NODES[(first + i) % 3]!.url()).join(',');
}

/** The running nodes of the cluster, as the node that sees the most of them sees it (a paused node sees none). */
export async function runningNodes(): Promise<string[]> {
  const views = await Promise.all(
    RABBIT_NODES.map(async (node) => {
      try {
        const { stdout } = await node.ctl('cluster_status', '--formatter', 'json');
        return ((JSON.parse(stdout) as { running_nodes?: string[] }).running_nodes ?? []).sort();
      } catch {
        return [];
      }
    }),
  );
  return views.reduce((most, view) => (view.length > most.length ? view : most), []);
}

export interface QueueInfo {
  name: string;
  type: string;
  /** the node of a classic queue, the leader of a quorum queue */
  node: string;
  members: string[];
  messages: number;
  consumers: number;
}

const nodeOfPid = (pid: string) => /^<([^.]+@[^.]+)\./.exec(pid)?.[1];

/** The vhost's queues as one of the running nodes sees them. */
export async function queues(vhost = CLUSTER_VHOST): Promise<QueueInfo[]> {
  let lastError: unknown;
  for (const node of RABBIT_NODES) {
    try {
      const { stdout } = await node.ctl(
        'list_queues',
        '-p',
        vhost,
        '--formatter',
        'json',
        'name',
        'type',
        'pid',
        'leader',
        'members',
        'messages',
        'consumers',
      );
      const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
      // the JSON formatter writes a pid without its node: the plain one has it (<node.creation.id.serial>)
      const plain = await node.ctl('list_queues', '-p', vhost, '-q', '--no-table-headers', 'name', 'pid');
      const pidNode = new Map(
        plain.stdout
          .split('\n')
          .map((line) => line.trim().split(/\s+/))
          .map(([name, pid]) => [name, nodeOfPid(pid ?? '')] as const),
      );
      return rows.map((r) => ({
        name: String(r.name),
        type: String(r.type),
        node: r.leader && r.leader !== '' ? String(r.leader) : (pidNode.get(String(r.name)) ?? String(r.pid)),
        members: Array.isArray(r.members) ? r.members.map(String) : [],
        messages: Number(r.messages ?? 0),
        consumers: Number(r.consumers ?? 0),
      }));
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** Spreads the quorum queues' leaders over the nodes (RabbitMQ 3.10 puts a new one on the declaring client's node). */
export async function rebalanceLeaders(): Promise<void> {
  await run('rabbitmq-queues', ['-n', RABBIT_NODES[0]!.name, 'rebalance', 'quorum', '--vhost-pattern', CLUSTER_VHOST], {
    timeout: 120_000,
  });
}

// ---------------------------------------------------------------- PostgreSQL

export class PostgresNode {
  readonly port: number;
  readonly dir: string;
  readonly data: string;

  constructor(
    readonly index: number,
    readonly role: 'primary' | 'standby',
  ) {
    this.port = 5450 + index;
    this.dir = join(CLUSTER_DIR, `pg-${index}`);
    this.data = join(this.dir, 'data');
  }

  get pid(): number | undefined {
    return pidIn(join(this.data, 'postmaster.pid'));
  }

  /** a URL to this node alone */
  url(database = CLUSTER_DB): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private options(): string {
    // durability on disk is not what this pair is for (fsync off keeps it quick on a shared machine); durability
    // across the fail-over is: a commit waits until the standby has it (synchronous replication)
    return [
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
      '-c fsync=off -c full_page_writes=off -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on',
      '-c wal_keep_size=256MB -c synchronous_commit=on',
      // on the standby (the primary to be) none: a promoted standby has nobody to wait for
      ...(this.role === 'primary' ? ["-c synchronous_standby_names='*'"] : []),
    ].join(' ');
  }

  async init(primary?: PostgresNode): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    execFileSync('chown', ['postgres', this.dir]);
    if (!primary) {
      await asUser('postgres', join(PG_BIN, 'initdb'), ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    } else {
      // a copy of the primary that follows it: -R writes standby.signal and primary_conninfo
      await asUser('postgres', join(PG_BIN, 'pg_basebackup'), [
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-D',
        this.data,
        '-R',
        '-X',
        'stream',
        '--no-sync',
        '-c',
        'fast',
      ]);
    }
  }

  async start(): Promise<void> {
    if (await listening(this.port)) {
      if (this.pid) return;
      throw new Error(`port ${this.port} is taken by something that is not the cluster suite's PostgreSQL`);
    }
    await asUser('postgres', join(PG_BIN, 'pg_ctl'), [
      '-D',
      this.data,
      '-o',
      this.options(),
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
    await until(`PostgreSQL on ${this.port}`, 30_000, () => listening(this.port));
  }

  /** `immediate`: a crash to its clients, as a lost machine would be. */
  async stop(mode: 'fast' | 'immediate' = 'immediate'): Promise<void> {
    if (!this.pid) return;
    await asUser('postgres', join(PG_BIN, 'pg_ctl'), ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
    await until(`PostgreSQL on ${this.port} to stop`, 30_000, async () => !(await listening(this.port)));
  }

  /** What an operator (or Patroni) does when the primary is lost: the standby becomes the primary. */
  async promote(): Promise<void> {
    await asUser('postgres', join(PG_BIN, 'pg_ctl'), ['-D', this.data, '-w', '-t', '60', 'promote']);
  }

  async sql<T>(text: string, database = 'postgres'): Promise<T[]> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }
}

export const PG_PRIMARY = new PostgresNode(1, 'primary');
export const PG_STANDBY = new PostgresNode(2, 'standby');

/** libpq's multi-host URL, as the services get it. */
export const CLUSTER_DATABASE_URL = `postgres://postgres@127.0.0.1:${PG_PRIMARY.port},127.0.0.1:${PG_STANDBY.port}/${CLUSTER_DB}?target_session_attrs=read-write`;

// ---------------------------------------------------------------- all of it

async function removeLeftovers(): Promise<void> {
  for (const node of [PG_PRIMARY, PG_STANDBY]) if (node.pid) await node.stop('immediate').catch(() => undefined);
  for (const node of RABBIT_NODES) if (node.pid) await node.kill().catch(() => undefined);
  rmSync(CLUSTER_DIR, { recursive: true, force: true });
}

/** Fresh engines for one run, with the hub's database, vhost, broker users and exchanges. */
export async function startClusterServices(): Promise<void> {
  await removeLeftovers();
  for (const port of [...RABBIT_NODES.map((n) => n.amqpPort), PG_PRIMARY.port, PG_STANDBY.port]) {
    if (await listening(port)) throw new Error(`port ${port} is taken: the cluster suite needs it`);
  }
  mkdirSync(CLUSTER_DIR, { recursive: true, mode: 0o755 });
  try {
    const postgres = (async () => {
      await PG_PRIMARY.init();
      await PG_PRIMARY.start();
      await PG_STANDBY.init(PG_PRIMARY);
      await PG_STANDBY.start();
      await PG_PRIMARY.sql(`CREATE DATABASE "${CLUSTER_DB}"`);
    })();
    const rabbit = (async () => {
      await Promise.all(RABBIT_NODES.map((n) => n.start()));
      for (const node of RABBIT_NODES.slice(1)) await node.join(RABBIT_NODES[0]!);
    })();
    await Promise.all([postgres, rabbit]);
    await run('node', ['dist/scripts/setup.js'], {
      env: {
        ...process.env,
        RABBITMQ_NODE: RABBIT_NODES[0]!.name,
        SETUP_VHOSTS: CLUSTER_VHOST,
        SETUP_DATABASES: PG_PRIMARY.url(),
      },
      timeout: 120_000,
    });
  } catch (err) {
    await stopClusterServices();
    throw err;
  }
}

/** CLUSTER_KEEP=true leaves everything running, with its data, to look into after a failure. */
export async function stopClusterServices(): Promise<void> {
  if (process.env.CLUSTER_KEEP === 'true') return;
  await Promise.allSettled([PG_PRIMARY.stop('fast'), PG_STANDBY.stop('fast'), ...RABBIT_NODES.map((n) => n.stop())]);
  await removeLeftovers();
}
