import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { parsePersonnummer } from '@hub/contracts';
import { IdentityProviderUnavailableError, LoginRefusedError } from '../auth/oidc-login.service.js';
import type { LoginAttempt } from '../auth/session.store.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { REQUIRED_LOA } from '../consents/consent-signing.service.js';
import { apiException } from '../http/http-errors.js';

/** The scopes of the citizen's login: who they are (`personnummer`) and their name. */
export const CITIZEN_SCOPE = 'openid profile personnummer';
const REQUEST_TIMEOUT_SECONDS = 10;

/** Who the provider says logged in. */
export interface CitizenIdentity {
  /** 12 digits, normalised; kept only long enough to compute the subject keys */
  personnummer: string;
  name: string | null;
  loa: string;
}

/**
 * Reads the verified ID token's claims: a valid `personnummer` and `acr` LoA3, nothing less (the Swedish framework's
 * level for access to one's own personal data); a reason when they are not there.
 */
export function citizenFromClaims(claims: Record<string, unknown>): CitizenIdentity | string {
  if (claims.acr !== REQUIRED_LOA) return `the login is not at LoA3 (acr ${String(claims.acr ?? 'missing')})`;
  if (typeof claims.personnummer !== 'string') return 'the provider gave no personnummer';
  const parsed = parsePersonnummer(claims.personnummer);
  if (!parsed.ok) return 'the provider gave a personnummer that is not valid';
  return { personnummer: parsed.value, name: typeof claims.name === 'string' ? claims.name : null, loa: claims.acr };
}

function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError || ['TimeoutError', 'AbortError'].includes((err as Error)?.name);
}

function describe(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    return err.error_description ? `${err.error} (${err.error_description})` : err.error;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * The citizen's login to "Mina uppgifter": the hub as an OpenID Connect relying party of the e-legitimation provider
 * (authorization code flow with PKCE, state and nonce, `acr_values` LoA3), by discovery, so that a real provider
 * replaces the mock by configuration (EID_ISSUER, EID_CLIENT_ID, EID_CLIENT_SECRET, EID_REDIRECT_URI).
 */
@Injectable()
export class CitizenLogin {
  private configuration?: Promise<oidc.Configuration>;

  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

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
      redirect_uri: this.eid().redirectUri,
      scope: CITIZEN_SCOPE,
      acr_values: REQUIRED_LOA,
      code_challenge: await oidc.calculatePKCECodeChallenge(attempt.codeVerifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
    });
  }

  /** Exchanges the code; the identity comes from the verified ID token, at LoA3 or refused. */
  async finishLogin(
    callbackQuery: string,
    attempt: LoginAttempt,
  ): Promise<{ identity: CitizenIdentity; idToken?: string }> {
    const configuration = await this.discover();
    const callbackUrl = new URL(this.eid().redirectUri);
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
      if (isNetworkFailure(err)) throw new IdentityProviderUnavailableError(describe(err), { cause: err });
      throw new LoginRefusedError(describe(err), { cause: err });
    }
    const identity = citizenFromClaims((tokens.claims() ?? {}) as Record<string, unknown>);
    if (typeof identity === 'string') throw new LoginRefusedError(identity);
    return { identity, idToken: tokens.id_token };
  }

  /** Where to send the browser to end its login at the provider too, when it offers that. */
  async endSessionUrl(idToken: string | undefined): Promise<string | undefined> {
    try {
      const configuration = await this.discover();
      if (!configuration.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(configuration, {
        client_id: this.eid().clientId,
        post_logout_redirect_uri: this.eid().postLogoutRedirectUri,
        ...(idToken && { id_token_hint: idToken }),
      }).href;
    } catch {
      return undefined;
    }
  }

  /** The callback's path on the hub, where the login cookie goes. */
  callbackPath(): string {
    return new URL(this.eid().redirectUri).pathname;
  }

  private eid(): NonNullable<HubConfig['eid']> {
    if (!this.config.eid) {
      throw apiException('eid-unavailable', 'no e-legitimation provider is configured (EID_ISSUER)');
    }
    return this.config.eid;
  }

  private discover(): Promise<oidc.Configuration> {
    const eid = this.eid();
    this.configuration ??= oidc
      .discovery(new URL(eid.issuer), eid.clientId, eid.clientSecret, oidc.ClientSecretBasic(eid.clientSecret), {
        timeout: REQUEST_TIMEOUT_SECONDS,
        execute: new URL(eid.issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      })
      .catch((err: unknown) => {
        this.configuration = undefined;
        throw new IdentityProviderUnavailableError(
          `the e-legitimation provider ${eid.issuer} did not answer discovery: ${describe(err)}`,
          { cause: err },
        );
      });
    return this.configuration;
  }
}
