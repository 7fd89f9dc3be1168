import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { OidcProviderConfig } from './config.js';
import { findDemoAccount, staffClaimsOf } from './demo-accounts.js';
import type { ProviderKeys } from './keys.js';
import { PAGE_CSP, renderLogoutPage, renderMessagePage } from './pages.js';

/** The scope whose claims say who a member of staff acts for; `profile` carries the name. */
export const STAFF_SCOPE = 'samtjanst';
const SIGNING_ALG = 'ES256';

function sendPage(ctx: KoaContextWithOIDC, html: string): void {
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.body = html;
}

/**
 * The OpenID Provider: authorization code flow with PKCE for two first-party clients (the hub's web login and a
 * public client for tools), ES256-signed ID tokens that carry the staff claims, and JWT access tokens for the hub as a
 * resource server carrying the same claims, so the hub can check roles on a bearer token without calling back here.
 */
export function createProvider(issuer: string, config: OidcProviderConfig, keys: ProviderKeys): Provider {
  const { hubResource } = config;
  const configuration: Configuration = {
    clients: [
      {
        client_id: config.hubClient.clientId,
        client_secret: config.hubClient.clientSecret,
        client_name: 'Samtjänst',
        redirect_uris: config.hubClient.redirectUris,
        post_logout_redirect_uris: config.hubClient.postLogoutRedirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: SIGNING_ALG,
      },
      {
        client_id: config.toolsClient.clientId,
        client_name: 'Samtjänst verktyg',
        application_type: 'native',
        redirect_uris: config.toolsClient.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        id_token_signed_response_alg: SIGNING_ALG,
      },
      {
        client_id: config.inboxClient.clientId,
        client_name: 'Samtjänst inkorg',
        application_type: 'web',
        redirect_uris: config.inboxClient.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        id_token_signed_response_alg: SIGNING_ALG,
      },
    ],
    // The inbox exchanges its code from the browser: only its own pages' origins may read the answer.
    clientBasedCORS(_ctx, origin, client) {
      return (
        client.clientId === config.inboxClient.clientId &&
        config.inboxClient.redirectUris.some((uri) => new URL(uri).origin === origin)
      );
    },
    jwks: { keys: keys.signingKeys as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: keys.cookieKeys },
    scopes: ['openid'],
    claims: { profile: ['name'], [STAFF_SCOPE]: ['organisation', 'unit', 'roles'] },
    // The staff claims go into the ID token too, not only to userinfo: the hub builds its session from the ID token.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    findAccount(_ctx, sub) {
      const account = findDemoAccount(sub);
      return account && { accountId: account.id, claims: () => staffClaimsOf(account) };
    },
    async extraTokenClaims(_ctx, token) {
      const account = 'accountId' in token && token.accountId ? findDemoAccount(token.accountId) : undefined;
      if (!account) return undefined;
      const { sub: _sub, ...claims } = staffClaimsOf(account);
      return claims;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // Every token is for the hub unless a client names another resource (there is none yet).
        defaultResource: () => hubResource.indicator,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, indicator) {
          if (indicator !== hubResource.indicator) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return {
            scope: '',
            audience: hubResource.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: config.accessTokenTtlSeconds,
            jwt: { sign: { alg: SIGNING_ALG } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => sendPage(ctx, renderLogoutPage(form)),
        postLogoutSuccessSource: (ctx) =>
          sendPage(ctx, renderMessagePage('Du är utloggad', 'Du kan stänga fönstret eller logga in igen.')),
      },
    },
    renderError(ctx, out) {
      sendPage(
        ctx,
        renderMessagePage('Inloggningen kunde inte genomföras', `${out.error_description ?? out.error} (${out.error})`),
      );
    },
    ttl: {
      AccessToken: config.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Grant: 8 * 3600,
      Session: 8 * 3600,
    },
  };
  return new Provider(issuer, configuration);
}
