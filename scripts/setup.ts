/**
 * Prepares this machine's RabbitMQ and PostgreSQL for the hub: broker users, permissions, exchanges and signing
 * keys (scripts/broker-setup.ts), and the database. Idempotent; `npm start` and the integration tests run it.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { setupBroker } from './broker-setup.js';

export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const databases = (process.env.SETUP_DATABASES ?? 'postgres://postgres@127.0.0.1:5432/hub').split(',');
  const passwords = setupBroker();
  for (const url of databases) await ensureDatabase(url);
  console.log(
    `broker users ${Object.keys(passwords).join(', ')} ready; databases ${databases.map((d) => new URL(d).pathname.slice(1)).join(', ')} ready`,
  );
}
