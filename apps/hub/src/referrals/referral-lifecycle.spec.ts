import { REFERRAL_STATUSES, type ReferralStatus } from '@hub/contracts';
import { agencyEventOutcome } from './referral-lifecycle.js';

const kindOf = (from: ReferralStatus, to: ReferralStatus) => agencyEventOutcome(from, to).kind;

describe('the referral lifecycle as the agency may move it', () => {
  it('follows sent → received → accepted | declined → in-progress → closed', () => {
    expect(kindOf('sent', 'received')).toBe('move');
    expect(kindOf('received', 'accepted')).toBe('move');
    expect(kindOf('received', 'declined')).toBe('move');
    expect(kindOf('accepted', 'in-progress')).toBe('move');
    expect(kindOf('in-progress', 'closed')).toBe('move');
  });

  it('lets the agency cancel anything it has not finished', () => {
    for (const from of ['sent', 'received', 'accepted', 'in-progress'] as const) {
      expect(kindOf(from, 'cancelled')).toBe('move');
    }
  });

  it('lets the decision overtake its own `received`, which then only joins the timeline', () => {
    expect(kindOf('sent', 'accepted')).toBe('move');
    expect(kindOf('sent', 'declined')).toBe('move');
    for (const from of ['accepted', 'declined', 'in-progress', 'closed', 'cancelled'] as const) {
      expect(kindOf(from, 'received')).toBe('late');
    }
  });

  it('takes the agency’s cancellation of a withdrawn referral as a confirmation', () => {
    expect(kindOf('cancelled', 'cancelled')).toBe('late');
  });

  it('refuses every skip and every move out of a finished referral', () => {
    expect(agencyEventOutcome('sent', 'closed')).toEqual({
      kind: 'refused',
      reason: 'invalid-transition',
      message: 'a sent referral cannot become closed',
    });
    expect(kindOf('sent', 'in-progress')).toBe('refused');
    expect(kindOf('received', 'in-progress')).toBe('refused');
    expect(kindOf('received', 'closed')).toBe('refused');
    expect(kindOf('accepted', 'closed')).toBe('refused');
    expect(kindOf('accepted', 'declined')).toBe('refused');
    for (const finished of ['declined', 'closed'] as const) {
      for (const to of REFERRAL_STATUSES.filter((s) => s !== 'received')) {
        expect(kindOf(finished, to)).toBe('refused');
      }
    }
    for (const to of REFERRAL_STATUSES.filter((s) => s !== 'received' && s !== 'cancelled')) {
      expect(kindOf('cancelled', to)).toBe('refused');
    }
  });

  it('never lets an agency send a referral or move one back', () => {
    for (const from of REFERRAL_STATUSES) expect(kindOf(from, 'sent')).toBe('refused');
    expect(kindOf('in-progress', 'accepted')).toBe('refused');
  });
});
