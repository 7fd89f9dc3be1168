export * from './audit-entry.js';
export * from './audit-log.js';
export * from './canonical.js';
export * from './checkpoint.js';
export * from './subject-key.js';
