export * from './calendar.js';
export * from './decide.js';
export * from './indexes.js';
export * from './rules.js';
export * from './types.js';
export * from './validate-agreement.js';
export * from './withhold.js';
export * from './consent-snapshot.js';
