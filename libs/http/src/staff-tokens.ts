import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { staffUserFromClaims, type StaffUser } from '@hub/contracts';
import { apiException } from './api-errors.js';

export interface StaffTokenSettings {
  issuer: string;
  audience: string;
  /** the issuer's signing keys: a JWKS URL, or a file for development and tests */
  jwks: { url: string } | { file: string };
  /** the clock tokens are checked against, in ms; for tests */
  now?: () => number;
}

/**
 * A verified token is remembered for at most this long (and never past its `exp`): a client sends the same token
 * with every request, and an ES256 verification costs more CPU than the rest of a guard. The bound is how long a
 * token signed with a key the issuer has since withdrawn from its JWKS can still be accepted.
 */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
const MAX_REMEMBERED_TOKENS = 10_000;

/** Verifies staff access tokens against the issuer's keys; a refused token is a 401 in the API's error format. */
export class StaffTokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly now: () => number;
  private readonly verified = new Map<string, { user: StaffUser; until: number }>();

  constructor(private readonly settings: StaffTokenSettings) {
    const { jwks } = settings;
    this.now = settings.now ?? Date.now;
    this.keys =
      'file' in jwks
        ? createLocalJWKSet(JSON.parse(readFileSync(jwks.file, 'utf8')))
        : createRemoteJWKSet(new URL(jwks.url));
  }

  async verify(token: string): Promise<StaffUser> {
    const now = this.now();
    const remembered = this.verified.get(token);
    if (remembered && now < remembered.until) return { ...remembered.user, roles: [...remembered.user.roles] };
    if (remembered) this.verified.delete(token);
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        currentDate: new Date(now),
        // a token that never expires would be a key for ever: whoever copied it once keeps the access
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw apiException('invalid-token', `the access token was refused: ${(err as Error).message}`);
    }
    const user = staffUserFromClaims(claims);
    if (typeof user === 'string') throw apiException('invalid-token', user);
    this.remember(token, user, Math.min((claims.exp as number) * 1000, now + VERIFIED_TOKEN_TTL_MS));
    return user;
  }

  private remember(token: string, user: StaffUser, until: number): void {
    // oldest first: a Map keeps insertion order
    if (this.verified.size >= MAX_REMEMBERED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { user: { ...user, roles: [...user.roles] }, until });
  }
}

/** The bearer token of an `Authorization` header, if there is one. */
export function bearerToken(header: unknown): string | undefined {
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}
