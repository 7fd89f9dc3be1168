import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isScrapeToken } from '@hub/http';
import { Roles } from '../auth/auth.decorators.js';
import { BearerAuthGuard } from '../auth/bearer-auth.guard.js';
import type { StaffUser } from '../auth/staff-user.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { assertHubOperator } from '../organisations/hub-operator.js';

/** The route the hub's own guard judges a scraper's token against when it is not the scrape token. */
class OperatorOnlyRoute {
  @Roles('operator')
  scrape(): void {}
}

/** The same request, seen by the hub's guard as if it were for OperatorOnlyRoute. */
function asOperatorOnlyRoute(context: ExecutionContext): ExecutionContext {
  // the prototype keeps the request's own arguments and type; only the route's metadata is replaced
  return Object.assign(Object.create(context) as ExecutionContext, {
    getClass: () => OperatorOnlyRoute,
    getHandler: () => OperatorOnlyRoute.prototype.scrape,
  });
}

/**
 * GET /metrics: Prometheus sends the static METRICS_TOKEN as a bearer token; people and tools need an access token
 * (or a login session) of an operator of the organisation that runs the hub: the counts are of every tenant.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly bearer: BearerAuthGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined>; user?: StaffUser }>();
    if (isScrapeToken(request.headers.authorization, this.config.metricsToken)) return true;
    if (!(await this.bearer.canActivate(asOperatorOnlyRoute(context)))) return false;
    if (request.user) assertHubOperator(request.user, this.config.operatorOrganisation);
    return request.user !== undefined;
  }
}
