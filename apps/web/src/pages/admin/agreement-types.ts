import type { AgreementStatus, Purpose, SecrecyClass, StaffRole } from '@contracts/codes';
import { useLoad } from '../../use-load.js';

/** What the hub's agreement API answers (apps/hub/src/agreements/dto/agreement.dto.ts). */
export interface PurposeTerms {
  categories: string[];
  referralTypes: string[];
  roles: StaffRole[];
  consentRequired: boolean;
  legalBasis?: { reference: string; text?: string } | null;
}

export interface AgreementVersion {
  id: string;
  version: number;
  title: string;
  status: AgreementStatus;
  municipality: { organisation: string; unit: string };
  agency: { organisation: string; agency: string };
  validFrom: string;
  validTo: string;
  purposes: Partial<Record<Purpose, PurposeTerms>>;
  approvals: { organisation: string; approvedBy?: string; approvedAt?: string }[];
  supersededAt?: string;
  createdAt: string;
  createdBy: string;
}

export interface AgreementEvent {
  version: number;
  change: string;
  status: AgreementStatus;
  actor: string;
  organisation?: string;
  note?: string;
  at: string;
}

export interface Agreement extends AgreementVersion {
  latestVersion: number;
  versions?: AgreementVersion[];
  history?: AgreementEvent[];
}

export interface Catalogue {
  agency: string;
  organisation: string;
  name: string;
  announcedAt: string;
  categories: { code: string; secrecyClass: SecrecyClass; description: string }[];
  referralTypes: { code: string; description: string; responseTimeHours: number }[];
}

export { organisationName } from '../../texts.js';

export const CHANGE_TEXT: Record<string, string> = {
  created: 'Utkast skapat',
  amended: 'Ändring registrerad (ny version)',
  propose: 'Föreslaget för motparten',
  approve: 'Godkänt',
  suspend: 'Tillfälligt stoppat',
  resume: 'Återupptaget',
  terminate: 'Avslutat',
  expired: 'Giltighetstiden har gått ut',
};

/** Catalogue codes (categories, referral types) in words; the code itself while loading or when unknown. */
export function useCatalogueNames(): (code: string) => string {
  const catalogues = useLoad<Catalogue[]>('/api/catalogues');
  return (code) => {
    if (catalogues.state !== 'done') return code;
    for (const c of catalogues.data) {
      const found = c.categories.find((x) => x.code === code) ?? c.referralTypes.find((x) => x.code === code);
      if (found) return found.description;
    }
    return code;
  };
}
