import { ORGANISATIONS } from '@hub/contracts';
import type { AgencyAdapterDefinition } from '@hub/adapter-kit';
import { REGISTER_FIELDS, skvRegister } from '@hub/registers';

/** Skatteverket's catalogue (SPEC section 3: the codes and classes are the contract). */
export const SKV_ADAPTER: AgencyAdapterDefinition = {
  agency: 'skv',
  service: 'adapter-skv',
  organisation: ORGANISATIONS.skv,
  name: 'Skatteverket',
  categories: [
    {
      code: 'skv.folkbokforing',
      secrecyClass: 'consent',
      description: 'Folkbokföringsadress, kommun och civilstånd',
    },
    { code: 'skv.inkomst', secrecyClass: 'legal-basis', description: 'Taxerad inkomst för det senast taxerade året' },
    { code: 'skv.f-skatt', secrecyClass: 'public', description: 'Registrering för F-skatt' },
  ],
  referralTypes: [{ code: 'skv.adressandring', description: 'Hjälp med adressändring', responseTimeHours: 120 }],
  register: skvRegister,
  fields: REGISTER_FIELDS,
  defaultPort: 3203,
};
