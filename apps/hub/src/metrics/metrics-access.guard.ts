import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isScrapeToken } from '@hub/http';
import { Roles } from '../auth/auth.decorators.js';
import { BearerAuthGuard } from '../auth/bearer-auth.guard.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';

/** The route the hub's own guard judges a scraper's token against when it is not the scrape token. */
class AdminOnlyRoute {
  @Roles('admin')
  scrape(): void {}
}

/** The same request, seen by the hub's guard as if it were for AdminOnlyRoute. */
function asAdminOnlyRoute(context: ExecutionContext): ExecutionContext {
  // the prototype keeps the request's own arguments and type; only the route's metadata is replaced
  return Object.assign(Object.create(context) as ExecutionContext, {
    getClass: () => AdminOnlyRoute,
    getHandler: () => AdminOnlyRoute.prototype.scrape,
  });
}

/**
 * GET /metrics: Prometheus sends the static METRICS_TOKEN as a bearer token; people and tools need an access token
 * (or a login session) with the role admin, checked by the hub's own guard exactly as on any admin-only route.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly bearer: BearerAuthGuard,
  ) {}

  canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const { headers } = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    if (isScrapeToken(headers.authorization, this.config.metricsToken)) return true;
    return this.bearer.canActivate(asAdminOnlyRoute(context));
  }
}
