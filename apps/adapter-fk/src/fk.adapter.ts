import { ORGANISATIONS } from '@hub/contracts';
import type { AgencyAdapterDefinition } from '@hub/adapter-kit';
import { fkRegister, REGISTER_FIELDS } from '@hub/registers';

/** Försäkringskassan's catalogue (SPEC section 3: the codes and classes are the contract). */
export const FK_ADAPTER: AgencyAdapterDefinition = {
  agency: 'fk',
  service: 'adapter-fk',
  organisation: ORGANISATIONS.fk,
  name: 'Försäkringskassan',
  categories: [
    {
      code: 'fk.utbetalningar',
      secrecyClass: 'consent',
      description: 'Utbetalningar de senaste 12 månaderna: förmån, belopp och period',
    },
    {
      code: 'fk.pagaende-arenden',
      secrecyClass: 'consent',
      description: 'Pågående ärenden: typ, status och när ansökan kom in',
    },
    { code: 'fk.bostadsbidrag', secrecyClass: 'legal-basis', description: 'Beslut om bostadsbidrag och belopp' },
    { code: 'fk.medicinskt-underlag', secrecyClass: 'never', description: 'Läkarintyg och medicinska underlag' },
  ],
  referralTypes: [
    { code: 'fk.bostadsbidrag-ansokan', description: 'Hjälp att ansöka om bostadsbidrag', responseTimeHours: 120 },
    {
      code: 'fk.sjukpenning-kontakt',
      description: 'Personen behöver kontakt med handläggare om sjukpenning',
      responseTimeHours: 72,
    },
  ],
  register: fkRegister,
  fields: REGISTER_FIELDS,
  defaultPort: 3201,
};
