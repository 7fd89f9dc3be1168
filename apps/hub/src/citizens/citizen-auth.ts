import {
  applyDecorators,
  createParamDecorator,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiCookieAuth } from '@nestjs/swagger';
import { CITIZEN_KEY } from '../auth/auth.decorators.js';
import { CSRF_HEADER } from '../auth/bearer-auth.guard.js';
import { parseCookieHeader } from '../auth/cookies.js';
import { apiException } from '../http/http-errors.js';
import { CitizenSessionStore, type Citizen } from './citizen-session.store.js';

/** The browser's citizen session, only ever sent to the citizen's own API (its cookie's path). */
export const CITIZEN_SESSION_COOKIE = 'hub_medborgare';
export const CITIZEN_LOGIN_COOKIE = 'hub_medborgare_login';
/** The citizen's API, and the cookie's path: the browser does not send the cookie anywhere else on the hub. */
export const CITIZEN_API_PATH = '/api/medborgare';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface CitizenRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  citizen?: Citizen;
  citizenSessionExpiresAt?: Date;
}

/**
 * The citizen's own endpoints take the citizen's session cookie and nothing else: a bearer token or a staff session
 * (whoever holds it, whatever their roles) is refused with 401 before anything is looked up, and the staff guard
 * lets these endpoints through to this one only (see BearerAuthGuard). Changes need the CSRF header, as staff's do.
 */
@Injectable()
export class CitizenGuard implements CanActivate {
  constructor(private readonly sessions: CitizenSessionStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CitizenRequest>();
    if (request.headers.authorization !== undefined) {
      throw apiException(
        'citizen-login-required',
        'the citizen’s own pages take the citizen’s e-legitimation login, never a staff token',
      );
    }
    const sessionId = parseCookieHeader(String(request.headers.cookie ?? '')).get(CITIZEN_SESSION_COOKIE);
    const session = sessionId ? await this.sessions.findSession(sessionId) : undefined;
    if (!session) {
      throw apiException('citizen-login-required', `log in with e-legitimation first: ${CITIZEN_API_PATH}/login`);
    }
    if (!SAFE_METHODS.has(request.method) && !request.headers[CSRF_HEADER]) {
      throw apiException(
        'csrf-header-missing',
        `a request that changes something with the session cookie needs the ${CSRF_HEADER} header`,
      );
    }
    request.citizen = session.citizen;
    request.citizenSessionExpiresAt = session.expiresAt;
    return true;
  }
}

/** An endpoint of the citizen's own ("Mina uppgifter"): the citizen's session only, see CitizenGuard. */
export const CitizenOnly = () =>
  applyDecorators(SetMetadata(CITIZEN_KEY, true), UseGuards(CitizenGuard), ApiCookieAuth(CITIZEN_SESSION_COOKIE));

/** The citizen's login and logout: no session needed, but never a staff endpoint either. */
export const CitizenLoginEndpoint = () => SetMetadata(CITIZEN_KEY, true);

export const CurrentCitizen = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Citizen => context.switchToHttp().getRequest<CitizenRequest>().citizen!,
);

export const CitizenSessionExpiresAt = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Date | undefined =>
    context.switchToHttp().getRequest<CitizenRequest>().citizenSessionExpiresAt,
);
