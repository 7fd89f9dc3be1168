import type { OrganisationKind, UnitKind } from '@hub/contracts';

/** A party of the hub as stored: municipality, agency, region or samordningsförbund. */
export interface Organisation {
  /** organisationsnummer, ten digits: the key every agreement, token and audit entry uses */
  number: string;
  name: string;
  kind: OrganisationKind;
  /** agencies only: the code of its catalogue, routing keys and categories */
  agencyCode: string | null;
  /** agencies only: the RabbitMQ user its adapter connects as, `adapter-<code>` */
  brokerAccount: string | null;
  registeredAt: Date;
  registeredBy: string;
  closedAt: Date | null;
  closedBy: string | null;
  /** where the party's monthly follow-up report is mailed; null: it is only archived and downloadable */
  reportAddress: string | null;
  /** municipalities: how many days a consent given by phone is valid at most; null: DEFAULT_PHONE_CONSENT_DAYS */
  phoneConsentDays: number | null;
}

/** How long a consent given by phone (`telefon`) is valid at most, in days from its first day, unless the
 * municipality set another number (PATCH /api/organisations/{number}, `phoneConsentDays`). */
export const DEFAULT_PHONE_CONSENT_DAYS = 30;

/** A municipality's unit. `name` is the key that agreements, consents, referrals and staff tokens name. */
export interface Unit {
  id: string;
  organisation: string;
  name: string;
  /** what people read; a rename changes this only, so that history stays readable under the name it was made */
  displayName: string;
  kind: UnitKind;
  registeredAt: Date;
  registeredBy: string;
  closedAt: Date | null;
  closedBy: string | null;
}
