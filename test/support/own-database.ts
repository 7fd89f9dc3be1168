/**
 * Imported first by a suite that needs a database of its own beside the test database (one that destroys this year's
 * subject key, which every later suite on the shared database still needs): every test helper then reads this
 * DATABASE_URL. `recreateOwnDatabase()` makes it empty before the suite starts; `dropOwnDatabase()` removes it.
 */
import pg from 'pg';

export const SHARED_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub_test';

const own = new URL(SHARED_DATABASE_URL);
own.pathname = `${own.pathname}_own`;
process.env.DATABASE_URL = own.toString();
const name = own.pathname.slice(1);

async function asAdmin(sql: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: SHARED_DATABASE_URL });
  await admin.connect();
  try {
    for (const statement of sql) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

export const recreateOwnDatabase = () =>
  asAdmin([`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, `CREATE DATABASE "${name}"`]);
export const dropOwnDatabase = () => asAdmin([`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]);
