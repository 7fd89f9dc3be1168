import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiErrorFilter, type ErrorCode } from '../http/http-errors.js';
import type { StaffUser } from '../auth/staff-user.js';
import { RefusalAudit } from './refusal-audit.js';

/**
 * The refusals worth an audit entry: a role the endpoint does not allow, a change by someone who is not a party or
 * not its admin, a request without the unit it needs or without the CSRF header, and an object the caller may not
 * see (another tenant's id answers `not-found`, exactly as an id that does not exist). Policy denials are not here:
 * the services audit those with their reasons.
 */
const AUDITED_CODES: ErrorCode[] = [
  'role-not-allowed',
  'not-a-party',
  'not-an-admin',
  'no-unit',
  'csrf-header-missing',
  'not-found',
];
const AUDITED = new Set<string>(AUDITED_CODES);

interface RefusedRequest {
  method: string;
  url: string;
  user?: StaffUser;
  routeOptions?: { url?: string };
}

/** The API's error format, and an audit of the refusals a signed-in caller met (RefusalAudit aggregates them). */
@Catch()
export class RefusalAuditingFilter extends ApiErrorFilter {
  constructor(
    adapterHost: HttpAdapterHost,
    private readonly refusals: RefusalAudit,
  ) {
    super(adapterHost);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http' && exception instanceof HttpException) {
      const request = host.switchToHttp().getRequest<RefusedRequest>();
      const body = exception.getResponse() as { error?: unknown };
      const reason = typeof body === 'object' && body !== null ? String(body.error) : '';
      if (request.user && AUDITED.has(reason)) {
        this.refusals.record({
          actor: request.user.id,
          organisation: request.user.organisation,
          unit: request.user.unit,
          reason,
          status: exception.getStatus(),
          method: request.method,
          route: request.routeOptions?.url ?? 'unknown',
        });
      }
    }
    super.catch(exception, host);
  }
}
