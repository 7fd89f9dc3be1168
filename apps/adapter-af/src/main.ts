import 'reflect-metadata';
import { startAdapter } from '@hub/adapter-kit';
import { AF_ADAPTER } from './af.adapter.js';

startAdapter(AF_ADAPTER).then(
  (adapter) =>
    adapter.logger.log(`${AF_ADAPTER.name} adapter: caseworker API on ${adapter.url}/api (docs at /api/docs)`),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
