import { jest } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog, SubjectPeriod } from '@hub/audit';
import type { Queryable, Transactions } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import { DEFAULT_RETENTION, RETENTION_KINDS, type RetentionPeriods } from './retention-periods.js';
import type { RetentionRepository, RetentionScope, StoredRetention } from './retention.repository.js';
import { RetentionService } from './retention.service.js';

const ADMIN: StaffUser = {
  id: 'anders.admin',
  name: 'Anders',
  organisation: '2120001967',
  unit: 'Servicecenter',
  roles: ['admin'],
};
const OREBRO = '2120001967';
const KARLSKOGA = '2120001991';
const AS_OF = new Date('2026-06-01T02:00:00Z');

/** Rows due per kind and organisation; each batch call takes up to `limit` of them, as the SQL would. */
function setup(options: { due?: Record<string, number>; locked?: boolean; claimed?: boolean; clock?: boolean } = {}) {
  const due = new Map(Object.entries(options.due ?? {}));
  const settings = new Map<string, StoredRetention>();
  const appended: AuditEntryInput[] = [];
  const calls: { kind: string; scope: RetentionScope; cutoff: Date; limit: number }[] = [];
  const released = jest.fn(async () => undefined);
  const take = (kind: string, scope: RetentionScope, cutoff: Date, limit: number) => {
    calls.push({ kind, scope, cutoff, limit });
    const key = `${kind}:${'organisation' in scope ? scope.organisation : 'unregistered'}`;
    const left = due.get(key) ?? 0;
    const taken = Math.min(left, limit);
    due.set(key, left - taken);
    return taken;
  };
  const periods: SubjectPeriod[] = [
    { period: '2019', createdAt: '2019-01-01T00:00:00.000Z', shreddedAt: null },
    { period: '2020', createdAt: '2020-01-01T00:00:00.000Z', shreddedAt: null },
    { period: '2026', createdAt: '2026-01-01T00:00:00.000Z', shreddedAt: null },
  ];
  const repository = {
    settings: jest.fn(async (organisation: string) => settings.get(organisation)),
    lockSettings: jest.fn(async (organisation: string) => settings.get(organisation)),
    upsertSettings: jest.fn(async (organisation: string, p: RetentionPeriods, updatedBy: string) => {
      const row = { ...p, organisation, updatedBy, updatedAt: AS_OF };
      settings.set(organisation, row);
      return row;
    }),
    organisations: jest.fn(async () =>
      [OREBRO, KARLSKOGA].map((organisation) => ({ organisation, settings: settings.get(organisation) })),
    ),
    tryLock: jest.fn(async () => (options.locked ? undefined : { release: released })),
    claimDaily: jest.fn(async () => (options.claimed ? undefined : 7)),
    startManual: jest.fn(async () => 8),
    finishRun: jest.fn(async () => undefined),
    recentRuns: jest.fn(async () => []),
    anonymiseContacts: jest.fn(async (s: RetentionScope, c: Date, l: number) => take('contacts', s, c, l)),
    deleteConsents: jest.fn(async (s: RetentionScope, c: Date, l: number) => {
      const consents = take('consents', s, c, l);
      return { consents, signings: consents, more: consents === l };
    }),
    deleteReferrals: jest.fn(async (s: RetentionScope, c: Date, l: number) => take('referrals', s, c, l)),
    deleteErrands: jest.fn(async (s: RetentionScope, c: Date, l: number) => {
      const errands = take('errands', s, c, l);
      return { errands, complaints: 0, more: errands === l };
    }),
    deleteQueryOutcomes: jest.fn(async (s: RetentionScope, c: Date, l: number) => take('query-outcomes', s, c, l)),
    deleteSessions: jest.fn(async (s: RetentionScope, c: Date, l: number) => take('sessions', s, c, l)),
    recordsKeyedBetween: jest.fn(async (from: Date) => from.getUTCFullYear() === 2020),
    forgetProtectedBetween: jest.fn(async () => 0),
  };
  const transactions = { run: async <T>(work: (tx: Queryable) => Promise<T>) => work({} as Queryable) };
  const audit = {
    append: jest.fn(async (entry: AuditEntryInput) => void appended.push(entry)),
    subjectPeriods: jest.fn(async () => periods),
    shredSubjectPeriods: jest.fn(async (shred: readonly string[]) => [...shred]),
  };
  const service = new RetentionService(
    repository as unknown as RetentionRepository,
    transactions as unknown as Transactions,
    audit as unknown as AuditLog,
    { retentionClockOverride: options.clock ?? false },
  );
  return { service, repository, audit, appended, calls, released, due, settings };
}

