import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSeeOtherResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { Authenticated, CurrentUser, Public } from './auth.decorators.js';
import { LogoutView, MeView } from './auth.dto.js';
import type { Authentication } from './bearer-auth.guard.js';
import { LOGIN_COOKIE, parseCookieHeader, serializeCookie, SESSION_COOKIE } from './cookies.js';
import { IdentityProviderUnavailableError, LoginRefusedError, OidcLogin } from './oidc-login.service.js';
import { localReturnPath } from './return-to.js';
import { SessionStore } from './session.store.js';
import type { StaffUser } from './staff-user.js';
import { apiException } from '../http/http-errors.js';

/** A login has this long between the redirect to the identity provider and the callback. */
const LOGIN_ATTEMPT_TTL_SECONDS = 600;

type HubRequest = FastifyRequest & { authentication?: Authentication };

// Fastify keeps every Set-Cookie given, in order
function addSetCookie(res: FastifyReply, cookie: string): void {
  res.header('Set-Cookie', cookie);
}

function redirect(res: FastifyReply, status: 302 | 303, location: string): void {
  res.header('Cache-Control', 'no-store').redirect(location, status);
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly login: OidcLogin,
    private readonly sessions: SessionStore,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Public()
  @Get('login')
  @ApiOperation({
    summary: 'Start the staff login: redirects the browser to the identity provider',
    description:
      'Authorization code flow with PKCE, state and nonce; the secrets stay on the server, the browser gets a ' +
      'short-lived `hub_login` cookie. After the login the browser comes back to `returnTo`, a path on the hub.',
  })
  @ApiQuery({ name: 'returnTo', required: false, description: 'a local path such as /agreements; default /' })
  @ApiFoundResponse({ description: 'to the identity provider' })
  @ApiBadRequestResponse({ description: 'invalid-return-to: not a path on the hub' })
  @ApiServiceUnavailableResponse({ description: 'idp-unavailable' })
  async start(@Query('returnTo') returnTo: unknown, @Res() res: FastifyReply): Promise<void> {
    const returnPath = localReturnPath(returnTo);
    if (returnPath === undefined) {
      throw apiException('invalid-return-to', 'returnTo must be a path on the hub');
    }
    const attempt = this.login.newLoginAttempt(returnPath);
    const authorizationUrl = await this.login.authorizationUrl(attempt).catch(this.unavailable);
    const attemptId = await this.sessions.createLoginAttempt(attempt, LOGIN_ATTEMPT_TTL_SECONDS);
    addSetCookie(res, this.cookie(LOGIN_COOKIE, attemptId, this.callbackPath(), LOGIN_ATTEMPT_TTL_SECONDS));
    redirect(res, 302, authorizationUrl.href);
  }

  @Public()
  @Get('callback')
  @ApiOperation({
    summary: 'Where the identity provider sends the browser back: creates the session',
    description:
      'Checks state, nonce and PKCE through the code exchange, then sets the `hub_session` cookie (HttpOnly, ' +
      'SameSite=Lax, Secure in production) and redirects to the `returnTo` of the login.',
  })
  @ApiSeeOtherResponse({ description: 'to the returnTo path, logged in' })
  @ApiBadRequestResponse({ description: 'login-expired (no login in progress) or login-failed' })
  @ApiServiceUnavailableResponse({ description: 'idp-unavailable' })
  async callback(@Req() req: HubRequest, @Res() res: FastifyReply): Promise<void> {
    // Single use whatever happens next: a failed callback needs a new login.
    addSetCookie(res, this.cookie(LOGIN_COOKIE, '', this.callbackPath(), 0));
    const attemptId = parseCookieHeader(req.headers.cookie).get(LOGIN_COOKIE);
    const attempt = attemptId ? await this.sessions.takeLoginAttempt(attemptId) : undefined;
    if (!attempt) {
      throw apiException(
        'login-expired',
        'no login is in progress in this browser (or it took too long); start again at /api/auth/login',
      );
    }
    const url = req.originalUrl;
    const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    let login: { user: StaffUser; idToken?: string };
    try {
      login = await this.login.finishLogin(query, attempt);
    } catch (err) {
      if (err instanceof LoginRefusedError) {
        throw apiException('login-failed', `the login was refused: ${err.message}`);
      }
      return this.unavailable(err);
    }
    // A new login replaces the browser's previous session rather than leaving it valid beside the new one.
    const previousSessionId = parseCookieHeader(req.headers.cookie).get(SESSION_COOKIE);
    if (previousSessionId) await this.sessions.deleteSession(previousSessionId);
    const sessionId = await this.sessions.createSession(login.user, login.idToken, this.config.sessionTtlSeconds);
    addSetCookie(res, this.cookie(SESSION_COOKIE, sessionId, '/', this.config.sessionTtlSeconds));
    redirect(res, 303, attempt.returnTo);
  }

  @Authenticated()
  @Post('logout')
  @HttpCode(200)
  @ApiOperation({
    summary: 'End the session',
    description:
      'With the session cookie (and the x-requested-with header) the session ends at once. `endSessionUrl`, when ' +
      'present, is where the browser ends its login at the identity provider too. A bearer token cannot be ended ' +
      'here; it expires by itself.',
  })
  @ApiOkResponse({ type: LogoutView })
  @ApiUnauthorizedResponse({ description: 'not logged in' })
  async logout(@Req() req: HubRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<LogoutView> {
    if (req.authentication?.method !== 'session') return {};
    const sessionId = parseCookieHeader(req.headers.cookie).get(SESSION_COOKIE) ?? '';
    const ended = await this.sessions.deleteSession(sessionId);
    addSetCookie(res, this.cookie(SESSION_COOKIE, '', '/', 0));
    const endSessionUrl = await this.login.endSessionUrl(ended?.idToken);
    return endSessionUrl ? { endSessionUrl } : {};
  }

  @Authenticated()
  @Get('me')
  @ApiOperation({ summary: 'Who is logged in: name, organisation, unit and roles' })
  @ApiOkResponse({ type: MeView })
  @ApiUnauthorizedResponse({ description: 'not logged in' })
  me(@CurrentUser() user: StaffUser, @Req() req: HubRequest): MeView {
    const authentication = req.authentication;
    return {
      id: user.id,
      name: user.name,
      organisation: user.organisation,
      ...(user.unit !== undefined && { unit: user.unit }),
      roles: user.roles,
      authenticatedBy: authentication?.method === 'session' ? 'session' : 'bearer',
      ...(authentication?.method === 'session' && {
        sessionExpiresAt: authentication.sessionExpiresAt.toISOString(),
      }),
    };
  }

  private readonly unavailable = (err: unknown): never => {
    if (err instanceof IdentityProviderUnavailableError) {
      throw apiException('idp-unavailable', err.message);
    }
    throw err;
  };

  private callbackPath(): string {
    return new URL(this.config.oidc.redirectUri).pathname;
  }

  private cookie(name: string, value: string, path: string, maxAge: number): string {
    return serializeCookie(name, value, { path, maxAge, secure: this.config.production });
  }
}
