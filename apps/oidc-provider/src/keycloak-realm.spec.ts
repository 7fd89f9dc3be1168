import { readFileSync } from 'node:fs';
import { loadOidcProviderConfig } from './config.js';
import { DEMO_ACCOUNTS } from './demo-accounts.js';

/** deploy/keycloak/realm-samtjanst.json: the same people, clients and claims for docker-compose's Keycloak. */
const realm = JSON.parse(
  readFileSync(new URL('../../../deploy/keycloak/realm-samtjanst.json', import.meta.url), 'utf8'),
);

interface RealmUser {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  attributes: Record<string, string[]>;
  realmRoles: string[];
  credentials: Array<{ value: string }>;
}
interface Mapper {
  protocolMapper: string;
  config: Record<string, string>;
}

describe('the Keycloak realm for docker-compose', () => {
  it('has the demo accounts with the same id (token subject), name, organisation, unit, roles and password', () => {
    const users = (realm.users as RealmUser[]).map((user) => ({
      id: user.id,
      username: user.username,
      name: `${user.firstName} ${user.lastName}`,
      organisation: user.attributes.organisation?.[0],
      unit: user.attributes.unit?.[0],
      roles: user.realmRoles,
      password: user.credentials[0]?.value,
    }));
    expect(users).toEqual(
      DEMO_ACCOUNTS.map((account) => ({
        id: account.id,
        username: account.id,
        name: account.name,
        organisation: account.organisation,
        unit: account.unit,
        roles: account.roles,
        password: 'demo',
      })),
    );
  });

  it('registers the same clients as the development identity provider', () => {
    const defaults = loadOidcProviderConfig({});
    const hub = realm.clients.find((c: { clientId: string }) => c.clientId === defaults.hubClient.clientId);
    expect(hub).toMatchObject({
      publicClient: false,
      secret: defaults.hubClient.clientSecret,
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      redirectUris: defaults.hubClient.redirectUris,
      attributes: { 'pkce.code.challenge.method': 'S256', 'post.logout.redirect.uris': 'http://127.0.0.1:3000/' },
    });
    const tools = realm.clients.find((c: { clientId: string }) => c.clientId === defaults.toolsClient.clientId);
    expect(tools).toMatchObject({
      publicClient: true,
      directAccessGrantsEnabled: false,
      redirectUris: defaults.toolsClient.redirectUris,
      attributes: { 'pkce.code.challenge.method': 'S256' },
    });
    const inbox = realm.clients.find((c: { clientId: string }) => c.clientId === defaults.inboxClient.clientId);
    expect(inbox).toMatchObject({
      publicClient: true,
      directAccessGrantsEnabled: false,
      redirectUris: defaults.inboxClient.redirectUris,
      webOrigins: defaults.inboxClient.redirectUris.map((uri) => new URL(uri).origin),
      attributes: { 'pkce.code.challenge.method': 'S256' },
    });
    for (const client of [hub, tools, inbox])
      expect(client.defaultClientScopes).toEqual(['basic', 'profile', 'samtjanst']);
  });

  it('maps organisation, unit and roles into ID and access tokens, with the hub as audience', () => {
    const scope = realm.clientScopes.find((s: { name: string }) => s.name === 'samtjanst');
    const mappers = scope.protocolMappers as Mapper[];
    const claim = (name: string) => mappers.find((m) => m.config['claim.name'] === name);
    for (const name of ['organisation', 'unit', 'roles']) {
      expect(claim(name)?.config).toMatchObject({ 'id.token.claim': 'true', 'access.token.claim': 'true' });
    }
    expect(claim('roles')).toMatchObject({
      protocolMapper: 'oidc-usermodel-realm-role-mapper',
      config: { multivalued: 'true' },
    });
    expect(mappers.find((m) => m.protocolMapper === 'oidc-audience-mapper')?.config).toMatchObject({
      'included.custom.audience': 'samtjanst-hub',
      'access.token.claim': 'true',
    });
  });

  it('commits no keys: Keycloak generates them at import', () => {
    const keyProviders = realm.components['org.keycloak.keys.KeyProvider'] as Array<{
      config: Record<string, string[]>;
    }>;
    for (const provider of keyProviders) {
      expect(Object.keys(provider.config)).not.toEqual(expect.arrayContaining(['privateKey']));
      expect(Object.keys(provider.config)).not.toEqual(expect.arrayContaining(['secret']));
    }
  });
});
