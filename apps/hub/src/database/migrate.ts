import { DataSource, type DataSourceOptions } from 'typeorm';

const MIGRATION_LOCK = 'samtjanst-hub:migrations';

/**
 * Runs the pending migrations while holding a PostgreSQL advisory lock, so that hub instances starting together
 * migrate one after the other: the first applies them, the others wait and then find nothing left to do. Without
 * it both would run the same migration at once and one would fail half-way (TypeORM takes no lock of its own).
 */
export async function runMigrationsOnce(dataSource: DataSource): Promise<void> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]).catch(() => undefined);
    await lockHolder.release();
  }
}

/** The hub's data source: connected, then migrated under the lock (for TypeOrmModule's dataSourceFactory). */
export async function migratedDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  try {
    await runMigrationsOnce(dataSource);
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    throw err;
  }
  return dataSource;
}
