import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';

/** What a repository runs its SQL on: the pool, or the client of a transaction a service opened. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
  /** with a `name`, a statement prepared once per connection: for hot paths, where parsing costs as much as running */
  query<R extends QueryResultRow = QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}

/** Runs `work` in a transaction on a client of the pool: committed when it returns, rolled back when it throws. */
export async function withTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The one way a service opens a transaction: it hands the client to its repositories' methods. A service's spec
 * replaces it with `{ run: (work) => work(fakeClient) }`, so the rules are tested without a database.
 */
export class Transactions {
  constructor(private readonly pool: Pool) {}

  run<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }
}
