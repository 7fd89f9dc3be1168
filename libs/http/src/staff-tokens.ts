import { readFileSync } from 'node:fs';
import { UnauthorizedException } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { staffUserFromClaims, type StaffUser } from '@hub/contracts';

export interface StaffTokenSettings {
  issuer: string;
  audience: string;
  /** the issuer's signing keys: a JWKS URL, or a file for development and tests */
  jwks: { url: string } | { file: string };
}

/** Verifies staff access tokens against the issuer's keys; a refused token is a 401 in the API's error format. */
export class StaffTokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly settings: StaffTokenSettings) {
    const { jwks } = settings;
    this.keys =
      'file' in jwks
        ? createLocalJWKSet(JSON.parse(readFileSync(jwks.file, 'utf8')))
        : createRemoteJWKSet(new URL(jwks.url));
  }

  async verify(token: string): Promise<StaffUser> {
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
      }));
    } catch (err) {
      throw new UnauthorizedException({
        error: 'invalid-token',
        message: `the access token was refused: ${(err as Error).message}`,
      });
    }
    const user = staffUserFromClaims(claims);
    if (typeof user === 'string') throw new UnauthorizedException({ error: 'invalid-token', message: user });
    return user;
  }
}

/** The bearer token of an `Authorization` header, if there is one. */
export function bearerToken(header: unknown): string | undefined {
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}
