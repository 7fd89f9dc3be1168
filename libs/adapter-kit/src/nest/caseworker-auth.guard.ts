import { readFileSync } from 'node:fs';
import {
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { staffUserFromClaims, type StaffRole, type StaffUser } from '@hub/contracts';
import type { AgencyAdapterDefinition } from '../agency-adapter.js';
import type { AdapterConfig } from '../adapter.config.js';
import { ADAPTER_CONFIG, ADAPTER_DEFINITION } from './adapter.tokens.js';

const ROLES = 'adapter:roles';
const PUBLIC = 'adapter:public';

/** The agency roles that may call an endpoint. */
export const AgencyRoles = (...roles: StaffRole[]) => SetMetadata(ROLES, roles);
export const PublicEndpoint = () => SetMetadata(PUBLIC, true);
export const Caseworker = createParamDecorator(
  (_data: unknown, context: ExecutionContext): StaffUser => context.switchToHttp().getRequest().user,
);

/**
 * The caseworker API is the agency's own: a bearer token from the configured issuer, of a staff member employed by
 * this agency, with a role the endpoint names. Municipal staff never see an agency's inbox.
 */
@Injectable()
export class CaseworkerAuthGuard implements CanActivate {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly reflector: Reflector,
    @Inject(ADAPTER_CONFIG) private readonly config: AdapterConfig,
    @Inject(ADAPTER_DEFINITION) private readonly definition: AgencyAdapterDefinition,
  ) {
    const jwks = config.authJwks;
    this.keys =
      'file' in jwks
        ? createLocalJWKSet(JSON.parse(readFileSync(jwks.file, 'utf8')))
        : createRemoteJWKSet(new URL(jwks.url));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: unknown = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) {
      throw new UnauthorizedException({ error: 'unauthenticated', message: 'a bearer access token is required' });
    }
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
    if (user.organisation !== this.definition.organisation) {
      throw new ForbiddenException({
        error: 'wrong-organisation',
        message: `only staff of ${this.definition.name} may use its caseworker API`,
      });
    }
    const allowed = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES, targets) ?? [];
    if (!allowed.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException({
        error: 'role-not-allowed',
        message: `this needs one of the roles: ${allowed.join(', ') || '(none)'}`,
      });
    }
    request.user = user;
    return true;
  }
}
