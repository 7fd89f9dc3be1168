import { Injectable } from '@nestjs/common';
import type { StaffUser } from '../auth/staff-user.js';
import { apiException } from '../http/http-errors.js';
import type { ContactFigures, DepartmentFigure, FollowUpFigures, TargetFigure, TargetMeasure } from './figures.dto.js';
import {
  FiguresRepository,
  type ContactAggregates,
  type DurationAggregate,
  type ErrandAggregate,
  type ErrandAggregates,
  type TargetedAggregates,
} from './figures.repository.js';
import type { FollowUpQuery, FollowUpSummary, QueriesFollowUp, ReferralsFollowUp } from './follow-up.dto.js';
import { FollowUpRepository } from './follow-up.repository.js';
import { FOLLOW_UP_TIME_ZONE, parsePeriod, previousPeriod, type Period } from './period.js';
import {
  breakdownCells,
  breakdownCounts,
  breakdownRows,
  breakdownShares,
  countCell,
  countRows,
  isSmall,
  shareCell,
  SMALL_NUMBER_THRESHOLD,
  statistic,
  totalCell,
  totalShareCell,
} from './small-numbers.js';
import type { NkiFigure } from '../surveys/nki.js';
import { SurveyService } from '../surveys/survey.service.js';
import { TargetRepository, type Targets } from './target.repository.js';

/** At most this many topics are suggested for new knowledge-base articles. */
export const TOPIC_GAPS_LISTED = 10;

/**
 * Follow-up (uppföljning) for managers: what the caller's organisation, or unit when the token names one, asked and
 * sent in a period. Every number is an aggregate PostgreSQL computes; no subject, not even as a key, leaves here.
 * The figures (issue 18) show no count of 1 to 4 and no share or percentile of fewer than 5 (small-numbers.ts), and
 * set the figures that have targets against them, with the trend from the previous period of the same length.
 */
@Injectable()
export class FollowUpService {
  constructor(
    private readonly repository: FollowUpRepository,
    private readonly figuresRepository: FiguresRepository,
    private readonly targets: TargetRepository,
    private readonly surveys: SurveyService,
  ) {}

  async summary(query: FollowUpQuery, user: StaffUser, now = new Date()): Promise<FollowUpSummary> {
    const period = periodOf(query, now);
    const unit = user.unit ?? null;
    const [queries, referrals, overdue] = await Promise.all([
      this.repository.queries(user.organisation, unit, period),
      this.repository.referrals(user.organisation, unit, period),
      this.repository.overdue(user.organisation, unit, now),
    ]);
    const secondarySuppressed: string[] = [];
    return {
      period: { ...period, timeZone: FOLLOW_UP_TIME_ZONE },
      scope: { organisation: user.organisation, unit },
      generatedAt: now.toISOString(),
      smallNumberThreshold: SMALL_NUMBER_THRESHOLD,
      queries: suppressedQueries(queries, secondarySuppressed),
      referrals: { ...suppressedReferrals(referrals, secondarySuppressed), overdue },
      secondarySuppressed,
    };
  }

  async figures(query: FollowUpQuery, user: StaffUser, now = new Date()): Promise<FollowUpFigures> {
    const period = periodOf(query, now);
    const previous = previousPeriod(period);
    const { organisation } = user;
    const unit = user.unit ?? null;
    const [contacts, durations, errands, referrals, queries, before, targets, nki, nkiBefore] = await Promise.all([
      this.figuresRepository.contacts(organisation, unit, period),
      this.figuresRepository.durations(organisation, unit, period),
      this.figuresRepository.errands(organisation, unit, period, now),
      this.figuresRepository.referrals(organisation, unit, period, now),
      this.figuresRepository.queries(organisation, unit, period),
      this.figuresRepository.targeted(organisation, unit, previous, now),
      this.targets.applying(organisation, unit),
      this.surveys.nkiIndex(organisation, unit, period),
      this.surveys.nkiIndex(organisation, unit, previous),
    ]);
    const current: MeasuredAggregates = {
      contacts: contacts.total,
      resolved: contacts.resolved,
      errandsInTime: errands.total.inTime,
      errandsDue: errands.total.due,
      referralsInTime: referrals.inTime,
      referralsDue: referrals.due,
      nki,
    };
    return {
      period: { ...period, timeZone: FOLLOW_UP_TIME_ZONE },
      previousPeriod: { ...previous, timeZone: FOLLOW_UP_TIME_ZONE },
      scope: { organisation, unit },
      generatedAt: now.toISOString(),
      smallNumberThreshold: SMALL_NUMBER_THRESHOLD,
      contacts: contactFigures(contacts, durations.waiting, durations.handling),
      errands: errandFigures(errands),
      referrals: {
        byAgencyAndPurpose: countRows(referrals.byAgencyAndPurpose),
        answeredInTime: shareCell(referrals.inTime, referrals.due),
      },
      queries: { byAgencyAndPurpose: countRows(queries.byAgencyAndPurpose) },
      targets: targetFigures(current, { ...before, nki: nkiBefore }, targets),
    };
  }

