import type pg from 'pg';
import { apiException } from './api-errors.js';

/** Ready when PostgreSQL answers and the broker connection is up; otherwise a 503 naming what is down. */
export async function readiness(pool: pg.Pool, brokerConnected: boolean) {
  const database = await pool.query('SELECT 1').then(
    () => 'ok',
    () => 'down',
  );
  const broker = brokerConnected ? 'ok' : 'down';
  if (database !== 'ok' || broker !== 'ok') {
    throw apiException('not-ready', 'a dependency is down', { database, broker });
  }
  return { status: 'ok', database, broker };
}
