import { jest } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import type { StaffUser } from '../auth/staff-user.js';
import type { OverdueReferrals, QueriesFollowUp, ReferralsFollowUp } from './follow-up.dto.js';
import type {
  ContactAggregates,
  DurationAggregates,
  ErrandAggregates,
  FiguresRepository,
  ReferralAggregates,
  TargetedAggregates,
} from './figures.repository.js';
import type { FollowUpRepository } from './follow-up.repository.js';
import { FollowUpService } from './follow-up.service.js';
import type { SurveyService } from '../surveys/survey.service.js';
import type { TargetRepository, Targets } from './target.repository.js';

const MANAGER: StaffUser = {
  id: 'maria.manager',
  name: 'Maria',
  organisation: '2120001967',
  unit: 'Servicecenter',
  roles: ['manager'],
};
// 23:30 UTC on 14 March is 15 March in Sweden
const NOW = new Date('2026-03-14T23:30:00Z');

const QUERIES: QueriesFollowUp = {
  total: { queries: 12, agencyResults: 30 },
  daily: [
    { day: '2026-03-14', queries: 10, agencyResults: 26 },
    { day: '2026-03-15', queries: 2, agencyResults: 4 },
  ],
  perDay: [{ day: '2026-03-14', purpose: 'vagledning', agency: 'fk', status: 'ok', count: 3 }],
  byPurpose: [{ purpose: 'vagledning', queries: 12, count: 30 }],
  byAgency: [
    { agency: 'fk', count: 26 },
    { agency: 'af', count: 4 },
  ],
  byStatus: [
    { status: 'ok', count: 29 },
    { status: 'denied', count: 1 },
  ],
  denialReasons: [{ agency: 'af', reason: 'consent-missing', count: 1 }],
  latency: [
    { agency: 'fk', samples: 26, p50Ms: 40, p95Ms: 90 },
    { agency: 'af', samples: 3, p50Ms: 35, p95Ms: 60 },
  ],
};
const REFERRALS: Omit<ReferralsFollowUp, 'overdue'> = {
  total: 7,
  daily: [{ day: '2026-03-14', count: 7 }],
  perDay: [{ day: '2026-03-14', purpose: 'vagledning', agency: 'af', status: 'accepted', count: 2 }],
  byPurpose: [{ purpose: 'vagledning', count: 7 }],
  byAgency: [{ agency: 'af', count: 7 }],
  byStatus: [
    { status: 'accepted', count: 5 },
    { status: 'declined', count: 2 },
  ],
  turnaround: [
    {
      agency: 'af',
      answered: 7,
      answerMedianHours: 3,
      answerP90Hours: 9,
      closed: 4,
      closeMedianHours: 30,
      closeP90Hours: 50,
    },
  ],
};
const OVERDUE: OverdueReferrals = { count: 0, referrals: [] };

const heatMap = (busy: Record<string, number>) =>
  Array.from({ length: 7 * 24 }, (_, i) => {
    const weekday = Math.floor(i / 24) + 1;
    const hour = i % 24;
    return { weekday, hour, count: busy[`${weekday}:${hour}`] ?? 0 };
  });

