export * from './api-errors.js';
export * from './error-codes.js';
export * from './readiness.js';
export * from './scrape-token.js';
export * from './staff-tokens.js';
export * from './web-ui.js';
export * from './http-app.js';
export * from './storable-input.js';
