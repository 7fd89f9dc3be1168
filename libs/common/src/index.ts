export * from './batcher.js';
export * from './config-error.js';
export * from './config-checks.js';
export * from './key-file.js';
