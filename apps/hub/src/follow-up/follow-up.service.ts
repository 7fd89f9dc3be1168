import { Injectable } from '@nestjs/common';
import type { StaffUser } from '../auth/staff-user.js';
import { apiException } from '../http/http-errors.js';
import type { FollowUpQuery, FollowUpSummary } from './follow-up.dto.js';
import { FollowUpRepository } from './follow-up.repository.js';
import { FOLLOW_UP_TIME_ZONE, parsePeriod } from './period.js';

/**
 * Follow-up (uppföljning) for managers: what the caller's organisation, or unit when the token names one, asked and
 * sent in a period. Every number is an aggregate PostgreSQL computes; no subject, not even as a key, leaves here.
 */
@Injectable()
export class FollowUpService {
  constructor(private readonly repository: FollowUpRepository) {}

  async summary(query: FollowUpQuery, user: StaffUser, now = new Date()): Promise<FollowUpSummary> {
    const parsed = parsePeriod(query, now);
    if (!parsed.ok) throw apiException('invalid-period', parsed.problem);
    const period = parsed.period;
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
      queries,
      referrals: { ...referrals, overdue },
    };
  }
}
