import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { StaffRole } from '@hub/contracts';
import type { StaffUser } from './staff-user.js';

export const ROLES_KEY = 'hub:roles';
export const PUBLIC_KEY = 'hub:public';
export const AUTHENTICATED_KEY = 'hub:authenticated';
/**
 * The citizen's own endpoints ("Mina uppgifter", apps/hub/src/citizens): the staff guard lets them through
 * untouched, to the citizen guard, which takes the citizen's session and refuses every staff credential.
 */
export const CITIZEN_KEY = 'hub:citizen';

/** The roles that may call an endpoint; every endpoint names its roles or is explicitly public. */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ROLES_KEY, roles);

/** Marks the few endpoints that need no token (health, the start and callback of the login). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Any signed-in caller, whatever their roles (who am I, logout). */
export const Authenticated = () => SetMetadata(AUTHENTICATED_KEY, true);

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): StaffUser => context.switchToHttp().getRequest().user,
);
