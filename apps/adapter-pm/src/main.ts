import 'reflect-metadata';
import { startAdapter } from '@hub/adapter-kit';
import { PM_ADAPTER } from './pm.adapter.js';

startAdapter(PM_ADAPTER).then(
  (adapter) =>
    adapter.logger.log(`${PM_ADAPTER.name} adapter: caseworker API on ${adapter.url}/api (docs at /api/docs)`),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
