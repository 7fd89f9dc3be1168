import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { apiException, isDatabaseUnavailable } from './api-errors.js';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

const databaseError = (code: string, message: string) =>
  Object.assign(new pg.DatabaseError(message, 0, 'error'), { code });

describe('isDatabaseUnavailable: which failures are a 503 rather than a 500', () => {
  it('knows a refused connection, as pg reports it', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2_000 });
    const refused = await client.connect().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isDatabaseUnavailable(refused)).toBe(true);
  });

  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    ['53300', 'sorry, too many clients already'],
  ])('knows SQLSTATE %s, also inside a TypeORM QueryFailedError', (code, message) => {
    expect(isDatabaseUnavailable(databaseError(code, message))).toBe(true);
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], databaseError(code, message)))).toBe(true);
  });

  it('knows a connection lost mid-query', () => {
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('leaves every other failure a 500', () => {
    expect(isDatabaseUnavailable(databaseError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(
      isDatabaseUnavailable(new QueryFailedError('SELECT x', [], databaseError('42703', 'column "x" does not exist'))),
    ).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('apiException', () => {
  it('answers every code with the status of the table and the API error body', () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      const exception = apiException(code as ErrorCode, 'why', { field: 'x' });
      expect({ code, status: exception.getStatus() }).toEqual({ code, status });
      expect(exception.getResponse()).toEqual({ error: code, message: 'why', details: { field: 'x' } });
    }
  });

  it('leaves details out when there are none', () => {
    expect(apiException('not-found', 'no such thing').getResponse()).toEqual({
      error: 'not-found',
      message: 'no such thing',
    });
  });
});
