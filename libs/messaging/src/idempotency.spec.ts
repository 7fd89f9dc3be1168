import { isDatabaseUnavailable } from './idempotency.js';

const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', pgError('read ECONNRESET', 'ECONNRESET')],
    ['the server shutting down', pgError('terminating connection due to administrator command', '57P01')],
    ['the server starting up', pgError('the database system is starting up', '57P03')],
    ['a connection exception', pgError('connection failure', '08006')],
    ['too many connections', pgError('sorry, too many clients already', '53300')],
    ['a connection cut mid-query', pgError('Connection terminated unexpectedly')],
    ['a client that lost its connection', pgError('Client has encountered a connection error and is not queryable')],
    ['a pool that cannot connect in time', pgError('timeout exceeded when trying to connect')],
  ])('says yes for %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('duplicate key value violates unique constraint', '23505')],
    ['a check violation', pgError('new row violates check constraint', '23514')],
    ['a refusing trigger', pgError('the audit log is append-only', '42501')],
    ['a syntax error', pgError('syntax error at or near', '42601')],
    ['a handler’s own error', new Error('register unavailable')],
    ['something not an error', 'Connection terminated'],
  ])('says no for %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
