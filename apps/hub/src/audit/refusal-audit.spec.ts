import { jest } from '@jest/globals';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import { REFUSAL_WINDOW_MS, RefusalAudit, type Refusal } from './refusal-audit.js';

const ROLE: Refusal = {
  actor: 'anna.guide',
  organisation: '2120001967',
  unit: 'Servicecenter',
  reason: 'role-not-allowed',
  status: 403,
  method: 'POST',
  route: '/api/audit/access-report',
};

describe('RefusalAudit', () => {
  let appended: AuditEntryInput[];
  let refusals: RefusalAudit;
  const start = new Date('2026-12-07T10:00:00Z');

  beforeEach(() => {
    jest.useFakeTimers({ now: start });
    appended = [];
    refusals = new RefusalAudit({
      append: async (entry: AuditEntryInput) => void appended.push(entry),
    } as unknown as AuditLog);
  });

  afterEach(() => jest.useRealTimers());

  it('writes one entry per actor, reason and route for a window, with the count, when the window closes', async () => {
    for (let i = 0; i < 250; i++) refusals.record(ROLE, new Date(start.getTime() + i * 100));
    refusals.record({ ...ROLE, route: '/api/audit/verify', method: 'GET' });
    refusals.record({ ...ROLE, actor: 'sam.soc' });
    refusals.record({ ...ROLE, reason: 'not-found', status: 404 });
    expect(appended).toEqual([]);
    await jest.advanceTimersByTimeAsync(REFUSAL_WINDOW_MS);
    expect(appended).toHaveLength(4);
    expect(appended[0]).toEqual({
      kind: 'refusal',
      actorKind: 'staff',
      actor: 'anna.guide',
      organisation: '2120001967',
      unit: 'Servicecenter',
      outcome: 'role-not-allowed',
      details: {
        status: 403,
        method: 'POST',
        route: '/api/audit/access-report',
        count: 250,
        firstAt: '2026-12-07T10:00:00.000Z',
        lastAt: '2026-12-07T10:00:24.900Z',
      },
    });
    expect(appended.slice(1).map((e) => (e.details as { count: number }).count)).toEqual([1, 1, 1]);
  });

  it('starts a new window after each flush, and writes nothing for a quiet one', async () => {
    refusals.record(ROLE);
    await jest.advanceTimersByTimeAsync(REFUSAL_WINDOW_MS);
    await jest.advanceTimersByTimeAsync(5 * REFUSAL_WINDOW_MS);
    expect(appended).toHaveLength(1);
    refusals.record(ROLE);
    refusals.record(ROLE);
    await jest.advanceTimersByTimeAsync(REFUSAL_WINDOW_MS - 1);
    expect(appended).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(appended).toHaveLength(2);
    expect(appended[1].details).toMatchObject({ count: 2 });
  });

  it('writes what it holds when the hub stops', async () => {
    refusals.record(ROLE);
    await refusals.onModuleDestroy();
    expect(appended).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(REFUSAL_WINDOW_MS);
    expect(appended).toHaveLength(1);
  });
});
