import pg from 'pg';
import { connectionOptions } from './database-hosts.js';

/**
 * A pg pool that outlives a database restart. pg reports a lost connection as an 'error' event: on the pool for an
 * idle client, and on the client itself for one checked out (besides failing its query). An 'error' event nobody
 * listens to ends the process, so both are heard here; the pool then drops the client and opens new ones on demand.
 */
export function databasePool(config: pg.PoolConfig, logger: { warn(message: string): void }): pg.Pool {
  // a libpq multi-host URL (a primary and its standbys) connects to whichever is the primary (database-hosts.ts)
  const pool = new pg.Pool(
    config.connectionString ? { ...config, ...connectionOptions(config.connectionString) } : config,
  );
  pool.on('error', (err) => logger.warn(`idle database connection lost: ${err.message}`));
  pool.on('connect', (client) => {
    // the query in progress fails with the same error, and its caller handles that
    client.on('error', () => undefined);
  });
  return pool;
}
