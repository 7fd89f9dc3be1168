import { STAFF_ROLES, type StaffRole } from './codes.js';
import { isStorableText } from './storable-input.js';

/* The claims an identity provider puts in staff access tokens: a contract between the IdP and every service. */

/** Who is calling, from the verified access token's claims. */
export interface StaffUser {
  /** the token subject: a stable id of the staff member */
  id: string;
  name: string;
  /** organisationsnummer of the employer */
  organisation: string;
  /** e.g. "Servicecenter"; agencies have none */
  unit?: string;
  roles: StaffRole[];
}

/** Maps token claims to a staff user, or says which claim is missing. */
export function staffUserFromClaims(claims: Record<string, unknown>): StaffUser | string {
  const roles = Array.isArray(claims.roles)
    ? claims.roles.filter((r): r is StaffRole => STAFF_ROLES.includes(r as StaffRole))
    : [];
  if (typeof claims.sub !== 'string' || !claims.sub) return 'the token has no subject';
  if (typeof claims.organisation !== 'string' || !/^[0-9]{10}$/.test(claims.organisation)) {
    return 'the token has no organisation claim (10-digit organisationsnummer)';
  }
  // they are written to the audit chain with everything the staff member does
  for (const claim of ['sub', 'name', 'unit'] as const) {
    const value = claims[claim];
    if (typeof value === 'string' && !isStorableText(value)) {
      return `the token's ${claim} claim has a NUL character or an unpaired surrogate`;
    }
  }
  return {
    id: claims.sub,
    name: typeof claims.name === 'string' ? claims.name : claims.sub,
    organisation: claims.organisation,
    unit: typeof claims.unit === 'string' ? claims.unit : undefined,
    roles,
  };
}