  /**
   * What a municipality's monthly report sets against its targets: the NKI of the period (answers, interval,
   * suppressed below five answers) and every measure against the target that applies, with the trend from the
   * period of the same length before. `unit` null: the whole municipality, against the municipality's targets.
   */
  async service(
    organisation: string,
    unit: string | null,
    period: Period,
    now = new Date(),
  ): Promise<{ nki: NkiFigure; targets: TargetFigure[] }> {
    const previous = previousPeriod(period);
    const [current, before, targets, nki, nkiBefore] = await Promise.all([
      this.figuresRepository.targeted(organisation, unit, period, now),
      this.figuresRepository.targeted(organisation, unit, previous, now),
      this.targets.applying(organisation, unit),
      this.surveys.nkiOf(organisation, unit, period),
      this.surveys.nkiIndex(organisation, unit, previous),
    ]);
    return {
      nki,
      targets: targetFigures({ ...current, nki: nki.nki }, { ...before, nki: nkiBefore }, targets),
    };
  }
}

/** A count of the summary: null when 1 to 4, as every figure of the follow-up (small-numbers.ts). */
const shown = (n: number | null) => (n !== null && isSmall(n) ? null : n);
const statisticOf = (samples: number | null, value: number | null) =>
  samples === null ? null : statistic(samples, value);
const shownCounts = <T extends { count: number | null }>(rows: readonly T[]) =>
  rows.map((row) => ({ ...row, count: shown(row.count) }));

/**
 * Secondary suppression of a list of counts that sums to a total shown (small-numbers.ts): the counts with the ones
 * it hides null, and the paths `${path}.${i}.${field}` of those hidden although 5 or more pushed to `secondary`.
 */
function breakdownOf<T>(
  rows: readonly T[],
  count: (row: T) => number | null,
  path: string,
  field: string,
  secondary: string[],
): Array<number | null> {
  const b = breakdownCounts(rows.map((r) => count(r) ?? 0));
  for (const i of b.secondary) secondary.push(`${path}.${i}.${field}`);
  return rows.map((r, i) => (count(r) === null ? null : b.counts[i]!));
}

/**
 * The summary's query counts with the small ones suppressed; answer times only of 5 answers or more. The days,
 * purposes, agencies and statuses each sum to the total shown, so each gets secondary suppression; `secondary`
 * collects the paths of what that hides (under "queries.").
 */
export function suppressedQueries(q: QueriesFollowUp, secondary: string[] = []): QueriesFollowUp {
  const totals = <T extends { queries: number | null; agencyResults: number | null }>(t: T) => ({
    ...t,
    queries: shown(t.queries),
    agencyResults: shown(t.agencyResults),
  });
  const dailyQueries = breakdownOf(q.daily, (d) => d.queries, 'queries.daily', 'queries', secondary);
  const dailyResults = breakdownOf(q.daily, (d) => d.agencyResults, 'queries.daily', 'agencyResults', secondary);
  const purposeQueries = breakdownOf(q.byPurpose, (p) => p.queries, 'queries.byPurpose', 'queries', secondary);
  const purposeResults = breakdownOf(q.byPurpose, (p) => p.count, 'queries.byPurpose', 'count', secondary);
  const byAgency = breakdownOf(q.byAgency, (a) => a.count, 'queries.byAgency', 'count', secondary);
  const byStatus = breakdownOf(q.byStatus, (s) => s.count, 'queries.byStatus', 'count', secondary);
  return {
    total: totals(q.total),
    daily: q.daily.map((d, i) => ({ ...d, queries: dailyQueries[i]!, agencyResults: dailyResults[i]! })),
    perDay: shownCounts(q.perDay),
    byPurpose: q.byPurpose.map((p, i) => ({ ...p, queries: purposeQueries[i]!, count: purposeResults[i]! })),
    byAgency: q.byAgency.map((a, i) => ({ ...a, count: byAgency[i]! })),
    byStatus: q.byStatus.map((s, i) => ({ ...s, count: byStatus[i]! })),
    denialReasons: shownCounts(q.denialReasons),
    latency: q.latency.map((l) => ({
      ...l,
      samples: shown(l.samples),
      p50Ms: statisticOf(l.samples, l.p50Ms),
      p95Ms: statisticOf(l.samples, l.p95Ms),
    })),
  };
}

