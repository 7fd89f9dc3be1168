import pg from 'pg';
import { connectionOptions, NoDatabaseHostError, parseDatabaseUrl, PrimaryFinder } from './database-hosts.js';

describe('parseDatabaseUrl (libpq multi-host connection strings)', () => {
  it('lists every host with its port, and gives pg the first one without target_session_attrs', () => {
    const parsed = parseDatabaseUrl(
      'postgres://hub:s3cret@db-1:5451,db-2,[::1]:5453/hub?target_session_attrs=read-write&application_name=hub',
    );
    expect(parsed.hosts).toEqual([
      { host: 'db-1', port: 5451 },
      { host: 'db-2', port: 5432 },
      { host: '::1', port: 5453 },
    ]);
    expect(parsed.url).toBe('postgres://hub:s3cret@db-1:5451/hub?application_name=hub');
    expect(parsed.readWrite).toBe(true);
  });

  it('takes primary as read-write, and any (the default) as any host', () => {
    expect(parseDatabaseUrl('postgresql://a:1,b:2/x?target_session_attrs=primary').readWrite).toBe(true);
    expect(parseDatabaseUrl('postgresql://a:1,b:2/x').readWrite).toBe(false);
    expect(parseDatabaseUrl('postgresql://a:1,b:2/x?target_session_attrs=any').readWrite).toBe(false);
  });

  it('refuses what it cannot honour rather than connecting somewhere else', () => {
    expect(() => parseDatabaseUrl('mysql://a/x')).toThrow(/postgres:\/\//);
    expect(() => parseDatabaseUrl('postgres://a:1,b:99999/x')).toThrow(/b:99999/);
    expect(() => parseDatabaseUrl('postgres://a:1,b:2/x?target_session_attrs=standby')).toThrow(
      /target_session_attrs must be any, read-write or primary/,
    );
  });
});

describe('connectionOptions', () => {
  it('hands a plain one-host URL to pg unchanged', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/hub';
    expect(connectionOptions(url)).toEqual({ connectionString: url });
  });

  it('gives several hosts a Client class that pg.Pool accepts', () => {
    const options = connectionOptions('postgres://postgres@127.0.0.1:5451,127.0.0.1:5452/hub');
    expect(options.connectionString).toBe('postgres://postgres@127.0.0.1:5451/hub');
    expect(options.Client).toBeDefined();
    expect(new options.Client!({ connectionString: options.connectionString })).toBeInstanceOf(pg.Client);
  });
});

describe('PrimaryFinder', () => {
  // ports nothing listens on (connections are refused at once)
  const deadHosts = 'postgres://postgres@127.0.0.1:1,127.0.0.1:2/hub?target_session_attrs=read-write';

  it('fails naming every host when none answers, as a connection failure (SQLSTATE 08001)', async () => {
    const finder = new PrimaryFinder(parseDatabaseUrl(deadHosts), 500);
    const failure = await finder.host().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(NoDatabaseHostError);
    expect((failure as NoDatabaseHostError).code).toBe('08001');
    expect((failure as Error).message).toMatch(
      /^no read-write PostgreSQL host answered \(127\.0\.0\.1:1: .+; 127\.0\.0\.1:2: .+\)$/,
    );
  });

  it('hands the failure to a pool, which a caller sees as the database away', async () => {
    const { connectionString, Client } = connectionOptions(deadHosts);
    const pool = new pg.Pool({ connectionString, Client, max: 1 });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: '08001' });
    } finally {
      await pool.end();
    }
  });
});
