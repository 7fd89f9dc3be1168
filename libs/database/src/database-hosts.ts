import pg from 'pg';

/**
 * libpq's multi-host connection strings for node-postgres, which takes one host only:
 * `postgres://user@db-1:5432,db-2:5432/hub?target_session_attrs=read-write` lists a primary and its standby; a
 * connection goes to the first host that answers (and, with `read-write` or `primary`, is not a standby), starting
 * with the one that answered last. So after a standby is promoted, the next connections of every pool find it by
 * themselves. A URL with one host and no `target_session_attrs` is handed to pg unchanged.
 */
export interface DatabaseHost {
  host: string;
  port: number;
}

export interface DatabaseHosts {
  hosts: DatabaseHost[];
  /** the URL with the first host only, without target_session_attrs: what pg can parse */
  url: string;
  /** only a primary will do (libpq's target_session_attrs=read-write or primary) */
  readWrite: boolean;
}

const URL_PARTS = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/;

export function parseDatabaseUrl(value: string): DatabaseHosts {
  const match = URL_PARTS.exec(value);
  if (!match) throw new Error('DATABASE_URL must be a postgres:// URL');
  const [, scheme, credentials = '', hostList, rest] = match;
  const hosts = hostList!.split(',').map((entry): DatabaseHost => {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const plain = /^([^:]*)(?::(\d+))?$/.exec(entry);
    const parts = bracketed ?? plain;
    if (!parts || (parts[2] !== undefined && !(Number(parts[2]) > 0 && Number(parts[2]) < 65536))) {
      throw new Error(`DATABASE_URL has a host that is not host[:port]: ${entry}`);
    }
    return { host: parts[1] || 'localhost', port: parts[2] ? Number(parts[2]) : 5432 };
  });
  // the query string without target_session_attrs, which pg does not know
  const [path, query = ''] = rest!.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs') ?? 'any';
  if (!['any', 'read-write', 'primary'].includes(attrs)) {
    throw new Error(`DATABASE_URL: target_session_attrs must be any, read-write or primary, got ${attrs}`);
  }
  params.delete('target_session_attrs');
  const first = hosts[0]!;
  const hostText = first.host.includes(':') ? `[${first.host}]` : first.host;
  const search = params.toString();
  return {
    hosts,
    url: `${scheme}${credentials}${hostText}:${first.port}${path}${search ? `?${search}` : ''}`,
    readWrite: attrs !== 'any',
  };
}

/** The error of a connection that found no host to use: SQLSTATE 08001, so callers see the database away (503). */
export class NoDatabaseHostError extends Error {
  readonly code = '08001';
}

const label = (h: DatabaseHost) => `${h.host}:${h.port}`;

/** Which of the hosts to connect to; shared by every pool and client of one URL in the process. */
export class PrimaryFinder {
  private current?: DatabaseHost;
  private probing?: Promise<DatabaseHost>;
  /** the host after the one that failed last: a dead host is tried last */
  private start = 0;

  constructor(
    readonly target: DatabaseHosts,
    private readonly probeTimeoutMs = 2_000,
  ) {}

  /** The host the last probe found, or the first that answers (and is a primary, if that is asked for). */
  host(): Promise<DatabaseHost> {
    if (this.current) return Promise.resolve(this.current);
    this.probing ??= this.probe().finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** A connection to it failed or found a standby: the next connection looks again. */
  forget(host: DatabaseHost): void {
    if (this.current !== host) return;
    this.current = undefined;
    this.start = (this.target.hosts.indexOf(host) + 1) % this.target.hosts.length;
  }

  private async probe(): Promise<DatabaseHost> {
    const { hosts, url, readWrite } = this.target;
    const failures: string[] = [];
    for (let i = 0; i < hosts.length; i++) {
      const host = hosts[(this.start + i) % hosts.length]!;
      const client = new pg.Client({
        connectionString: url,
        host: host.host,
        port: host.port,
        connectionTimeoutMillis: this.probeTimeoutMs,
      });
      client.on('error', () => undefined);
      try {
        aim(client, host);
        await client.connect();
        if (readWrite && (await isStandby(client))) {
          failures.push(`${label(host)}: a standby`);
          continue;
        }
        this.current = host;
        return host;
      } catch (err) {
        failures.push(`${label(host)}: ${(err as Error).message}`);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    throw new NoDatabaseHostError(
      `no ${readWrite ? 'read-write ' : ''}PostgreSQL host answered (${failures.join('; ')})`,
    );
  }
}

/** The connection string names the first host, and pg lets it win over `host`: the client itself is aimed. */
function aim(client: pg.Client, host: DatabaseHost): void {
  Object.assign(client, { host: host.host, port: host.port });
  const parameters = (client as unknown as { connectionParameters: DatabaseHost }).connectionParameters;
  parameters.host = host.host;
  parameters.port = host.port;
}

async function isStandby(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
  return rows[0]?.transaction_read_only === 'on';
}

const finders = new Map<string, PrimaryFinder>();

/** One finder per URL in the process, so that every pool learns at once where the primary went. */
export function primaryFinder(databaseUrl: string): PrimaryFinder {
  let finder = finders.get(databaseUrl);
  if (!finder) {
    finder = new PrimaryFinder(parseDatabaseUrl(databaseUrl));
    finders.set(databaseUrl, finder);
  }
  return finder;
}

type ConnectCallback = (err: Error | null, client?: pg.Client) => void;

/** A pg Client that connects to the host its finder names; a standby found on connecting is refused. */
export function failoverClientClass(finder: PrimaryFinder): typeof pg.Client {
  class FailoverClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      const connecting = this.connectToPrimary();
      if (!callback) return connecting;
      connecting.then(
        (client) => callback(null, client),
        (err: Error) => callback(err),
      );
    }

    private async connectToPrimary(): Promise<pg.Client> {
      const host = await finder.host();
      try {
        aim(this, host);
        await super.connect();
      } catch (err) {
        finder.forget(host);
        throw err;
      }
      // what the probe found may have changed since: a demoted primary is a standby now
      if (finder.target.readWrite && (await isStandby(this))) {
        finder.forget(host);
        await this.end().catch(() => undefined);
        throw new NoDatabaseHostError(`${label(host)} is a standby now`);
      }
      return this;
    }
  }
  return FailoverClient;
}

/**
 * pg settings for a DATABASE_URL: unchanged for one host; for a libpq multi-host URL or target_session_attrs, the
 * first host's URL and a Client class that finds the host to use (for pg.Pool, pg.Client or TypeORM's `extra`).
 */
export function connectionOptions(databaseUrl: string): { connectionString: string; Client?: typeof pg.Client } {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.hosts.length === 1 && !target.readWrite) return { connectionString: databaseUrl };
  return { connectionString: target.url, Client: failoverClientClass(primaryFinder(databaseUrl)) };
}

/** A single client (a LISTEN connection, say) for a DATABASE_URL of one host or several. */
export function databaseClient(databaseUrl: string, config: pg.ClientConfig = {}): pg.Client {
  const { connectionString, Client = pg.Client } = connectionOptions(databaseUrl);
  return new Client({ ...config, connectionString });
}
