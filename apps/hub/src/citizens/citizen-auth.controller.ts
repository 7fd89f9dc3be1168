import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtension,
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
import { maskPersonnummer } from '@hub/contracts';
import { CSRF_HEADER } from '../auth/bearer-auth.guard.js';
import { parseCookieHeader, serializeCookie } from '../auth/cookies.js';
import { IdentityProviderUnavailableError, LoginRefusedError } from '../auth/oidc-login.service.js';
import { localReturnPath } from '../auth/return-to.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { Subjects } from '../core/subjects.js';
import { apiException } from '../http/http-errors.js';
import {
  CITIZEN_API_PATH,
  CITIZEN_LOGIN_COOKIE,
  CITIZEN_SESSION_COOKIE,
  CitizenLoginEndpoint,
  CitizenOnly,
  CitizenSessionExpiresAt,
  CurrentCitizen,
} from './citizen-auth.js';
import { CitizenLogin } from './citizen-login.service.js';
import { CitizenSessionStore, type Citizen } from './citizen-session.store.js';
import { CitizenLogoutView, CitizenMeView } from './citizen.dto.js';
import { CitizenService } from './citizen.service.js';

const LOGIN_ATTEMPT_TTL_SECONDS = 600;
/** Where the citizen's pages are in the web UI, and where a login returns to unless told. */
export const CITIZEN_PAGES = '/mina-uppgifter';

function redirect(res: FastifyReply, status: 302 | 303, location: string): void {
  res.header('Cache-Control', 'no-store').redirect(location, status);
}

/**
 * The citizen's login to "Mina uppgifter" with e-legitimation (OpenID Connect, LoA3), apart from the staff's: its own
 * login attempts, sessions and cookie, which the browser sends to the citizen's API only.
 */
