import { HttpException, type ExecutionContext } from '@nestjs/common';
import { jest } from '@jest/globals';
import { CITIZEN_SESSION_COOKIE, CitizenGuard } from './citizen-auth.js';
import type { CitizenSession, CitizenSessionStore } from './citizen-session.store.js';

const SESSION_ID = 'a'.repeat(43);
const SESSION: CitizenSession = {
  citizen: { subjectKeys: ['b'.repeat(64)], subjectMasked: '19121212-****', name: 'Tolvan', loa: 'loa3' },
  expiresAt: new Date('2030-01-01T00:00:00Z'),
};

function context(request: Record<string, unknown>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

async function answer(guard: CitizenGuard, request: Record<string, unknown>): Promise<string | boolean> {
  try {
    return await guard.canActivate(context(request));
  } catch (err) {
    if (err instanceof HttpException) return `${err.getStatus()} ${(err.getResponse() as { error: string }).error}`;
    throw err;
  }
}

describe('CitizenGuard', () => {
  const sessions = { findSession: jest.fn(async (id: string) => (id === SESSION_ID ? SESSION : undefined)) };
  const guard = new CitizenGuard(sessions as unknown as CitizenSessionStore);
  const cookie = `hub_session=${'s'.repeat(43)}; ${CITIZEN_SESSION_COOKIE}=${SESSION_ID}`;

  it('lets the citizen’s own session in, and tells the handler who it is', async () => {
    const request: Record<string, unknown> = { method: 'GET', headers: { cookie } };
    expect(await answer(guard, request)).toBe(true);
    expect(request.citizen).toEqual(SESSION.citizen);
  });

  it('refuses every staff credential with 401, even beside a citizen session', async () => {
    expect(await answer(guard, { method: 'GET', headers: { authorization: 'Bearer x.y.z', cookie } })).toBe(
      '401 citizen-login-required',
    );
    expect(await answer(guard, { method: 'GET', headers: { cookie: `hub_session=${'s'.repeat(43)}` } })).toBe(
      '401 citizen-login-required',
    );
    expect(await answer(guard, { method: 'GET', headers: {} })).toBe('401 citizen-login-required');
    expect(
      await answer(guard, { method: 'GET', headers: { cookie: `${CITIZEN_SESSION_COOKIE}=${'z'.repeat(43)}` } }),
    ).toBe('401 citizen-login-required');
  });

  it('wants the CSRF header for a change', async () => {
    expect(await answer(guard, { method: 'POST', headers: { cookie } })).toBe('403 csrf-header-missing');
    expect(await answer(guard, { method: 'POST', headers: { cookie, 'x-requested-with': 'fetch' } })).toBe(true);
  });
});
