import { jest } from '@jest/globals';
import { NotFoundException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import type { Queryable, Transactions } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import type { NewTargets, TargetRepository, Targets } from './target.repository.js';
import { TargetService } from './target.service.js';

const ADMIN: StaffUser = {
  id: 'anders.admin',
  name: 'Anders',
  organisation: '2120001967',
  unit: 'Servicecenter',
  roles: ['admin'],
};
const AT = new Date('2026-03-02T08:00:00Z');

function setup(centres: string[] = ['Servicecenter']) {
  const stored = new Map<string | null, Targets>();
  const appended: AuditEntryInput[] = [];
  const order: string[] = [];
  const tx = {} as Queryable;
  const repository = {
    list: jest.fn(async () => [...stored.values()]),
    isCentre: jest.fn(async (_o: string, unit: string) => centres.includes(unit)),
    lock: jest.fn(async (_o: string, unit: string | null) => stored.get(unit)),
    upsert: jest.fn(async (t: NewTargets) => {
      order.push('upsert');
      const row = { ...t, updatedAt: AT };
      stored.set(t.unit, row);
      return row;
    }),
  };
  const transactions = {
    run: async <T>(work: (client: Queryable) => Promise<T>) => {
      const result = await work(tx);
      order.push('commit');
      return result;
    },
  } as unknown as Transactions;
  const audit = {
    append: async (entry: AuditEntryInput) => {
      order.push('audit');
      appended.push(entry);
    },
  } as unknown as AuditLog;
  const service = new TargetService(repository as unknown as TargetRepository, transactions, audit);
  return { service, repository, stored, appended, order };
}

describe('TargetService', () => {
  it('sets the whole municipality’s targets, the ones left out removed, audited before it commits', async () => {
    const t = setup();
    const view = await t.service.set({ firstContactResolvedPercent: 70, nki: 75 }, ADMIN);
    expect(view).toEqual({
      unit: null,
      firstContactResolvedPercent: 70,
      nki: 75,
      errandsInTimePercent: null,
      referralsInTimePercent: null,
      updatedAt: AT.toISOString(),
      updatedBy: 'anders.admin',
    });
    expect(t.order).toEqual(['upsert', 'audit', 'commit']);
    expect(t.appended).toEqual([
      expect.objectContaining({
        kind: 'follow-up-target',
        actor: 'anders.admin',
        organisation: '2120001967',
        outcome: 'set',
        details: {
          scope: 'kommunen',
          before: null,
          after: { firstContactResolvedPercent: 70, nki: 75, errandsInTimePercent: null, referralsInTimePercent: null },
        },
      }),
    ]);
  });

  it('records what a change replaced', async () => {
    const t = setup();
    await t.service.set({ unit: 'Servicecenter', errandsInTimePercent: 90 }, ADMIN);
    await t.service.set({ unit: 'Servicecenter', errandsInTimePercent: 85, referralsInTimePercent: null }, ADMIN);
    expect(t.appended[1]).toMatchObject({
      outcome: 'changed',
      details: {
        scope: 'Servicecenter',
        before: { errandsInTimePercent: 90 },
        after: { errandsInTimePercent: 85, referralsInTimePercent: null },
      },
    });
    expect(t.stored.get('Servicecenter')?.errandsInTimePercent).toBe(85);
  });

  it('answers a unit that is not a centre of the municipality as not found, storing and auditing nothing', async () => {
    const t = setup(['Servicecenter']);
    const err = await t.service.set({ unit: 'Kontaktcenter Kumla', nki: 70 }, ADMIN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundException);
    expect((err as NotFoundException).getResponse()).toEqual({
      error: 'not-found',
      message: 'no unit Kontaktcenter Kumla',
    });
    expect(t.repository.isCentre).toHaveBeenCalledWith('2120001967', 'Kontaktcenter Kumla', expect.anything());
    expect(t.repository.upsert).not.toHaveBeenCalled();
    expect(t.appended).toEqual([]);
  });
});
