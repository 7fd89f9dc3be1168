import { ConfigError } from '@hub/common';
import { DEFAULT_POPULATION, DEVELOPMENT_EID_CLIENT_SECRET, loadEidProviderConfig } from './config.js';

describe('mock e-legitimation provider configuration', () => {
  it('matches the hub’s defaults without any settings', () => {
    expect(loadEidProviderConfig({})).toEqual({
      host: '127.0.0.1',
      port: 3300,
      issuer: undefined,
      relyingParty: {
        clientId: 'samtjanst-hub',
        clientSecret: DEVELOPMENT_EID_CLIENT_SECRET,
        redirectUris: ['http://127.0.0.1:3000/api/medborgare/callback'],
        postLogoutRedirectUris: ['http://127.0.0.1:3000/'],
      },
      orderTtlSeconds: 180,
      population: DEFAULT_POPULATION,
      dataDir: 'var/eid-provider',
    });
  });

  it('names every problem at once, and refuses production', () => {
    let error: unknown;
    try {
      loadEidProviderConfig({
        NODE_ENV: 'production',
        PORT: 'x',
        EID_ISSUER: 'http://eid.test/',
        RP_CLIENT_SECRET: 'short',
        ORDER_TTL_SECONDS: '5',
        REGISTER_SIZE: '7',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('of the mock e-legitimation provider');
    expect((error as ConfigError).problems).toEqual([
      expect.stringContaining('NODE_ENV is production'),
      'PORT must be a TCP port, got x',
      'EID_ISSUER must be an http(s) URL without query, fragment or trailing slash, got http://eid.test/',
      'RP_CLIENT_SECRET must be at least 16 characters',
      'ORDER_TTL_SECONDS must be whole seconds from 10 to 3600, got 5',
      'REGISTER_SIZE must be an integer 100..1000000, got 7',
    ]);
  });
});
