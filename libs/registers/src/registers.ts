import { afRegister } from './af-register.js';
import { fkRegister } from './fk-register.js';
import type { RegisterAgency } from './fields.js';
import type { AgencyRegister } from './register-store.js';
import { skvRegister } from './skv-register.js';

/** Each agency's register, by agency code. */
export const REGISTERS: Readonly<Record<RegisterAgency, AgencyRegister>> = {
  fk: fkRegister,
  af: afRegister,
  skv: skvRegister,
};
