import { ORGANISATIONS } from '@hub/contracts';
import type { AgencyAdapterDefinition } from '@hub/adapter-kit';
import { afRegister, REGISTER_FIELDS } from '@hub/registers';

/** Arbetsförmedlingen's catalogue (SPEC section 3: the codes and classes are the contract). */
export const AF_ADAPTER: AgencyAdapterDefinition = {
  agency: 'af',
  service: 'adapter-af',
  organisation: ORGANISATIONS.af,
  name: 'Arbetsförmedlingen',
  categories: [
    {
      code: 'af.inskrivning',
      secrecyClass: 'consent',
      description: 'Inskriven som arbetssökande: status, sedan när och sökandekategori',
    },
    {
      code: 'af.program',
      secrecyClass: 'consent',
      description: 'Arbetsmarknadspolitiska program: namn, från och till',
    },
    { code: 'af.handlaggare', secrecyClass: 'public', description: 'Den ansvariga handläggarens kontor och telefon' },
  ],
  referralTypes: [
    {
      code: 'af.inskrivning-arbetssokande',
      description: 'Inskrivning som arbetssökande',
      responseTimeHours: 72,
    },
  ],
  register: afRegister,
  fields: REGISTER_FIELDS,
  defaultPort: 3202,
};
