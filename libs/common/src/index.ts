export * from './batcher.js';
export * from './config-error.js';
