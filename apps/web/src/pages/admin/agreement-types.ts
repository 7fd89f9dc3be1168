import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { useLoad } from '../../use-load.js';

/** What the hub's agreement API answers (apps/hub/src/agreements/dto/agreement.dto.ts). */
export type PurposeTerms = HubSchemas['PurposeTermsDto'];
export type AgreementVersion = HubSchemas['AgreementVersionView'];
export type AgreementEvent = HubSchemas['AgreementEventView'];
export type Agreement = HubSchemas['AgreementView'];
export type Catalogue = HubSchemas['CatalogueView'];

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
  const catalogues = useLoad('/api/catalogues', () => answer(hub.GET('/api/catalogues')));
  return (code) => {
    if (catalogues.state !== 'done') return code;
    for (const c of catalogues.data) {
      const found = c.categories.find((x) => x.code === code) ?? c.referralTypes.find((x) => x.code === code);
      if (found) return found.description;
    }
    return code;
  };
}
