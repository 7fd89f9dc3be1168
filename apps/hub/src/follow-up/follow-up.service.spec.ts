import { jest } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import type { StaffUser } from '../auth/staff-user.js';
import type { OverdueReferrals, QueriesFollowUp, ReferralsFollowUp } from './follow-up.dto.js';
import type { FollowUpRepository } from './follow-up.repository.js';
import { FollowUpService } from './follow-up.service.js';

const MANAGER: StaffUser = {
  id: 'maria.manager',
  name: 'Maria',
  organisation: '2120001967',
  unit: 'Servicecenter',
  roles: ['manager'],
};
// 23:30 UTC on 14 March is 15 March in Sweden
const NOW = new Date('2026-03-14T23:30:00Z');

const QUERIES = { total: { queries: 2, agencyResults: 3 } } as unknown as QueriesFollowUp;
const REFERRALS = { total: 1 } as unknown as Omit<ReferralsFollowUp, 'overdue'>;
const OVERDUE: OverdueReferrals = { count: 0, referrals: [] };

function setup() {
  const repository = {
    queries: jest.fn(async (..._args: unknown[]) => QUERIES),
    referrals: jest.fn(async (..._args: unknown[]) => REFERRALS),
    overdue: jest.fn(async (..._args: unknown[]) => OVERDUE),
  };
  return { service: new FollowUpService(repository as unknown as FollowUpRepository), repository };
}

describe('FollowUpService.summary', () => {
  it("counts the caller's unit over the last 30 Swedish days by default", async () => {
    const t = setup();
    const summary = await t.service.summary({}, MANAGER, NOW);
    const period = { from: '2026-02-14', to: '2026-03-15', days: 30 };
    expect(t.repository.queries).toHaveBeenCalledWith(MANAGER.organisation, 'Servicecenter', period);
    expect(t.repository.referrals).toHaveBeenCalledWith(MANAGER.organisation, 'Servicecenter', period);
    expect(t.repository.overdue).toHaveBeenCalledWith(MANAGER.organisation, 'Servicecenter', NOW);
    expect(summary).toEqual({
      period: { ...period, timeZone: 'Europe/Stockholm' },
      scope: { organisation: MANAGER.organisation, unit: 'Servicecenter' },
      generatedAt: NOW.toISOString(),
      queries: QUERIES,
      referrals: { ...REFERRALS, overdue: OVERDUE },
    });
  });

  it('counts the whole organisation for a token without a unit', async () => {
    const t = setup();
    const { unit: _unit, ...auditor } = MANAGER;
    const summary = await t.service.summary({ from: '2026-03-01', to: '2026-03-07' }, auditor, NOW);
    expect(summary.scope).toEqual({ organisation: MANAGER.organisation, unit: null });
    expect(t.repository.queries).toHaveBeenCalledWith(MANAGER.organisation, null, {
      from: '2026-03-01',
      to: '2026-03-07',
      days: 7,
    });
    expect(t.repository.overdue).toHaveBeenCalledWith(MANAGER.organisation, null, NOW);
  });

  it.each([
    [{ from: '2026-02-30' }, 'from must be a calendar day YYYY-MM-DD, got "2026-02-30"'],
    [{ from: '2026-03-08', to: '2026-03-07' }, 'from (2026-03-08) is after to (2026-03-07)'],
    [{ from: '2024-01-01', to: '2026-03-07' }, 'the period is 797 days; at most 366 are allowed'],
  ])('refuses the period %j with 400 invalid-period, reading nothing', async (query, problem) => {
    const t = setup();
    const err = await t.service.summary(query, MANAGER, NOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect((err as BadRequestException).getResponse()).toEqual({ error: 'invalid-period', message: problem });
    expect(t.repository.queries).not.toHaveBeenCalled();
    expect(t.repository.referrals).not.toHaveBeenCalled();
    expect(t.repository.overdue).not.toHaveBeenCalled();
  });
});
