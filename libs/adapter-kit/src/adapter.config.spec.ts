import { ConfigError } from '@hub/common';
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

describe('loadAdapterConfig: METRICS_TOKEN', () => {
  it('takes a scrape token of at least 24 characters, and none when it is unset or empty', () => {
    const token = 'a-scrape-token-of-24-chars';
    expect(loadAdapterConfig(definition, { METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(loadAdapterConfig(definition, {}).metricsToken).toBeUndefined();
    expect(loadAdapterConfig(definition, { METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(() => loadAdapterConfig(definition, { METRICS_TOKEN: 'too-short-a-token' })).toThrow(
      /METRICS_TOKEN must be at least 24 characters when set, got 17/,
    );
  });
});
