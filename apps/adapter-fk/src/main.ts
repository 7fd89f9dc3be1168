import 'reflect-metadata';
import { startAdapter } from '@hub/adapter-kit';
import { FK_ADAPTER } from './fk.adapter.js';

startAdapter(FK_ADAPTER).then(
  (adapter) =>
    adapter.logger.log(`${FK_ADAPTER.name} adapter: caseworker API on ${adapter.url}/api (docs at /api/docs)`),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
