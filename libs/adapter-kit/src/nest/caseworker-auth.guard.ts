import {
  Inject,
  Injectable,
  SetMetadata,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { apiException, bearerToken, isScrapeToken, StaffTokenVerifier } from '@hub/http';
import type { StaffRole, StaffUser } from '@hub/contracts';
import type { AgencyAdapterDefinition } from '../agency-adapter.js';
import type { AdapterConfig } from '../adapter.config.js';
import { ADAPTER_CONFIG, ADAPTER_DEFINITION } from './adapter.tokens.js';

const ROLES = 'adapter:roles';
const PUBLIC = 'adapter:public';
const SCRAPE = 'adapter:scrape-token';

/** The agency roles that may call an endpoint. */
export const AgencyRoles = (...roles: StaffRole[]) => SetMetadata(ROLES, roles);
export const PublicEndpoint = () => SetMetadata(PUBLIC, true);
/** The endpoint also takes the configured METRICS_TOKEN, as Prometheus sends it. */
export const ScrapeTokenAccepted = () => SetMetadata(SCRAPE, true);
export const Caseworker = createParamDecorator(
  (_data: unknown, context: ExecutionContext): StaffUser => context.switchToHttp().getRequest().user,
);

/**
 * The caseworker API is the agency's own: a bearer token from the configured issuer, of a staff member employed by
 * this agency, with a role the endpoint names. Municipal staff never see an agency's inbox.
 */
@Injectable()
export class CaseworkerAuthGuard implements CanActivate {
  private readonly tokens: StaffTokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(ADAPTER_CONFIG) private readonly config: AdapterConfig,
    @Inject(ADAPTER_DEFINITION) private readonly definition: AgencyAdapterDefinition,
  ) {
    this.tokens = new StaffTokenVerifier({
      issuer: config.authIssuer,
      audience: config.authAudience,
      jwks: config.authJwks,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest();
    if (
      this.reflector.getAllAndOverride<boolean>(SCRAPE, targets) &&
      isScrapeToken(request.headers.authorization, this.config.metricsToken)
    ) {
      return true;
    }
    const token = bearerToken(request.headers.authorization);
    if (!token) throw apiException('unauthenticated', 'a bearer access token is required');
    const user = await this.tokens.verify(token);
    if (user.organisation !== this.definition.organisation) {
      throw apiException('wrong-organisation', `only staff of ${this.definition.name} may use its caseworker API`);
    }
    const allowed = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES, targets) ?? [];
    if (!allowed.some((role) => user.roles.includes(role))) {
      throw apiException('role-not-allowed', `this needs one of the roles: ${allowed.join(', ') || '(none)'}`);
    }
    request.user = user;
    return true;
  }
}
