import type { AgreementStatus, StaffRole } from '@hub/contracts';
import type { AgreementParties, Approval } from '@hub/policy';

export const AGREEMENT_ACTIONS = ['propose', 'approve', 'suspend', 'resume', 'terminate', 'amend'] as const;
export type AgreementAction = (typeof AGREEMENT_ACTIONS)[number];

/** What a lifecycle step needs to know of the version it acts on. */
export interface LifecycleState {
  readonly status: AgreementStatus;
  readonly parties: AgreementParties;
  readonly approvals: readonly Approval[];
  /** last day of validity, `YYYY-MM-DD` */
  readonly validTo: string;
}

export interface Actor {
  readonly id: string;
  readonly organisation: string;
  readonly roles: readonly StaffRole[];
}

export type LifecycleErrorCode =
  'not-a-party' | 'not-an-admin' | 'own-proposal' | 'agreement-closed' | 'invalid-transition';

export class LifecycleError extends Error {
  constructor(
    readonly code: LifecycleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LifecycleError';
  }
}

export interface Transition {
  readonly status: AgreementStatus;
  readonly approvals: readonly Approval[];
}

const CLOSED: readonly AgreementStatus[] = ['terminated', 'expired'];

const FROM: Record<Exclude<AgreementAction, 'amend'>, readonly AgreementStatus[]> = {
  propose: ['draft'],
  approve: ['proposed'],
  suspend: ['active'],
  resume: ['suspended'],
  terminate: ['draft', 'proposed', 'active', 'suspended'],
};

/**
 * The party an actor acts for: a municipality's `admin` or an agency's `agency-admin`, and only for their own
 * organisation. Anyone else may not change the agreement.
 */
export function partyOf(parties: AgreementParties, actor: Actor): 'municipality' | 'agency' {
  if (actor.organisation === parties.municipality.organisation) {
    if (!actor.roles.includes('admin'))
      throw new LifecycleError('not-an-admin', "only the municipality's admin may change its agreements");
    return 'municipality';
  }
  if (actor.organisation === parties.agency.organisation) {
    if (!actor.roles.includes('agency-admin'))
      throw new LifecycleError('not-an-admin', "only the agency's agency-admin may change its agreements");
    return 'agency';
  }
  throw new LifecycleError('not-a-party', 'only the parties of an agreement may change it');
}

/**
 * One step of `draft → proposed → active → suspended → terminated` (SPEC section 3). One party proposes, the other
 * party's admin approves; the agreement is active only when both have. A terminated or expired agreement is closed.
 */
export function transition(
  state: LifecycleState,
  action: Exclude<AgreementAction, 'amend'>,
  actor: Actor,
  at: Date,
  today: string,
): Transition {
  partyOf(state.parties, actor);
  if (CLOSED.includes(state.status))
    throw new LifecycleError('agreement-closed', `the agreement is ${state.status} and can no longer change`);
  if (!FROM[action].includes(state.status)) {
    throw new LifecycleError('invalid-transition', `cannot ${action} an agreement that is ${state.status}`);
  }
  const approval: Approval = { organisation: actor.organisation, approvedBy: actor.id, approvedAt: at };
  switch (action) {
    case 'propose':
      return { status: 'proposed', approvals: [approval] };
    case 'approve': {
      if (state.approvals.some((a) => a.organisation === actor.organisation)) {
        throw new LifecycleError(
          'own-proposal',
          "a party cannot approve its own proposal; the other party's admin approves",
        );
      }
      return { status: today > state.validTo ? 'expired' : 'active', approvals: [...state.approvals, approval] };
    }
    case 'suspend':
      return { status: 'suspended', approvals: state.approvals };
    case 'resume':
      return { status: today > state.validTo ? 'expired' : 'active', approvals: state.approvals };
    case 'terminate':
      return { status: 'terminated', approvals: state.approvals };
  }
}

/** An amendment is a new draft version; it may not start from a closed agreement. */
export function assertAmendable(state: LifecycleState, actor: Actor): void {
  partyOf(state.parties, actor);
  if (CLOSED.includes(state.status))
    throw new LifecycleError('agreement-closed', `the agreement is ${state.status} and can no longer change`);
}

/** The status as of `today`: an agreement past its last day is expired, whatever was stored. */
export function effectiveStatus(status: AgreementStatus, validTo: string, today: string): AgreementStatus {
  return !CLOSED.includes(status) && today > validTo ? 'expired' : status;
}