describe('RetentionService settings', () => {
  it('answers the defaults until the municipality sets its periods', async () => {
    const t = setup();
    expect(await t.service.settings(ADMIN)).toEqual({
      organisation: OREBRO,
      ...DEFAULT_RETENTION,
      defaults: DEFAULT_RETENTION,
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('sets the periods given, keeps the others, and audits before and after', async () => {
    const t = setup();
    const view = await t.service.set({ consentMonths: 6, referralYears: 5 }, ADMIN);
    expect(view).toMatchObject({ ...DEFAULT_RETENTION, consentMonths: 6, referralYears: 5, updatedBy: ADMIN.id });
    await t.service.set({ contactMonths: 3 }, ADMIN);
    expect(t.settings.get(OREBRO)).toMatchObject({ contactMonths: 3, consentMonths: 6, referralYears: 5 });
    expect(t.appended).toEqual([
      expect.objectContaining({
        kind: 'retention',
        actor: ADMIN.id,
        organisation: OREBRO,
        outcome: 'set',
        details: { before: DEFAULT_RETENTION, after: { ...DEFAULT_RETENTION, consentMonths: 6, referralYears: 5 } },
      }),
      expect.objectContaining({ outcome: 'changed' }),
    ]);
  });
});

describe('RetentionService.run', () => {
  it('takes what is due batch by batch until a batch comes back short, one audit entry per kind', async () => {
    const t = setup({ due: { [`consents:${OREBRO}`]: 25, [`contacts:${KARLSKOGA}`]: 3, 'sessions:unregistered': 2 } });
    const run = await t.service.run({ asOf: AS_OF, batchSize: 10 });
    expect(run).toMatchObject({ ran: true, runId: 8 });
    expect(run.counts.consents).toEqual({ rows: 25, related: 25, byOrganisation: { [OREBRO]: 50 } });
    expect(run.counts.contacts).toEqual({ rows: 3, related: 0, byOrganisation: { [KARLSKOGA]: 3 } });
    expect(run.counts.sessions).toEqual({ rows: 2, related: 0, byOrganisation: { unregistered: 2 } });
    // 10 + 10 + 5: three batches for Örebro's consents, one for Karlskoga's (none due), one for the unregistered
    expect(t.calls.filter((c) => c.kind === 'consents').map((c) => c.limit)).toHaveLength(5);
    const entries = t.appended.filter((e) => e.kind === 'retention');
    expect(entries.map((e) => e.details?.what)).toEqual([...RETENTION_KINDS, 'subject-keys']);
    expect(entries.every((e) => e.subjectKey === undefined && e.actorKind === 'service')).toBe(true);
    expect(entries[0]).toMatchObject({ outcome: 'anonymised', correlationId: 'retention-run-8' });
    expect(entries[1]).toMatchObject({ outcome: 'deleted', details: { rows: 25, related: 25 } });
    expect(t.repository.finishRun).toHaveBeenCalledWith(8, expect.anything(), null);
    expect(t.released).toHaveBeenCalledTimes(1);
  });

  it('runs again to no effect: what was taken is gone', async () => {
    const t = setup({ due: { [`referrals:${OREBRO}`]: 4 } });
    expect((await t.service.run({ asOf: AS_OF })).counts.referrals?.rows).toBe(4);
    expect((await t.service.run({ asOf: AS_OF })).counts.referrals?.rows).toBe(0);
  });

  it('cuts off each organisation by its own periods, the unregistered by the defaults', async () => {
    const t = setup();
    await t.service.set({ referralYears: 10 }, ADMIN);
    await t.service.run({ asOf: AS_OF });
    const referrals = t.calls.filter((c) => c.kind === 'referrals');
    expect(referrals.map((c) => [c.scope, c.cutoff.toISOString()])).toEqual([
      [{ organisation: OREBRO }, '2016-06-01T02:00:00.000Z'],
      [{ organisation: KARLSKOGA }, '2024-06-01T02:00:00.000Z'],
      [{ unregistered: true }, '2024-06-01T02:00:00.000Z'],
    ]);
  });

  it('does nothing while another run holds the lock', async () => {
    const t = setup({ locked: true, due: { [`referrals:${OREBRO}`]: 4 } });
    expect(await t.service.run({ asOf: AS_OF })).toMatchObject({ ran: false, reason: 'running-elsewhere' });
    expect(t.repository.deleteReferrals).not.toHaveBeenCalled();
    expect(t.appended).toEqual([]);
  });

  it('runs the daily run once a day: a day claimed already is left alone, and the lock let go', async () => {
    const t = setup({ claimed: true });
    expect(await t.service.run({ asOf: AS_OF, trigger: 'daily' })).toMatchObject({ ran: false, reason: 'done-today' });
    expect(t.repository.claimDaily).toHaveBeenCalledWith('2026-06-01', AS_OF, expect.any(String));
    expect(t.released).toHaveBeenCalledTimes(1);
    expect(t.appended).toEqual([]);
  });

  it('goes on with the other kinds when one fails, and says which failed', async () => {
    const t = setup({ due: { [`errands:${OREBRO}`]: 1 } });
    t.repository.deleteReferrals.mockRejectedValueOnce(new Error('deadlock detected'));
    const run = await t.service.run({ asOf: AS_OF });
    expect(run.failed).toEqual({ referrals: 'deadlock detected' });
    expect(run.counts.errands?.rows).toBe(1);
    expect(t.appended.find((e) => e.details?.what === 'referrals')).toMatchObject({ outcome: 'failed' });
    expect(t.repository.finishRun).toHaveBeenCalledWith(8, expect.anything(), 'partly failed');
  });

  it('shreds the subject keys of years past the audit period, postponing a year whose records are kept', async () => {
    const t = setup();
    const run = await t.service.run({ asOf: AS_OF });
    // 2019 ended 2020-01-01 and 2020 ended 2021-01-01: both five years before AS_OF; 2020 still has a record
    expect(t.audit.shredSubjectPeriods).toHaveBeenCalledWith(['2019']);
    expect(run).toMatchObject({ shredded: ['2019'], postponed: ['2020'] });
    expect(t.repository.forgetProtectedBetween).toHaveBeenCalledWith(
      new Date('2019-01-01T00:00:00Z'),
      new Date('2020-01-01T00:00:00Z'),
    );
    expect(t.appended.at(-1)).toMatchObject({
      kind: 'retention',
      outcome: 'shredded',
      details: { what: 'subject-keys', shredded: ['2019'], postponed: ['2020'], auditYears: 5 },
    });
  });

  it('keeps the subject keys for the longest audit period any municipality set', async () => {
    const t = setup();
    await t.service.set({ auditYears: 7 }, ADMIN);
    const run = await t.service.run({ asOf: AS_OF });
    expect(run.shredded).toEqual([]);
    expect(t.audit.shredSubjectPeriods).toHaveBeenCalledWith([]);
  });

  it('moves the clock from the API only where the configuration allows it', async () => {
    await expect(setup().service.runFromApi('2031-01-01T00:00:00Z')).rejects.toThrow(BadRequestException);
    const t = setup({ clock: true });
    const view = await t.service.runFromApi('2031-01-01T00:00:00Z');
    expect(view).toMatchObject({ ran: true, asOf: '2031-01-01T00:00:00.000Z', runId: 8 });
    expect(Object.keys(view.counts)).toEqual([...RETENTION_KINDS]);
  });
});
