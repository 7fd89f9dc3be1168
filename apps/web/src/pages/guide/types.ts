import type { ConsentMethod, ContactPreference, Purpose, ReferralStatus, SecrecyClass } from '@contracts/codes';

/** GET /api/catalogues */
export interface Catalogue {
  agency: string;
  name: string;
  categories: Array<{ code: string; secrecyClass: SecrecyClass; description: string }>;
  referralTypes: Array<{ code: string; description: string; responseTimeHours: number }>;
}

/** GET /api/consents?subject= */
export interface Consent {
  id: string;
  purposes: Purpose[];
  agencies: string[];
  categories: string[];
  method: ConsentMethod;
  recordedBy: string;
  validFrom: string;
  validUntil: string;
  status: 'active' | 'pending' | 'expired' | 'revoked';
  createdAt: string;
  revokedAt?: string;
}

/** GET /api/referrals/{id} */
export interface Referral {
  id: string;
  subject: string;
  agency: string;
  referralType: string;
  purpose: Purpose;
  message: string;
  contactPreference: ContactPreference;
  consentId?: string;
  createdBy: string;
  createdAt: string;
  respondBy: string;
  overdue: boolean;
  status: ReferralStatus;
  statusAt: string;
  timeline?: Array<{
    status: ReferralStatus;
    at: string;
    actor: { organisation: string; name?: string; service?: string };
    note?: string;
  }>;
}

/** A referral no one will move any more. */
export const FINAL_REFERRAL_STATUSES: readonly ReferralStatus[] = ['closed', 'declined', 'cancelled'];