/**
 * The summary's referral counts with the small ones suppressed; turnaround only of 5 referrals or more. The days,
 * purposes, agencies and statuses each sum to the total: secondary suppression, as for the queries.
 */
export function suppressedReferrals(
  r: Omit<ReferralsFollowUp, 'overdue'>,
  secondary: string[] = [],
): Omit<ReferralsFollowUp, 'overdue'> {
  const daily = breakdownOf(r.daily, (d) => d.count, 'referrals.daily', 'count', secondary);
  const byPurpose = breakdownOf(r.byPurpose, (p) => p.count, 'referrals.byPurpose', 'count', secondary);
  const byAgency = breakdownOf(r.byAgency, (a) => a.count, 'referrals.byAgency', 'count', secondary);
  const byStatus = breakdownOf(r.byStatus, (s) => s.count, 'referrals.byStatus', 'count', secondary);
  return {
    total: shown(r.total),
    daily: r.daily.map((d, i) => ({ ...d, count: daily[i]! })),
    perDay: shownCounts(r.perDay),
    byPurpose: r.byPurpose.map((p, i) => ({ ...p, count: byPurpose[i]! })),
    byAgency: r.byAgency.map((a, i) => ({ ...a, count: byAgency[i]! })),
    byStatus: r.byStatus.map((s, i) => ({ ...s, count: byStatus[i]! })),
    turnaround: r.turnaround.map((t) => ({
      ...t,
      answered: shown(t.answered),
      answerMedianHours: statisticOf(t.answered, t.answerMedianHours),
      answerP90Hours: statisticOf(t.answered, t.answerP90Hours),
      closed: shown(t.closed),
      closeMedianHours: statisticOf(t.closed, t.closeMedianHours),
      closeP90Hours: statisticOf(t.closed, t.closeP90Hours),
    })),
  };
}

function periodOf(query: FollowUpQuery, now: Date): Period {
  const parsed = parsePeriod(query, now);
  if (!parsed.ok) throw apiException('invalid-period', parsed.problem);
  return parsed.period;
}

function duration(d: DurationAggregate) {
  return {
    samples: countCell(d.samples),
    medianSeconds: statistic(d.samples, d.median),
    p90Seconds: statistic(d.samples, d.p90),
  };
}

/**
 * The contact figures with small numbers suppressed: every breakdown (channel, topic, ROSA level, outcome, hour)
 * sums to the total shown, so each gets secondary suppression; the outcome "besvarad" is shown as the part resolved
 * at first contact as well, so hiding it there would hide nothing, and another outcome is hidden instead.
 */
export function contactFigures(
  c: ContactAggregates,
  waiting: DurationAggregate,
  handling: DurationAggregate,
): ContactFigures {
  const topic = ({
    topic,
    topicName,
    category,
    categoryName,
  }: Pick<ContactAggregates['byTopic'][number], 'topic' | 'topicName' | 'category' | 'categoryName'>) => ({
    topic,
    topicName,
    category,
    categoryName,
  });
  const resolved = shareCell(c.resolved, c.total);
  const byChannel = breakdownRows(c.byChannel);
  const byTopic = breakdownRows(c.byTopic);
  const byRosa = breakdownRows(c.byRosa);
  const byOutcome = breakdownRows(c.byOutcome, (o) => o.outcome === RESOLVED_OUTCOME && resolved.part !== null);
  const heatMap = breakdownRows(c.heatMap);
  const totalHidden = [byChannel, byTopic, byRosa, byOutcome, heatMap].some((b) => b.totalHidden);
  return {
    total: totalCell(c.total, totalHidden),
    resolvedAtFirstContact: totalHidden
      ? { part: null, base: null, percent: null, suppressed: true, secondary: true }
      : resolved,
    byChannel: byChannel.rows,
    byTopic: byTopic.rows.map((t) => ({
      ...topic(t),
      count: t.count,
      suppressed: t.suppressed,
      ...(t.secondary && { secondary: t.secondary }),
    })),
    byRosa: byRosa.rows,
    byOutcome: byOutcome.rows,
    heatMap: heatMap.rows,
    waiting: duration(waiting),
    handling: duration(handling),
    unresolvedWithoutArticle: c.byTopic
      .filter((t) => !t.hasArticle && t.unresolved > 0)
      .sort((a, b) => b.unresolved - a.unresolved || a.topic.localeCompare(b.topic))
      .slice(0, TOPIC_GAPS_LISTED)
      .map((t) => ({ ...topic(t), hasArticle: false, ...countCell(t.unresolved) })),
  };
}

