import type { ReferralStatus } from '@hub/contracts';

/**
 * What an agency's status event does to its referral, given the status the hub holds: it moves the referral on,
 * joins the timeline without moving it (`late`), or is refused and changes nothing.
 */
export type AgencyEventOutcome =
  { kind: 'move' } | { kind: 'late' } | { kind: 'refused'; reason: 'invalid-transition'; message: string };

/**
 * SPEC's lifecycle `sent → received → accepted | declined → in-progress → closed` (or `cancelled`), as the agency
 * may move it. `received` may be skipped: the adapter publishes it and its first decision (a decline, or a
 * cancellation for a revoked consent) in one outbox flush, and the hub may handle the two in either order.
 */
export const AGENCY_MOVES: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  sent: ['received', 'accepted', 'declined', 'cancelled'],
  received: ['accepted', 'declined', 'cancelled'],
  accepted: ['in-progress', 'cancelled'],
  declined: [],
  'in-progress': ['closed', 'cancelled'],
  closed: [],
  cancelled: [],
};

export function agencyEventOutcome(current: ReferralStatus, reported: ReferralStatus): AgencyEventOutcome {
  if (AGENCY_MOVES[current].includes(reported)) return { kind: 'move' };
  // a `received` overtaken by the agency's next step, or the agency confirming the municipality's withdrawal
  if (reported === 'received' && current !== 'sent') return { kind: 'late' };
  if (reported === 'cancelled' && current === 'cancelled') return { kind: 'late' };
  return { kind: 'refused', reason: 'invalid-transition', message: `a ${current} referral cannot become ${reported}` };
}
