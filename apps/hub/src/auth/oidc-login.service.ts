import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import type { LoginAttempt } from './session.store.js';
import { staffUserFromClaims, type StaffUser } from './staff-user.js';

/** The identity provider could not be reached or answered with something that is not OIDC. */
export class IdentityProviderUnavailableError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IdentityProviderUnavailableError';
  }
}

/** The identity provider, or the checks of its answer (state, nonce, PKCE, signatures), refused the login. */
export class LoginRefusedError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LoginRefusedError';
  }
}

const REQUEST_TIMEOUT_SECONDS = 10;

/** fetch's own failures: the provider is down, unreachable or too slow, which is not the user's doing. */
function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError || ['TimeoutError', 'AbortError'].includes((err as Error)?.name);
}

/** The messages of an error and its causes: openid-client's own are generic, their causes say what happened. */
function describeChain(err: unknown): string {
  const messages: string[] = [];
  for (let current = err; current instanceof Error && messages.length < 4; current = current.cause) {
    messages.push(current.message);
  }
  return messages.join(': ') || String(err);
}

/** The OAuth error code and description when the provider sent one, else what the check found. */
function describeRefusal(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    return err.error_description ? `${err.error} (${err.error_description})` : err.error;
  }
  return describeChain(err);
}

/** The hub as an OpenID Connect relying party: authorization code flow with PKCE, state and nonce. */
@Injectable()
export class OidcLogin {
  private configuration?: Promise<oidc.Configuration>;

  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  /** Fresh secrets for one login; kept server-side until the callback. */
  newLoginAttempt(returnTo: string): LoginAttempt {
    return {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      returnTo,
    };
  }

  async authorizationUrl(attempt: LoginAttempt): Promise<URL> {
    const configuration = await this.discover();
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.oidc.redirectUri,
      scope: this.config.oidc.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(attempt.codeVerifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
    });
  }

  /** Exchanges the code from the callback's query string; the staff claims come from the verified ID token. */
  async finishLogin(callbackQuery: string, attempt: LoginAttempt): Promise<{ user: StaffUser; idToken?: string }> {
    const configuration = await this.discover();
    // The URL the provider redirected to, rebuilt from configuration rather than from the request's Host header.
    const callbackUrl = new URL(this.config.oidc.redirectUri);
    callbackUrl.search = callbackQuery;
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      if (isNetworkFailure(err)) throw new IdentityProviderUnavailableError(describeChain(err), { cause: err });
      throw new LoginRefusedError(describeRefusal(err), { cause: err });
    }
    const idTokenClaims = (tokens.claims() ?? {}) as Record<string, unknown>;
    let user = staffUserFromClaims(idTokenClaims);
    if (typeof user === 'string' && typeof idTokenClaims.sub === 'string') {
      // Some providers put only `sub` in the ID token and the rest behind the userinfo endpoint.
      const userinfo = await oidc
        .fetchUserInfo(configuration, tokens.access_token, idTokenClaims.sub)
        .catch(() => undefined);
      if (userinfo) user = staffUserFromClaims({ ...userinfo, ...idTokenClaims });
    }
    if (typeof user === 'string') throw new LoginRefusedError(`the identity provider did not say who you are: ${user}`);
    return { user, idToken: tokens.id_token };
  }

  /** Where to send the browser to end its session at the provider too, when the provider offers that. */
  async endSessionUrl(idToken: string | undefined): Promise<string | undefined> {
    try {
      const configuration = await this.discover();
      if (!configuration.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(configuration, {
        client_id: this.config.oidc.clientId,
        post_logout_redirect_uri: this.config.oidc.postLogoutRedirectUri,
        ...(idToken && { id_token_hint: idToken }),
      }).href;
    } catch {
      return undefined;
    }
  }

  /** Discovered on first use and kept; a failure is retried on the next login, so the hub starts without the IdP. */
  private discover(): Promise<oidc.Configuration> {
    const { authIssuer, oidc: client } = this.config;
    this.configuration ??= oidc
      .discovery(
        new URL(authIssuer),
        client.clientId,
        client.clientSecret,
        oidc.ClientSecretBasic(client.clientSecret),
        {
          timeout: REQUEST_TIMEOUT_SECONDS,
          // Plain http only where the configuration allows it (development; production requires an https issuer).
          execute: new URL(authIssuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        },
      )
      .catch((err: unknown) => {
        this.configuration = undefined;
        throw new IdentityProviderUnavailableError(
          `the identity provider ${authIssuer} did not answer discovery: ${describeChain(err)}`,
          { cause: err },
        );
      });
    return this.configuration;
  }
}