export function departmentFigure(e: ErrandAggregate & { department: string }): DepartmentFigure {
  return {
    department: e.department,
    forwarded: countCell(e.forwarded),
    answered: countCell(e.answered),
    medianHours: statistic(e.answered, e.medianHours),
    p90Hours: statistic(e.answered, e.p90Hours),
    overdue: countCell(e.overdue),
    answeredInTime: shareCell(e.inTime, e.due),
  };
}

/** The outcome of a contact resolved at first contact. */
const RESOLVED_OUTCOME = 'besvarad';

/**
 * The errand figures per department and for all: each column (forwarded, answered, overdue, the in-time share's
 * part and base) of the departments sums to the total's, so each gets secondary suppression.
 */
export function errandFigures(errands: ErrandAggregates): {
  total: DepartmentFigure;
  byDepartment: DepartmentFigure[];
} {
  const rows = errands.byDepartment;
  const column = (value: (e: ErrandAggregate) => number) => breakdownCells(rows.map(value));
  const forwarded = column((e) => e.forwarded);
  const answered = column((e) => e.answered);
  const overdue = column((e) => e.overdue);
  const shares = breakdownShares(rows.map((e) => ({ part: e.inTime, base: e.due })));
  const t = errands.total;
  return {
    total: {
      ...departmentFigure({ department: '', ...t }),
      forwarded: totalCell(t.forwarded, forwarded.totalHidden),
      answered: totalCell(t.answered, answered.totalHidden),
      overdue: totalCell(t.overdue, overdue.totalHidden),
      answeredInTime: totalShareCell(t.inTime, t.due, {
        part: shares.totalPartHidden,
        base: shares.totalBaseHidden,
      }),
    },
    byDepartment: rows.map((e, i) => ({
      ...departmentFigure(e),
      forwarded: forwarded.cells[i]!,
      answered: answered.cells[i]!,
      overdue: overdue.cells[i]!,
      answeredInTime: shares.cells[i]!,
    })),
  };
}

const TARGET_FIELD: Record<TargetMeasure, keyof Omit<Targets, 'organisation' | 'unit' | 'updatedAt' | 'updatedBy'>> = {
  'first-contact-resolved': 'firstContactResolvedPercent',
  nki: 'nki',
  'errands-in-time': 'errandsInTimePercent',
  'referrals-in-time': 'referralsInTimePercent',
};

/** The aggregates a target is set against: the NKI is the survey's, already null below five answers. */
export type MeasuredAggregates = TargetedAggregates & { nki: number | null };

/** The figure of each measure, suppressed as any share. */
function measured(a: MeasuredAggregates): Record<TargetMeasure, number | null> {
  return {
    'first-contact-resolved': shareCell(a.resolved, a.contacts).percent,
    nki: a.nki,
    'errands-in-time': shareCell(a.errandsInTime, a.errandsDue).percent,
    'referrals-in-time': shareCell(a.referralsInTime, a.referralsDue).percent,
  };
}

/** Each measure against the unit's own target where it set one, else the municipality's. */
export function targetFigures(
  current: MeasuredAggregates,
  previous: MeasuredAggregates,
  applying: { unit?: Targets; municipality?: Targets },
): TargetFigure[] {
  const now = measured(current);
  const before = measured(previous);
  return (Object.keys(TARGET_FIELD) as TargetMeasure[]).map((measure) => {
    const field = TARGET_FIELD[measure];
    const own = applying.unit?.[field] ?? null;
    const municipal = applying.municipality?.[field] ?? null;
    const target = own ?? municipal;
    const value = now[measure];
    const previousValue = before[measure];
    return {
      measure,
      target,
      targetOf: own !== null ? 'unit' : municipal !== null ? 'municipality' : null,
      value,
      previous: previousValue,
      change: value !== null && previousValue !== null ? Math.round((value - previousValue) * 10) / 10 : null,
      status: target === null ? 'no-target' : value === null ? 'no-figure' : value >= target ? 'met' : 'missed',
    };
  });
}
