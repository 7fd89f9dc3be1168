export * from './agreement.js';
export * from './audit.js';
export * from './catalogue.js';
export * from './common.js';
export * from './consent.js';
export * from './query.js';
export * from './referral.js';
export * from './message-registry.js';
