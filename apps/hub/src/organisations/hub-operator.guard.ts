import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { StaffUser } from '../auth/staff-user.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { assertHubOperator } from './hub-operator.js';

/**
 * For what concerns the whole hub rather than one tenant (parked messages of every queue, hub-wide metrics): after
 * the bearer guard has found the caller, only an operator of the organisation that runs the hub passes.
 */
@Injectable()
export class HubOperatorGuard implements CanActivate {
  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<{ user?: StaffUser }>().user;
    if (user) assertHubOperator(user, this.config.operatorOrganisation);
    return user !== undefined;
  }
}
