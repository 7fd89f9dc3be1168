import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { StaffTokenVerifier } from '@hub/http';
import type { StaffRole } from '@hub/contracts';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { AUTHENTICATED_KEY, CITIZEN_KEY, PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import { parseCookieHeader, SESSION_COOKIE } from './cookies.js';
import { SessionStore } from './session.store.js';
import type { StaffUser } from './staff-user.js';
import { apiException } from '../http/http-errors.js';

/**
 * A header that a browser sends cross-origin only after a CORS preflight, which the hub never grants: a forged form
 * or image on another site cannot carry it, so a state-changing request that has it comes from the hub's own pages.
 */
export const CSRF_HEADER = 'x-requested-with';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How the caller proved who they are; `request.authentication` after the guard. */
export type Authentication = { method: 'bearer' } | { method: 'session'; sessionExpiresAt: Date };

interface GuardedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  user?: StaffUser;
  authentication?: Authentication;
}

/**
 * Every request needs either a bearer access token from the configured issuer, verified against its keys (tools), or
 * the cookie of a staff session the hub created at login (web UI); then a role the endpoint allows. A bearer header
 * wins over a cookie. An endpoint that names no roles and is neither public nor open to any signed-in caller is
 * refused: nothing is open by accident. The citizen's own endpoints (CITIZEN_KEY) are not staff endpoints at all:
 * they are left to CitizenGuard, which accepts no staff credential.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  private readonly tokens: StaffTokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly sessions: SessionStore,
  ) {
    this.tokens = new StaffTokenVerifier({
      issuer: config.authIssuer,
      audience: config.authAudience,
      jwks: config.authJwks,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Broker messages are authenticated by the messaging layer (broker user, signature), not by tokens.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    // the citizen's own endpoints: CitizenGuard takes the citizen's session there, and refuses staff credentials
    if (this.reflector.getAllAndOverride<boolean>(CITIZEN_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const header = request.headers.authorization;
    const sessionId =
      header === undefined ? parseCookieHeader(String(request.headers.cookie ?? '')).get(SESSION_COOKIE) : undefined;
    if (typeof header === 'string' && header.startsWith('Bearer ')) {
      request.user = await this.userFromBearerToken(header.slice(7));
      request.authentication = { method: 'bearer' };
    } else if (sessionId) {
      const session = await this.sessions.findSession(sessionId);
      if (!session) {
        throw apiException('session-expired', 'the session has ended; log in again');
      }
      if (!SAFE_METHODS.has(request.method) && !request.headers[CSRF_HEADER]) {
        throw apiException(
          'csrf-header-missing',
          `a request that changes something with the session cookie needs the ${CSRF_HEADER} header`,
        );
      }
      request.user = session.user;
      request.authentication = { method: 'session', sessionExpiresAt: session.expiresAt };
    } else {
      throw apiException('unauthenticated', 'a bearer access token or a login session is required');
    }
    if (this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_KEY, targets)) return true;
    const user = request.user;
    const allowed = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!allowed.some((role) => user.roles.includes(role))) {
      throw apiException('role-not-allowed', `this needs one of the roles: ${allowed.join(', ') || '(none)'}`);
    }
    return true;
  }

  private userFromBearerToken(token: string): Promise<StaffUser> {
    return this.tokens.verify(token);
  }
}
