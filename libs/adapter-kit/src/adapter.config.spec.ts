import { ConfigError } from '@hub/messaging';
import type { AgencyAdapterDefinition } from './agency-adapter.js';
import { loadAdapterConfig } from './adapter.config.js';

const definition = { agency: 'fk', defaultPort: 3201 } as AgencyAdapterDefinition;

describe('loadAdapterConfig: DATABASE_POOL_SIZE', () => {
  it('holds at most 20 connections unless told otherwise', () => {
    expect(loadAdapterConfig(definition, {}).databasePoolSize).toBe(20);
    expect(loadAdapterConfig(definition, { DATABASE_POOL_SIZE: '6' }).databasePoolSize).toBe(6);
  });

  it.each(['1', '2.5', 'many', '201'])('refuses %s by name', (value) => {
    expect(() => loadAdapterConfig(definition, { DATABASE_POOL_SIZE: value })).toThrow(ConfigError);
    expect(() => loadAdapterConfig(definition, { DATABASE_POOL_SIZE: value })).toThrow(/DATABASE_POOL_SIZE/);
  });
});