@ApiTags('medborgare')
@Controller('medborgare')
export class CitizenAuthController {
  constructor(
    private readonly login: CitizenLogin,
    private readonly sessions: CitizenSessionStore,
    private readonly subjects: Subjects,
    private readonly citizens: CitizenService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @CitizenLoginEndpoint()
  @Get('login')
  @ApiExtension('x-public', true)
  @ApiOperation({
    summary: 'Start the citizen’s login with e-legitimation: redirects the browser to the provider',
    description:
      'Authorization code flow with PKCE, state and nonce, `acr_values` LoA3; the secrets stay on the server, the ' +
      'browser gets a short-lived `hub_medborgare_login` cookie. After the login the browser comes back to ' +
      '`returnTo`, a path of the citizen’s pages.',
  })
  @ApiQuery({ name: 'returnTo', required: false, description: 'a path under /mina-uppgifter; default /mina-uppgifter' })
  @ApiFoundResponse({ description: 'to the e-legitimation provider' })
  @ApiBadRequestResponse({ description: 'invalid-return-to' })
  @ApiServiceUnavailableResponse({ description: 'eid-unavailable' })
  async start(@Query('returnTo') returnTo: unknown, @Res() res: FastifyReply): Promise<void> {
    const returnPath = localReturnPath(returnTo ?? CITIZEN_PAGES);
    if (returnPath === undefined || !(returnPath === CITIZEN_PAGES || returnPath.startsWith(`${CITIZEN_PAGES}/`))) {
      throw apiException('invalid-return-to', `returnTo must be a path under ${CITIZEN_PAGES}`);
    }
    const attempt = this.login.newLoginAttempt(returnPath);
    const authorizationUrl = await this.login.authorizationUrl(attempt).catch(unavailable);
    const attemptId = await this.sessions.createLoginAttempt(attempt, LOGIN_ATTEMPT_TTL_SECONDS);
    res.header(
      'Set-Cookie',
      this.cookie(CITIZEN_LOGIN_COOKIE, attemptId, this.login.callbackPath(), LOGIN_ATTEMPT_TTL_SECONDS),
    );
    redirect(res, 302, authorizationUrl.href);
  }

  @CitizenLoginEndpoint()
  @Get('callback')
  @ApiExtension('x-public', true)
  @ApiOperation({
    summary: 'Where the e-legitimation provider sends the citizen back: creates the citizen’s session',
    description:
      'Checks state, nonce and PKCE through the code exchange, then `acr` LoA3 and the `personnummer` claim of the ' +
      'verified ID token; sets the `hub_medborgare` cookie (HttpOnly, SameSite=Lax, path /api/medborgare) and ' +
      'redirects to the login’s returnTo. The session holds the person’s subject keys, never the personnummer.',
  })
  @ApiSeeOtherResponse({ description: 'to the citizen’s pages, logged in' })
  @ApiBadRequestResponse({ description: 'login-expired, or login-failed (also below LoA3)' })
  @ApiServiceUnavailableResponse({ description: 'eid-unavailable' })
  async callback(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    res.header('Set-Cookie', this.cookie(CITIZEN_LOGIN_COOKIE, '', this.login.callbackPath(), 0));
    const cookies = parseCookieHeader(req.headers.cookie);
    const attemptId = cookies.get(CITIZEN_LOGIN_COOKIE);
    const attempt = attemptId ? await this.sessions.takeLoginAttempt(attemptId) : undefined;
    if (!attempt) {
      throw apiException(
        'login-expired',
        `no login is in progress in this browser (or it took too long); start again at ${CITIZEN_API_PATH}/login`,
      );
    }
    const url = req.originalUrl;
    const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    let login: Awaited<ReturnType<CitizenLogin['finishLogin']>>;
    try {
      login = await this.login.finishLogin(query, attempt);
    } catch (err) {
      if (err instanceof LoginRefusedError) {
        throw apiException('login-failed', `the login was refused: ${err.message}`);
      }
      return unavailable(err);
    }
    const { identity } = login;
    const citizen: Citizen = {
      subjectKeys: this.subjects.subjectKeysOf(identity.personnummer),
      subjectMasked: maskPersonnummer(identity.personnummer),
      name: identity.name,
      loa: identity.loa,
    };
    const previous = cookies.get(CITIZEN_SESSION_COOKIE);
    if (previous) await this.sessions.deleteSession(previous);
    const sessionId = await this.sessions.createSession(citizen, login.idToken, this.config.citizenSessionTtlSeconds);
    res.header(
      'Set-Cookie',
      this.cookie(CITIZEN_SESSION_COOKIE, sessionId, CITIZEN_API_PATH, this.config.citizenSessionTtlSeconds),
    );
    redirect(res, 303, attempt.returnTo);
  }

  @CitizenLoginEndpoint()
  @Post('logout')
  @ApiExtension('x-public', true)
  @HttpCode(200)
  @ApiOperation({
    summary: 'End the citizen’s session',
    description: '`endSessionUrl`, when present, is where the browser ends its login at the provider too.',
  })
  @ApiOkResponse({ type: CitizenLogoutView })
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<CitizenLogoutView> {
    if (!req.headers[CSRF_HEADER]) {
      throw apiException('csrf-header-missing', `logging out with the session cookie needs the ${CSRF_HEADER} header`);
    }
    const sessionId = parseCookieHeader(req.headers.cookie).get(CITIZEN_SESSION_COOKIE);
    const ended = sessionId ? await this.sessions.deleteSession(sessionId) : undefined;
    res.header('Set-Cookie', this.cookie(CITIZEN_SESSION_COOKIE, '', CITIZEN_API_PATH, 0));
    const endSessionUrl = ended ? await this.login.endSessionUrl(ended.idToken) : undefined;
    return endSessionUrl ? { endSessionUrl } : {};
  }

  @CitizenOnly()
  @Get('me')
  @ApiOperation({ summary: 'Who is logged in to "Mina uppgifter": the masked personnummer, name and LoA' })
  @ApiOkResponse({ type: CitizenMeView })
  @ApiUnauthorizedResponse({ description: 'citizen-login-required (also for any staff token or session)' })
  me(@CurrentCitizen() citizen: Citizen, @CitizenSessionExpiresAt() expiresAt: Date): CitizenMeView {
    return this.citizens.me(citizen, expiresAt);
  }

  private cookie(name: string, value: string, path: string, maxAge: number): string {
    return serializeCookie(name, value, { path, maxAge, secure: this.config.production });
  }
}

function unavailable(err: unknown): never {
  if (err instanceof IdentityProviderUnavailableError) throw apiException('eid-unavailable', err.message);
  throw err;
}