const CONTACTS: ContactAggregates = {
  total: 40,
  resolved: 30,
  byChannel: [
    { channel: 'besok', count: 37 },
    { channel: 'chatt', count: 3 },
  ],
  byTopic: [
    {
      topic: 'gata-park.snorojning',
      topicName: 'Snöröjning',
      category: 'gata-park',
      categoryName: 'Gata och park',
      count: 20,
      unresolved: 8,
      hasArticle: false,
    },
    {
      topic: 'skola.skolskjuts',
      topicName: 'Skolskjuts',
      category: 'skola',
      categoryName: 'Skola',
      count: 16,
      unresolved: 2,
      hasArticle: false,
    },
    {
      topic: 'bygga-bo.bygglov',
      topicName: 'Bygglov',
      category: 'bygga-bo',
      categoryName: 'Bygga och bo',
      count: 4,
      unresolved: 0,
      hasArticle: false,
    },
  ],
  byOutcome: [
    { outcome: 'besvarad', count: 30 },
    { outcome: 'vidarebefordrad', count: 10 },
  ],
  byRosa: [
    { rosa: 1, count: 36 },
    { rosa: 5, count: 4 },
  ],
  heatMap: heatMap({ '1:9': 36, '1:10': 4 }),
};
const DURATIONS: DurationAggregates = {
  waiting: { samples: 4, median: 30, p90: 50 },
  handling: { samples: 12, median: 240, p90: 600 },
};
const ERRANDS: ErrandAggregates = {
  total: { forwarded: 10, answered: 8, medianHours: 5, p90Hours: 20, overdue: 1, inTime: 6, due: 9 },
  byDepartment: [
    {
      department: 'Tekniska förvaltningen',
      forwarded: 7,
      answered: 6,
      medianHours: 4,
      p90Hours: 18,
      overdue: 1,
      inTime: 5,
      due: 7,
    },
    {
      department: 'Socialförvaltningen',
      forwarded: 3,
      answered: 2,
      medianHours: 9,
      p90Hours: 22,
      overdue: 0,
      inTime: 1,
      due: 2,
    },
  ],
};
const FIGURE_REFERRALS: ReferralAggregates = {
  byAgencyAndPurpose: [
    { agency: 'af', purpose: 'vagledning', count: 6 },
    { agency: 'fk', purpose: 'vagledning', count: 2 },
  ],
  inTime: 4,
  due: 8,
};
const BEFORE: TargetedAggregates = {
  contacts: 50,
  resolved: 40,
  errandsInTime: 3,
  errandsDue: 4,
  referralsInTime: 0,
  referralsDue: 0,
};
const target = (unit: string | null, values: Partial<Targets>): Targets => ({
  organisation: MANAGER.organisation,
  unit,
  firstContactResolvedPercent: null,
  nki: null,
  errandsInTimePercent: null,
  referralsInTimePercent: null,
  updatedAt: NOW,
  updatedBy: 'anders.admin',
  ...values,
});

