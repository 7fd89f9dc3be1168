import 'reflect-metadata';
import { startAdapter } from '@hub/adapter-kit';
import { SKV_ADAPTER } from './skv.adapter.js';

startAdapter(SKV_ADAPTER).then(
  (adapter) =>
    adapter.logger.log(`${SKV_ADAPTER.name} adapter: caseworker API on ${adapter.url}/api (docs at /api/docs)`),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
