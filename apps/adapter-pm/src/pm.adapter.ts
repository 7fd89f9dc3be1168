import type { AgencyAdapterDefinition } from '@hub/adapter-kit';
import { PM_CATEGORIES, PM_FIELDS, PM_REFERRAL_TYPES } from './pm-catalogue.js';
import { pmRegister } from './pm-register.js';

/** Pensionsmyndigheten: the fourth agency, onboarded as data; its catalogue and register live in this app only. */
export const PM_ADAPTER: AgencyAdapterDefinition = {
  agency: 'pm',
  service: 'adapter-pm',
  organisation: '2021005836',
  name: 'Pensionsmyndigheten',
  categories: PM_CATEGORIES,
  referralTypes: PM_REFERRAL_TYPES,
  register: pmRegister,
  fields: PM_FIELDS,
  defaultPort: 3204,
};
