import { ConfigError } from '@hub/common';
import { DEVELOPMENT_HUB_CLIENT_SECRET, loadOidcProviderConfig } from './config.js';

describe('development identity provider configuration', () => {
  it('matches the hub’s defaults without any settings', () => {
    expect(loadOidcProviderConfig({})).toEqual({
      host: '127.0.0.1',
      port: 3100,
      issuer: undefined,
      hubClient: {
        clientId: 'samtjanst-hub-web',
        clientSecret: DEVELOPMENT_HUB_CLIENT_SECRET,
        redirectUris: ['http://127.0.0.1:3000/api/auth/callback'],
        postLogoutRedirectUris: ['http://127.0.0.1:3000/'],
      },
      toolsClient: { clientId: 'samtjanst-tools', redirectUris: ['http://127.0.0.1/callback'] },
      inboxClient: {
        clientId: 'samtjanst-inbox',
        redirectUris: [3201, 3202, 3203].map((port) => `http://127.0.0.1:${port}/inloggning`),
      },
      hubResource: { indicator: 'urn:samtjanst:hub', audience: 'samtjanst-hub' },
      accessTokenTtlSeconds: 900,
      dataDir: 'var/oidc-provider',
      demoPassword: 'demo',
    });
  });

  it('follows HUB_URL and takes lists of redirect URIs', () => {
    const config = loadOidcProviderConfig({
      HUB_URL: 'http://localhost:8080/',
      TOOLS_REDIRECT_URIS: 'http://127.0.0.1/callback, http://localhost/callback',
      OIDC_ISSUER: 'http://idp.local:3100',
    });
    expect(config.hubClient.redirectUris).toEqual(['http://localhost:8080/api/auth/callback']);
    expect(config.hubClient.postLogoutRedirectUris).toEqual(['http://localhost:8080/']);
    expect(config.toolsClient.redirectUris).toEqual(['http://127.0.0.1/callback', 'http://localhost/callback']);
    expect(config.issuer).toBe('http://idp.local:3100');
  });

  it('names every problem at once', () => {
    const attempt = () =>
      loadOidcProviderConfig({
        PORT: 'x',
        OIDC_ISSUER: 'http://idp.local/',
        HUB_URL: 'ftp://hub',
        TOOLS_REDIRECT_URIS: ' , ',
        HUB_CLIENT_SECRET: 'short',
        HUB_RESOURCE: 'samtjanst-hub',
        ACCESS_TOKEN_TTL: '10',
        DEMO_PASSWORD: '',
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^invalid configuration of the development identity provider:\n {2}- /);
    expect(attempt).toThrow(/PORT must be a TCP port, got x/);
    expect(attempt).toThrow(/OIDC_ISSUER must be an http\(s\) URL without query, fragment or trailing slash/);
    expect(attempt).toThrow(/HUB_URL must be an http\(s\) URL/);
    expect(attempt).toThrow(/TOOLS_REDIRECT_URIS must name at least one URL/);
    expect(attempt).toThrow(/HUB_CLIENT_SECRET must be at least 16 characters/);
    expect(attempt).toThrow(/HUB_RESOURCE must be an absolute URI/);
    expect(attempt).toThrow(/ACCESS_TOKEN_TTL must be whole seconds between 60 and 86400/);
    expect(attempt).toThrow(/DEMO_PASSWORD must not be empty/);
  });

  it('refuses to run in production, where its shared demo password would be a way in', () => {
    expect(() => loadOidcProviderConfig({ NODE_ENV: 'production' })).toThrow(/for development only/);
  });
});
