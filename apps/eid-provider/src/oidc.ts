import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors, type Configuration, type Interaction, type KoaContextWithOIDC } from 'oidc-provider';
import { parsePersonnummer } from '@hub/contracts';
import { createLogger, logLevelFrom } from '@hub/observability';
import type { Citizen, Citizens } from './citizens.js';
import type { EidProviderConfig } from './config.js';
import { readBody, sendHtml } from './http.js';
import { SIGNING_ALG, type EidKeys } from './keys.js';
import { loginPageCsp, PAGE_CSP, renderLoginPage, renderMessagePage } from './pages.js';
import { LOA3 } from './signing-orders.js';

/** The scope of the personnummer claim. */
export const PERSONNUMMER_SCOPE = 'personnummer';
const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/;
const logger = createLogger({ service: 'eid-provider', level: logLevelFrom() });

function claimsOf(citizen: Citizen, sub: string) {
  return {
    sub,
    personnummer: citizen.personnummer,
    name: citizen.name,
    given_name: citizen.givenName,
    family_name: citizen.surname,
    birthdate: citizen.birthDate,
  };
}

/**
 * OpenID Connect as the Swedish e-ID services offer it to a relying party: the authorization code flow with PKCE for
 * one confidential client, an opaque pairwise `sub`, the `personnummer` claim, and `acr` LoA3 in ES256-signed ID
 * tokens.
 */
export function createOidcProvider(
  issuer: string,
  config: EidProviderConfig,
  keys: EidKeys,
  citizens: Citizens,
): Provider {
  const { relyingParty } = config;
  const configuration: Configuration = {
    clients: [
      {
        client_id: relyingParty.clientId,
        client_secret: relyingParty.clientSecret,
        client_name: 'Samtjänst',
        redirect_uris: relyingParty.redirectUris,
        post_logout_redirect_uris: relyingParty.postLogoutRedirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: SIGNING_ALG,
      },
    ],
    jwks: { keys: [keys.signingKey as NonNullable<Configuration['jwks']>['keys'][number]] },
    cookies: { keys: keys.cookieKeys },
    scopes: ['openid', 'profile', PERSONNUMMER_SCOPE],
    claims: {
      profile: ['name', 'given_name', 'family_name', 'birthdate'],
      [PERSONNUMMER_SCOPE]: ['personnummer'],
    },
    // as the Swedish services do: the identity is in the ID token, the relying party needs no userinfo call
    conformIdTokenClaims: false,
    acrValues: [LOA3],
    pkce: { required: () => true },
    findAccount(_ctx, sub) {
      const citizen = citizens.findBySubject(sub);
      return citizen && { accountId: sub, claims: () => claimsOf(citizen, sub) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    renderError(ctx: KoaContextWithOIDC, out) {
      ctx.type = 'html';
      ctx.set('Content-Security-Policy', PAGE_CSP);
      ctx.body = renderMessagePage(
        'Legitimeringen kunde inte genomföras',
        `${out.error_description ?? out.error} (${out.error})`,
      );
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Grant: 600, Session: 600 },
  };
  return new Provider(issuer, configuration);
}

export function isInteractionPath(pathname: string): boolean {
  return pathname.startsWith('/interaction/');
}

/** The login page between the authorization request and the redirect back: the citizen's personnummer. */
export async function handleInteraction(
  provider: Provider,
  citizens: Citizens,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  /** where the login page's form may end up: the relying party's redirect URIs' origins */
  relyingPartyOrigins: readonly string[] = [],
): Promise<void> {
  const loginCsp = loginPageCsp(relyingPartyOrigins);
  const match = INTERACTION_PATH.exec(pathname);
  if (!match) return sendHtml(res, 404, renderMessagePage('Sidan finns inte', 'Kontrollera adressen.'));
  const [, uid, action] = match;
  try {
    const interaction = await provider.interactionDetails(req, res);
    if (interaction.uid !== uid) {
      return sendHtml(res, 400, renderMessagePage('Fel legitimering', 'Börja om från tjänsten.'));
    }
    const loginPage = async (personnummer?: string, error?: string) => {
      const client = await provider.Client.find(String(interaction.params.client_id));
      return renderLoginPage({
        submitUrl: `/interaction/${uid}/login`,
        abortUrl: `/interaction/${uid}/abort`,
        clientName: client?.clientName ?? String(interaction.params.client_id),
        personnummer,
        error,
        examples: citizens.examples(5),
      });
    };
    if (action === undefined && req.method === 'GET') {
      if (interaction.prompt.name === 'login') return sendHtml(res, 200, await loginPage(), loginCsp);
      return await grantConsent(provider, interaction, req, res);
    }
    if (action === 'login' && req.method === 'POST') {
      const typed = new URLSearchParams(await readBody(req)).get('personnummer') ?? '';
      const parsed = parsePersonnummer(typed);
      const citizen = parsed.ok ? citizens.find(parsed.value) : undefined;
      if (!citizen) {
        return sendHtml(
          res,
          401,
          await loginPage(typed, 'Det finns ingen e-legitimation för det personnumret i testmiljön.'),
          loginCsp,
        );
      }
      return await provider.interactionFinished(
        req,
        res,
        { login: { accountId: citizens.subjectOf(citizen), acr: LOA3, amr: ['mfa'] } },
        { mergeWithLastSubmission: false },
      );
    }
    if (action === 'abort' && req.method === 'POST') {
      return await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'legitimeringen avbröts' },
        { mergeWithLastSubmission: false },
      );
    }
    return sendHtml(res, 405, renderMessagePage('Fel metod', 'Sidan kan inte användas så.'));
  } catch (err) {
    if (err instanceof errors.SessionNotFound) {
      return sendHtml(res, 400, renderMessagePage('Legitimeringen har gått ut', 'Börja om från tjänsten.'));
    }
    logger.error({ err }, 'login interaction failed');
    return sendHtml(res, 500, renderMessagePage('Något gick fel', 'Försök igen om en stund.'));
  }
}

/** The only client is the hub, a relying party of the municipality's own: its consent is not asked. */
async function grantConsent(
  provider: Provider,
  interaction: Interaction,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { grantId, session, params } = interaction;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session?.accountId, clientId: String(params.client_id) });
  if (!grant) throw new Error(`grant ${grantId} of interaction ${interaction.uid} not found`);
  const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: true },
  );
}