function setup(
  applying: { unit?: Targets; municipality?: Targets } = {},
  nki: { current: number | null; previous: number | null } = { current: null, previous: null },
) {
  const repository = {
    queries: jest.fn(async (..._args: unknown[]) => QUERIES),
    referrals: jest.fn(async (..._args: unknown[]) => REFERRALS),
    overdue: jest.fn(async (..._args: unknown[]) => OVERDUE),
  };
  const figures = {
    contacts: jest.fn(async (..._args: unknown[]) => CONTACTS),
    durations: jest.fn(async (..._args: unknown[]) => DURATIONS),
    errands: jest.fn(async (..._args: unknown[]) => ERRANDS),
    referrals: jest.fn(async (..._args: unknown[]) => FIGURE_REFERRALS),
    queries: jest.fn(async (..._args: unknown[]) => ({
      byAgencyAndPurpose: [{ agency: 'fk', purpose: 'vagledning', count: 120 }],
    })),
    targeted: jest.fn(async (..._args: unknown[]) => BEFORE),
  };
  const targets = { applying: jest.fn(async (..._args: unknown[]) => applying) };
  const surveys = {
    nkiIndex: jest.fn(async (_organisation: string, _unit: string | null, period: { from: string }) =>
      period.from === '2026-02-14' ? nki.current : nki.previous,
    ),
  };
  return {
    service: new FollowUpService(
      repository as unknown as FollowUpRepository,
      figures as unknown as FiguresRepository,
      targets as unknown as TargetRepository,
      surveys as unknown as SurveyService,
    ),
    repository,
    figures,
    targets,
    surveys,
  };
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
      smallNumberThreshold: 5,
      queries: expect.anything(),
      referrals: expect.anything(),
      secondarySuppressed: expect.any(Array),
    });
  });

  it('suppresses every count of 1 to 4, and answer times of fewer than 5, as the figures do', async () => {
    const { queries, referrals, secondarySuppressed } = await setup().service.summary({}, MANAGER, NOW);
    // beside the total shown, a lone small count would be the total minus the others: the next smallest goes too
    expect(queries).toEqual({
      total: { queries: 12, agencyResults: 30 },
      daily: [
        { day: '2026-03-14', queries: null, agencyResults: null },
        { day: '2026-03-15', queries: null, agencyResults: null },
      ],
      perDay: [{ day: '2026-03-14', purpose: 'vagledning', agency: 'fk', status: 'ok', count: null }],
      byPurpose: [{ purpose: 'vagledning', queries: 12, count: 30 }],
      byAgency: [
        { agency: 'fk', count: null },
        { agency: 'af', count: null },
      ],
      byStatus: [
        { status: 'ok', count: null },
        { status: 'denied', count: null },
      ],
      denialReasons: [{ agency: 'af', reason: 'consent-missing', count: null }],
      latency: [
        { agency: 'fk', samples: 26, p50Ms: 40, p95Ms: 90 },
        { agency: 'af', samples: null, p50Ms: null, p95Ms: null },
      ],
    });
    expect(referrals).toEqual({
      ...REFERRALS,
      perDay: [{ ...REFERRALS.perDay[0], count: null }],
      byStatus: [
        { status: 'accepted', count: null },
        { status: 'declined', count: null },
      ],
      turnaround: [
        {
          agency: 'af',
          answered: 7,
          answerMedianHours: 3,
          answerP90Hours: 9,
          closed: null,
          closeMedianHours: null,
          closeP90Hours: null,
        },
      ],
      overdue: OVERDUE,
    });
    expect(secondarySuppressed.sort()).toEqual(
      [
        'queries.daily.0.queries',
        'queries.daily.0.agencyResults',
        'queries.byAgency.0.count',
        'queries.byStatus.0.count',
        'referrals.byStatus.0.count',
      ].sort(),
    );
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

describe('FollowUpService.figures', () => {
  it("reads the caller's unit for the period and the previous one of the same length", async () => {
    const t = setup();
    const figures = await t.service.figures({ from: '2026-03-01', to: '2026-03-10' }, MANAGER, NOW);
    const period = { from: '2026-03-01', to: '2026-03-10', days: 10 };
    const previous = { from: '2026-02-19', to: '2026-02-28', days: 10 };
    expect(t.figures.contacts).toHaveBeenCalledWith(MANAGER.organisation, 'Servicecenter', period);
    expect(t.figures.errands).toHaveBeenCalledWith(MANAGER.organisation, 'Servicecenter', period, NOW);
    expect(t.figures.targeted).toHaveBeenCalledWith(MANAGER.organisation, 'Servicecenter', previous, NOW);
    expect(t.targets.applying).toHaveBeenCalledWith(MANAGER.organisation, 'Servicecenter');
    expect(figures.previousPeriod).toEqual({ ...previous, timeZone: 'Europe/Stockholm' });
    expect(figures.smallNumberThreshold).toBe(5);
  });

  it('suppresses every count of 1 to 4 and every share or percentile of fewer than 5', async () => {
    const { contacts, errands, referrals, queries } = await setup().service.figures({}, MANAGER, NOW);
    expect(contacts.total).toEqual({ count: 40, suppressed: false });
    expect(contacts.resolvedAtFirstContact).toEqual({ part: 30, base: 40, percent: 75, suppressed: false });
    // 40 − 37 would give the 3 chats back: the 37 visits are hidden too (secondary suppression)
    expect(contacts.byChannel).toEqual([
      { channel: 'besok', count: null, suppressed: true, secondary: true },
      { channel: 'chatt', count: null, suppressed: true },
    ]);
    expect(contacts.byRosa).toEqual([
      { rosa: 1, count: null, suppressed: true, secondary: true },
      { rosa: 5, count: null, suppressed: true },
    ]);
    // the next smallest beside the 4, not the largest
    expect(contacts.byTopic.map((t) => [t.count, t.secondary])).toEqual([
      [20, undefined],
      [null, true],
      [null, undefined],
    ]);
    expect(contacts.byOutcome.map((o) => o.count)).toEqual([30, 10]);
    expect(contacts.heatMap).toHaveLength(168);
    expect(contacts.heatMap.find((c) => c.weekday === 1 && c.hour === 10)).toEqual({
      weekday: 1,
      hour: 10,
      count: null,
      suppressed: true,
    });
    expect(contacts.heatMap.find((c) => c.weekday === 1 && c.hour === 9)).toMatchObject({
      count: null,
      secondary: true,
    });
    expect(contacts.heatMap.find((c) => c.weekday === 2 && c.hour === 10)?.count).toBe(0);
    expect(contacts.waiting).toEqual({
      samples: { count: null, suppressed: true },
      medianSeconds: null,
      p90Seconds: null,
    });
    expect(contacts.handling).toEqual({
      samples: { count: 12, suppressed: false },
      medianSeconds: 240,
      p90Seconds: 600,
    });
    const social = errands.byDepartment.find((d) => d.department === 'Socialförvaltningen')!;
    expect(social).toEqual({
      department: 'Socialförvaltningen',
      forwarded: { count: null, suppressed: true },
      answered: { count: null, suppressed: true },
      medianHours: null,
      p90Hours: null,
      overdue: { count: 0, suppressed: false },
      answeredInTime: { part: null, base: null, percent: null, suppressed: true },
    });
    expect(errands.total.answeredInTime).toEqual({ part: 6, base: 9, percent: 66.7, suppressed: false });
    // the other department's counts and share would be the total minus the small ones: hidden too
    const technical = errands.byDepartment.find((d) => d.department === 'Tekniska förvaltningen')!;
    expect(technical).toMatchObject({
      forwarded: { count: null, suppressed: true, secondary: true },
      answered: { count: null, suppressed: true, secondary: true },
      overdue: { count: null, suppressed: true },
      answeredInTime: { part: null, base: null, percent: null, suppressed: true, secondary: true },
    });
    expect(errands.total.forwarded).toEqual({ count: 10, suppressed: false });
    expect(referrals.byAgencyAndPurpose[1]).toEqual({
      agency: 'fk',
      purpose: 'vagledning',
      count: null,
      suppressed: true,
    });
    expect(queries.byAgencyAndPurpose[0]?.count).toBe(120);
    expect(JSON.stringify({ contacts, errands, referrals })).not.toMatch(/"count":[1-4][,}]/);
  });

  it('lists the topics most often not resolved that have no article, by the unresolved contacts', async () => {
    const { contacts } = await setup().service.figures({}, MANAGER, NOW);
    expect(contacts.unresolvedWithoutArticle).toEqual([
      expect.objectContaining({ topic: 'gata-park.snorojning', topicName: 'Snöröjning', count: 8 }),
      expect.objectContaining({ topic: 'skola.skolskjuts', count: null, suppressed: true }),
    ]);
  });

  it("sets each figure against the unit's own target, else the municipality's, with the trend", async () => {
    const t = setup({
      unit: target('Servicecenter', { firstContactResolvedPercent: 80 }),
      municipality: target(null, { firstContactResolvedPercent: 70, nki: 75, errandsInTimePercent: 60 }),
    });
    const { targets } = await t.service.figures({}, MANAGER, NOW);
    expect(targets).toEqual([
      {
        measure: 'first-contact-resolved',
        target: 80,
        targetOf: 'unit',
        value: 75,
        previous: 80,
        change: -5,
        status: 'missed',
      },
      {
        measure: 'nki',
        target: 75,
        targetOf: 'municipality',
        value: null,
        previous: null,
        change: null,
        status: 'no-figure',
      },
      {
        measure: 'errands-in-time',
        target: 60,
        targetOf: 'municipality',
        value: 66.7,
        previous: null,
        change: null,
        status: 'met',
      },
      {
        measure: 'referrals-in-time',
        target: null,
        targetOf: null,
        // 4 of 8 in time: a part of 1 to 4 hides its per cent, which times the base would give it back
        value: null,
        previous: null,
        change: null,
        status: 'no-target',
      },
    ]);
  });

  it("sets the survey's NKI of the same scope and period, and the previous one, against the NKI target", async () => {
    const t = setup({ municipality: target(null, { nki: 75 }) }, { current: 71.4, previous: 68 });
    const { targets } = await t.service.figures({}, MANAGER, NOW);
    expect(t.surveys.nkiIndex).toHaveBeenCalledWith(MANAGER.organisation, 'Servicecenter', {
      from: '2026-02-14',
      to: '2026-03-15',
      days: 30,
    });
    expect(t.surveys.nkiIndex).toHaveBeenCalledWith(MANAGER.organisation, 'Servicecenter', {
      from: '2026-01-15',
      to: '2026-02-13',
      days: 30,
    });
    expect(targets.find((f) => f.measure === 'nki')).toEqual({
      measure: 'nki',
      target: 75,
      targetOf: 'municipality',
      value: 71.4,
      previous: 68,
      change: 3.4,
      status: 'missed',
    });
  });

  it('shows an NKI at or above its target as met, and one of fewer than 5 answers as no figure', async () => {
    const met = await setup(
      { municipality: target(null, { nki: 75 }) },
      { current: 75, previous: null },
    ).service.figures({}, MANAGER, NOW);
    expect(met.targets.find((f) => f.measure === 'nki')).toMatchObject({ value: 75, status: 'met', change: null });
    const few = await setup({ municipality: target(null, { nki: 75 }) }).service.figures({}, MANAGER, NOW);
    expect(few.targets.find((f) => f.measure === 'nki')).toMatchObject({ value: null, status: 'no-figure' });
  });
});
