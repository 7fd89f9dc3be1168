import { apiException } from '@hub/http';
import type { StaffUser } from '../auth/staff-user.js';

/**
 * The role `operator` counts only for staff of the organisation that runs the hub (HUB_OPERATOR_ORGANISATION):
 * a municipality's or agency's identity provider that hands out the role by mistake makes no one an operator.
 */
export function isHubOperator(user: StaffUser, operatorOrganisation: string): boolean {
  return user.roles.includes('operator') && user.organisation === operatorOrganisation;
}

export function assertHubOperator(user: StaffUser, operatorOrganisation: string): void {
  if (!isHubOperator(user, operatorOrganisation)) {
    throw apiException('not-hub-operator', 'only operators of the organisation that runs the hub may do this');
  }
}
