import { Injectable } from '@nestjs/common';
import type { StaffUser } from '../auth/staff-user.js';
import { apiException } from '../http/http-errors.js';
import type { ContactFigures, DepartmentFigure, FollowUpFigures, TargetFigure, TargetMeasure } from './figures.dto.js';
import {
  FiguresRepository,
  type ContactAggregates,
  type DurationAggregate,
  type ErrandAggregate,
  type TargetedAggregates,
} from './figures.repository.js';
import type { FollowUpQuery, FollowUpSummary, QueriesFollowUp, ReferralsFollowUp } from './follow-up.dto.js';
import { FollowUpRepository } from './follow-up.repository.js';
import { FOLLOW_UP_TIME_ZONE, parsePeriod, previousPeriod, type Period } from './period.js';
import { countCell, countRows, isSmall, shareCell, SMALL_NUMBER_THRESHOLD, statistic } from './small-numbers.js';
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
    return {
      period: { ...period, timeZone: FOLLOW_UP_TIME_ZONE },
      scope: { organisation: user.organisation, unit },
      generatedAt: now.toISOString(),
      smallNumberThreshold: SMALL_NUMBER_THRESHOLD,
      queries: suppressedQueries(queries),
      referrals: { ...suppressedReferrals(referrals), overdue },
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
      errands: {
        total: departmentFigure({ department: '', ...errands.total }),
        byDepartment: errands.byDepartment.map(departmentFigure),
      },
      referrals: {
        byAgencyAndPurpose: countRows(referrals.byAgencyAndPurpose),
        answeredInTime: shareCell(referrals.inTime, referrals.due),
      },
      queries: { byAgencyAndPurpose: countRows(queries.byAgencyAndPurpose) },
      targets: targetFigures(current, { ...before, nki: nkiBefore }, targets),
    };
  }
}

/** A count of the summary: null when 1 to 4, as every figure of the follow-up (small-numbers.ts). */
const shown = (n: number | null) => (n !== null && isSmall(n) ? null : n);
const statisticOf = (samples: number | null, value: number | null) =>
  samples === null ? null : statistic(samples, value);
const shownCounts = <T extends { count: number | null }>(rows: readonly T[]) =>
  rows.map((row) => ({ ...row, count: shown(row.count) }));

/** The summary's query counts with the small ones suppressed; answer times only of 5 answers or more. */
export function suppressedQueries(q: QueriesFollowUp): QueriesFollowUp {
  const totals = <T extends { queries: number | null; agencyResults: number | null }>(t: T) => ({
    ...t,
    queries: shown(t.queries),
    agencyResults: shown(t.agencyResults),
  });
  return {
    total: totals(q.total),
    daily: q.daily.map(totals),
    perDay: shownCounts(q.perDay),
    byPurpose: q.byPurpose.map((p) => ({ ...p, queries: shown(p.queries), count: shown(p.count) })),
    byAgency: shownCounts(q.byAgency),
    byStatus: shownCounts(q.byStatus),
    denialReasons: shownCounts(q.denialReasons),
    latency: q.latency.map((l) => ({
      ...l,
      samples: shown(l.samples),
      p50Ms: statisticOf(l.samples, l.p50Ms),
      p95Ms: statisticOf(l.samples, l.p95Ms),
    })),
  };
}

/** The summary's referral counts with the small ones suppressed; turnaround only of 5 referrals or more. */
export function suppressedReferrals(r: Omit<ReferralsFollowUp, 'overdue'>): Omit<ReferralsFollowUp, 'overdue'> {
  return {
    total: shown(r.total),
    daily: shownCounts(r.daily),
    perDay: shownCounts(r.perDay),
    byPurpose: shownCounts(r.byPurpose),
    byAgency: shownCounts(r.byAgency),
    byStatus: shownCounts(r.byStatus),
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

export function contactFigures(
  c: ContactAggregates,
  waiting: DurationAggregate,
  handling: DurationAggregate,
): ContactFigures {
  const topic = ({ topic, topicName, category, categoryName }: ContactAggregates['byTopic'][number]) => ({
    topic,
    topicName,
    category,
    categoryName,
  });
  return {
    total: countCell(c.total),
    resolvedAtFirstContact: shareCell(c.resolved, c.total),
    byChannel: countRows(c.byChannel),
    byTopic: c.byTopic.map((t) => ({ ...topic(t), ...countCell(t.count) })),
    byRosa: countRows(c.byRosa),
    byOutcome: countRows(c.byOutcome),
    heatMap: countRows(c.heatMap),
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
