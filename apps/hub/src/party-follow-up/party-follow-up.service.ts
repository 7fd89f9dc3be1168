import { Injectable } from '@nestjs/common';
import type { StaffUser } from '../auth/staff-user.js';
import { FOLLOW_UP_TIME_ZONE, parsePeriod, type Period } from '../follow-up/period.js';
import {
  breakdownCounts,
  SMALL_NUMBER_THRESHOLD,
  suppressSmall,
  unlessFewSamples,
} from '../follow-up/small-numbers.js';
import { apiException } from '../http/http-errors.js';
import type { FollowUpQuery } from '../follow-up/follow-up.dto.js';
import type { PartyFollowUp, PartyRowKey } from './party-follow-up.dto.js';
import { PartyFollowUpRepository, type PartyName, type PartyScope } from './party-follow-up.repository.js';

/**
 * Every party sees its part (issue 18): an agency's manager the traffic under the agency's agreements with every
 * municipality, a municipality's manager that of the municipality (of the unit the token names). Aggregates only,
 * each count under the small-number threshold suppressed; no citizen, not even by key, and no referral by id.
 */
@Injectable()
export class PartyFollowUpService {
  constructor(private readonly repository: PartyFollowUpRepository) {}

  async forCaller(query: FollowUpQuery, user: StaffUser, now = new Date()): Promise<PartyFollowUp> {
    const parsed = parsePeriod(query, now);
    if (!parsed.ok) throw apiException('invalid-period', parsed.problem);
    const parties = await this.repository.parties();
    const own = parties.find((p) => p.number === user.organisation);
    // a token's organisation is registered; one that is not has no traffic to see
    if (!own) throw apiException('not-found', `no organisation ${user.organisation}`);
    const scope: PartyScope =
      own.kind === 'agency'
        ? { kind: 'agency', organisation: own.number }
        : { kind: 'municipality', organisation: own.number, unit: user.unit ?? null };
    return this.collect(scope, parsed.period, now, parties);
  }

  /** The whole party's figures, as its monthly report has them. */
  async forParty(organisation: string, period: Period, now = new Date()): Promise<PartyFollowUp> {
    const parties = await this.repository.parties();
    const own = parties.find((p) => p.number === organisation);
    if (!own) throw apiException('not-found', `no organisation ${organisation}`);
    const scope: PartyScope =
      own.kind === 'agency' ? { kind: 'agency', organisation } : { kind: 'municipality', organisation, unit: null };
    return this.collect(scope, period, now, parties);
  }

  private async collect(scope: PartyScope, period: Period, now: Date, parties: PartyName[]): Promise<PartyFollowUp> {
    const [queries, referrals, overdue, complaints] = await Promise.all([
      this.repository.queries(scope, period),
      this.repository.referrals(scope, period),
      this.repository.overdue(scope, now),
      this.repository.complaints(scope, period),
    ]);
    const municipalityName = (number: string) => parties.find((p) => p.number === number)?.name ?? number;
    const named = namer(parties);
    const own = parties.find((p) => p.number === scope.organisation)!;
    // every breakdown below sums to the total shown beside it: secondary suppression (small-numbers.ts), and the
    // paths of what it hides, so that the views and reports can tell them from the small counts
    const secondarySuppressed: string[] = [];
    const breakdown = (path: string, totalPath: string, counts: number[]) => {
      const [rows, field] = [path.slice(0, path.lastIndexOf('.')), path.slice(path.lastIndexOf('.') + 1)];
      const b = breakdownCounts(counts);
      for (const i of b.secondary) secondarySuppressed.push(`${rows}.${i}.${field}`);
      if (b.totalHidden) secondarySuppressed.push(totalPath);
      return b;
    };
    const total = (n: number, ...of: Array<{ totalHidden: boolean }>) =>
      of.some((b) => b.totalHidden) ? null : suppressSmall(n);
    const results = breakdown(
      'queries.byPurpose.results',
      'queries.results',
      queries.byPurpose.map((r) => r.results),
    );
    const sent = breakdown(
      'referrals.byType.sent',
      'referrals.sent',
      referrals.byType.map((r) => r.sent),
    );
    const overdueCounts = breakdown(
      'referrals.overdue.byType.count',
      'referrals.overdue.count',
      overdue.map((r) => r.count),
    );
    const byTopic = breakdown(
      'complaints.byTopic.count',
      'complaints.total',
      complaints.byTopic.map((r) => r.count),
    );
    const byParty = breakdown(
      'complaints.byParty.count',
      'complaints.total',
      complaints.byParty.map((r) => r.count),
    );
    return {
      period: { ...period, timeZone: FOLLOW_UP_TIME_ZONE },
      scope: {
        organisation: own.number,
        name: own.name,
        kind: own.kind,
        unit: scope.kind === 'municipality' ? scope.unit : null,
      },
      generatedAt: now.toISOString(),
      smallNumberThreshold: SMALL_NUMBER_THRESHOLD,
      queries: {
        results: total(queries.results, results),
        byPurpose: queries.byPurpose.map((r, i) => ({
          ...named(r),
          purpose: r.purpose,
          results: results.counts[i]!,
          answered: suppressSmall(r.answered),
          denied: suppressSmall(r.denied),
        })),
        byCategory: queries.byCategory.map((r) => ({
          ...named(r),
          category: r.category,
          released: suppressSmall(r.released),
          denied: suppressSmall(r.denied),
        })),
        denialReasons: queries.denialReasons.map((r) => ({
          ...named(r),
          reason: r.reason,
          count: suppressSmall(r.count),
        })),
      },
      referrals: {
        sent: total(referrals.sent, sent),
        byType: referrals.byType.map((r, i) => ({
          ...named(r),
          referralType: r.referralType,
          sent: sent.counts[i]!,
          answered: suppressSmall(r.answered),
          answeredInTime: suppressSmall(r.answeredInTime),
          answerMedianHours: unlessFewSamples(r.answered, r.answerMedianHours),
          agreedHours: r.agreedHours,
        })),
        overdue: {
          count: total(
            overdue.reduce((sum, r) => sum + r.count, 0),
            overdueCounts,
          ),
          byType: overdue.map((r, i) => ({
            ...named(r),
            referralType: r.referralType,
            count: overdueCounts.counts[i]!,
          })),
        },
      },
      complaints: {
        total: total(
          complaints.byTopic.reduce((sum, r) => sum + r.count, 0),
          byTopic,
          byParty,
        ),
        byTopic: complaints.byTopic.map((r, i) => ({
          ...r,
          municipalityName: municipalityName(r.municipality),
          count: byTopic.counts[i]!,
        })),
        byParty: complaints.byParty.map((r, i) => ({
          ...r,
          municipalityName: municipalityName(r.municipality),
          count: byParty.counts[i]!,
          answered: suppressSmall(r.answered),
        })),
      },
      secondarySuppressed: [...new Set(secondarySuppressed)].sort(),
    };
  }
}

/** The row's parties by name as well as by number and code. */
function namer(parties: PartyName[]) {
  const byNumber = new Map(parties.map((p) => [p.number, p.name]));
  const byCode = new Map(parties.filter((p) => p.agencyCode).map((p) => [p.agencyCode!, p.name]));
  return (row: { municipality: string; unit: string; agency: string }): PartyRowKey => ({
    municipality: row.municipality,
    municipalityName: byNumber.get(row.municipality) ?? row.municipality,
    unit: row.unit,
    agency: row.agency,
    agencyName: byCode.get(row.agency) ?? row.agency,
  });
}
