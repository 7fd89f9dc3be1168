import { spawn } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { runMigrationsOnce } from '../../apps/hub/src/database/migrate.js';
import { MIGRATIONS } from '../../apps/hub/src/database/migrations.js';
import { DATABASE_URL, waitFor } from '../support/env.js';

/** A database of this suite's own, next to the test database, so that it starts empty. */
const freshUrl = (() => {
  const url = new URL(DATABASE_URL);
  url.pathname = `${url.pathname}_fresh`;
  return url.toString();
})();

async function recreateFreshDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    const name = new URL(freshUrl).pathname.slice(1);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

async function appliedMigrations(): Promise<string[]> {
  const client = new pg.Client({ connectionString: freshUrl });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe('hub instances starting together on an empty database', () => {
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(freshUrl).pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  });

  it('migrate one after the other, each migration applied once', async () => {
    await recreateFreshDatabase();
    const sources = [0, 1].map(() => new DataSource({ type: 'postgres', url: freshUrl, migrations: MIGRATIONS }));
    await Promise.all(sources.map((source) => source.initialize()));
    try {
      await Promise.all(sources.map((source) => runMigrationsOnce(source)));
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
    }
    expect(await appliedMigrations()).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('two hub processes started at once both become ready, neither failing a migration on the way', async () => {
    await recreateFreshDatabase();
    const hubs = [3420, 3421].map((port) => {
      const child = spawn('node', ['dist/apps/hub/src/main.js'], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: freshUrl,
          AMQP_URL: process.env.AMQP_URL,
          PORT: String(port),
          // nothing listens there: the hub starts without its identity provider
          AUTH_ISSUER: 'http://127.0.0.1:3449',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      return { port, child, output };
    });
    try {
      for (const { port, child, output } of hubs) {
        await waitFor(
          async () => {
            if (child.exitCode !== null) throw new Error(`hub on ${port} exited:\n${output.join('')}`);
            return (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200;
          },
          60_000,
          `the hub on ${port} to be ready`,
        );
      }
    } finally {
      for (const { child } of hubs) child.kill('SIGTERM');
      await Promise.all(hubs.map(({ child }) => child.exitCode ?? once(child, 'exit')));
    }
    for (const { output } of hubs) {
      expect(output.join('')).not.toMatch(/Migration .* failed|Unable to connect to the database/);
    }
    expect(await appliedMigrations()).toEqual(MIGRATIONS.map((m) => m.name));
  }, 90_000);
});
