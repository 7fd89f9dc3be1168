import { ServiceUnavailableException } from '@nestjs/common';
import type pg from 'pg';

/** Ready when PostgreSQL answers and the broker connection is up; otherwise a 503 naming what is down. */
export async function readiness(pool: pg.Pool, brokerConnected: boolean) {
  const database = await pool.query('SELECT 1').then(
    () => 'ok',
    () => 'down',
  );
  const broker = brokerConnected ? 'ok' : 'down';
  if (database !== 'ok' || broker !== 'ok') {
    throw new ServiceUnavailableException({
      error: 'not-ready',
      message: 'a dependency is down',
      details: { database, broker },
    });
  }
  return { status: 'ok', database, broker };
}
