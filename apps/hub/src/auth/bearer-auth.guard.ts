import { readFileSync } from 'node:fs';
import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { StaffRole } from '@hub/contracts';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import { staffUserFromClaims } from './staff-user.js';

/**
 * Every request needs a bearer access token from the configured issuer, verified against its keys, and a role the
 * endpoint allows. An endpoint that names no roles and is not marked public is refused: nothing is open by accident.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly reflector: Reflector,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    const jwks = config.authJwks;
    this.keys =
      'file' in jwks
        ? createLocalJWKSet(JSON.parse(readFileSync(jwks.file, 'utf8')))
        : createRemoteJWKSet(new URL(jwks.url));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Broker messages are authenticated by the messaging layer (broker user, signature), not by tokens.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: unknown = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token)
      throw new UnauthorizedException({ error: 'unauthenticated', message: 'a bearer access token is required' });
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keys, {
        issuer: this.config.authIssuer,
        audience: this.config.authAudience,
      }));
    } catch (err) {
      throw new UnauthorizedException({
        error: 'invalid-token',
        message: `the access token was refused: ${(err as Error).message}`,
      });
    }
    const user = staffUserFromClaims(claims);
    if (typeof user === 'string') throw new UnauthorizedException({ error: 'invalid-token', message: user });
    request.user = user;
    const allowed = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!allowed.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException({
        error: 'role-not-allowed',
        message: `this needs one of the roles: ${allowed.join(', ') || '(none)'}`,
      });
    }
    return true;
  }
}
