import type { ConsentSnapshot } from '@hub/contracts';
import type { Consent } from './types.js';

/** The consent as it travels to an agency with a query or referral, so that the agency can decide on it again. */
export function consentSnapshot(c: Consent): ConsentSnapshot {
  return {
    id: c.id,
    organisation: c.organisation,
    unit: c.unit,
    purposes: [...c.purposes],
    agencies: [...c.agencies],
    categories: [...c.categories],
    method: c.method,
    recordedBy: c.recordedBy,
    validFrom: c.validFrom,
    validUntil: c.validUntil,
  };
}

/** The policy's consent from a snapshot received, with the subject it came with and the revocation the agency knows. */
export function consentFromSnapshot(
  snapshot: ConsentSnapshot,
  subject: string,
  revokedAt: Date | null | undefined,
): Consent {
  return { ...snapshot, subject, revokedAt: revokedAt ?? null };
}
