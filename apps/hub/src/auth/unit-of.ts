import { ForbiddenException } from '@nestjs/common';
import type { StaffUser } from './staff-user.js';

/**
 * The municipal unit the caller's token names, for what is done on a unit's behalf; without one, 403 `no-unit` with
 * `message` saying why the action needs a unit.
 */
export function unitOf(user: StaffUser, message: string): string {
  if (!user.unit) throw new ForbiddenException({ error: 'no-unit', message });
  return user.unit;
}
