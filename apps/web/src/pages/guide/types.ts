import type { ReferralStatus } from '@contracts/codes';
import type { HubSchemas } from '../../api/hub.js';

/** GET /api/catalogues */
export type Catalogue = HubSchemas['CatalogueView'];

/** GET /api/consents?subject= */
export type Consent = HubSchemas['ConsentView'];

/** GET /api/referrals/{id} */
export type Referral = HubSchemas['ReferralView'];

/** A referral no one will move any more. */
export const FINAL_REFERRAL_STATUSES: readonly ReferralStatus[] = ['closed', 'declined', 'cancelled'];
