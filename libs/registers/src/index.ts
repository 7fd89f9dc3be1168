export * from './agency-data.js';
export { addDays, addMonthsToMonth, ageOn, dayInMonth, isoDate, monthOf } from './dates.js';
export * from './examples.js';
export * from './fields.js';
export * from './municipalities.js';
export { composeSubject, luhnCheckDigit } from './personnummer.js';
export * from './population.js';
export { createRandom, hashSeed, type Random } from './random.js';
export {
  agencyDataOf,
  createAgencyRegister,
  insertPeople,
  insertRows,
  jsonList,
  personTableDdl,
  type RegisterDefinition,
  type AgencyRegister,
  type SeedOptions,
  type SeedResult,
  type SeedState,
} from './register-store.js';
export { afRegister } from './af-register.js';
export { fkRegister } from './fk-register.js';
export { skvRegister } from './skv-register.js';
export { REGISTERS } from './registers.js';
