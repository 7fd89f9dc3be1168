export * from './change-feed.js';
export * from './database-pool.js';
export * from './transaction.js';
export * from './database-hosts.js';
