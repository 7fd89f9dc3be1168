import { ChangeFeed, databasePool, parseDatabaseUrl } from '@hub/database';
import { DATABASE_URL, waitFor } from '../support/env.js';

/** A port in this suite's range (3400–3449) where no PostgreSQL listens: a database host that is down. */
const DOWN_HOST = '127.0.0.1:3446';
const live = parseDatabaseUrl(DATABASE_URL).hosts[0]!;
const path = new URL(DATABASE_URL).pathname;
/** libpq's multi-host URL: the dead host first, then the test database's own */
const MULTI_HOST_URL = `postgres://postgres@${DOWN_HOST},${live.host}:${live.port}${path}?target_session_attrs=read-write`;
const quiet = { warn: () => undefined, error: () => undefined };

describe('a service given several database hosts (libpq multi-host URL, target_session_attrs=read-write)', () => {
  it('connects its pool to the host that answers and is a primary', async () => {
    const pool = databasePool({ connectionString: MULTI_HOST_URL, max: 2 }, quiet);
    try {
      const { rows } = await pool.query<{ port: number; standby: boolean }>(
        'SELECT inet_server_port() AS port, pg_is_in_recovery() AS standby',
      );
      expect(rows[0]).toEqual({ port: live.port, standby: false });
      // a transaction writes there too
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('CREATE TEMP TABLE written_here (x int) ON COMMIT DROP');
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('listens for notifications through the same URL (ChangeFeed)', async () => {
    let reloads = 0;
    const feed = new ChangeFeed(MULTI_HOST_URL, 'database_hosts_spec', async () => void reloads++, quiet);
    const pool = databasePool({ connectionString: MULTI_HOST_URL, max: 1 }, quiet);
    try {
      await feed.start();
      expect(reloads).toBe(1);
      await pool.query(`SELECT pg_notify('database_hosts_spec', 'changed')`);
      await waitFor(() => reloads === 2, 5_000, 'the feed to reload on the notification');
    } finally {
      await feed.stop();
      await pool.end();
    }
  });
});
