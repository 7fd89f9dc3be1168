export * from './agreement-lifecycle.js';
