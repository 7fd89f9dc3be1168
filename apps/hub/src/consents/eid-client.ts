import { Inject, Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as oidc from 'openid-client';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { apiException } from '../http/http-errors.js';

/** `typ` of the provider's signatures (docs/e-legitimation.md), so that no ID token passes for one. */
export const SIGNATURE_TYP = 'eid-signature+jwt';
const REQUEST_TIMEOUT_MS = 5_000;

export interface StartedSigning {
  orderId: string;
  qrStartToken: string;
  qrStartSecret: string;
  qrBaseUrl: string;
  expiresAt: string;
}

export type SigningStatus = 'pending' | 'complete' | 'failed' | 'cancelled' | 'expired';

export interface CollectedSigning {
  orderId: string;
  status: SigningStatus;
  hintCode?: string;
  completionData?: {
    user: { personnummer: string; name: string };
    signature: string;
    textSha256: string;
    loa: string;
    signedAt: string;
  };
}

/** What a verified signature says: the provider's own key signed these, for this hub. */
export interface VerifiedSignature {
  order: string;
  personnummer: string;
  textSha256: string;
  acr: string;
}

/**
 * The hub as a relying party of the e-legitimation provider: its signing API (sign, collect, cancel with the client's
 * id and secret) and its keys, found through OpenID Connect discovery, so that another provider that speaks both
 * replaces the mock by configuration alone.
 */
@Injectable()
export class EidClient {
  private readonly logger = new Logger('e-legitimation');
  private keys?: Promise<{ issuer: string; jwks: JWTVerifyGetKey }>;

  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  startSigning(text: string, personnummer: string): Promise<StartedSigning> {
    return this.call<StartedSigning>('sign', { text, personnummer });
  }

  collect(orderId: string): Promise<CollectedSigning> {
    return this.call<CollectedSigning>('collect', { orderId });
  }

  async cancel(orderId: string): Promise<void> {
    await this.call('cancel', { orderId });
  }

  /** Checks the signature against the provider's published keys, its issuer and that it was made for this hub. */
  async verify(signature: string): Promise<VerifiedSignature> {
    const eid = this.eid();
    const { issuer, jwks } = await this.discoverKeys();
    const { payload } = await jwtVerify(signature, jwks, {
      issuer,
      audience: eid.clientId,
      typ: SIGNATURE_TYP,
      algorithms: ['ES256', 'ES384', 'RS256', 'PS256'],
    });
    const { order, personnummer, textSha256, acr } = payload;
    if ([order, personnummer, textSha256, acr].some((value) => typeof value !== 'string')) {
      throw new Error('the signature lacks order, personnummer, textSha256 or acr');
    }
    return { order, personnummer, textSha256, acr } as VerifiedSignature;
  }

  private eid(): NonNullable<HubConfig['eid']> {
    if (!this.config.eid) {
      throw apiException('eid-unavailable', 'no e-legitimation provider is configured (EID_ISSUER)');
    }
    return this.config.eid;
  }

  private async call<T>(operation: 'sign' | 'collect' | 'cancel', body: unknown): Promise<T> {
    const eid = this.eid();
    const credentials = Buffer.from(
      `${encodeURIComponent(eid.clientId)}:${encodeURIComponent(eid.clientSecret)}`,
    ).toString('base64');
    let response: Response;
    try {
      response = await fetch(new URL(operation, eid.signingUrl), {
        method: 'POST',
        headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      this.logger.error(`the e-legitimation provider did not answer ${operation}: ${(err as Error).message}`);
      throw apiException('eid-unavailable', 'the e-legitimation provider does not answer; try again');
    }
    const answer = (await response.json().catch(() => undefined)) as T | undefined;
    if (!response.ok || answer === undefined) {
      this.logger.error(`the e-legitimation provider answered ${operation} with ${response.status}`);
      throw apiException('eid-unavailable', `the e-legitimation provider refused ${operation}; try again`);
    }
    return answer;
  }

  /** Discovered on first use and kept; a failure is tried again next time, so the hub starts without the provider. */
  private discoverKeys(): Promise<{ issuer: string; jwks: JWTVerifyGetKey }> {
    const eid = this.eid();
    this.keys ??= oidc
      .discovery(new URL(eid.issuer), eid.clientId, eid.clientSecret, oidc.ClientSecretBasic(eid.clientSecret), {
        timeout: REQUEST_TIMEOUT_MS / 1000,
        execute: new URL(eid.issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      })
      .then((configuration) => {
        const metadata = configuration.serverMetadata();
        if (!metadata.jwks_uri) throw new Error(`${eid.issuer} publishes no jwks_uri`);
        return { issuer: metadata.issuer, jwks: createRemoteJWKSet(new URL(metadata.jwks_uri)) };
      })
      .catch((err: unknown) => {
        this.keys = undefined;
        this.logger.error(`discovery of ${eid.issuer} failed: ${(err as Error).message}`);
        throw apiException('eid-unavailable', 'the e-legitimation provider’s keys cannot be read; try again');
      });
    return this.keys;
  }
}
