import {
  BadRequestException,
  Catch,
  ConflictException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  InternalServerErrorException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
  ValidationPipe,
  type ArgumentsHost,
  type ExceptionFilter,
  type ValidationError,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';
import { memoizeValidationMetadata } from './validation-metadata.js';

/** The one error body of the API: a stable machine-readable `error` code, a sentence for people, and details. */
export interface ApiError {
  statusCode: number;
  /** an `ErrorCode`, or a policy denial's reason code */
  error: string;
  message: string;
  details?: unknown;
}

const EXCEPTIONS: Record<(typeof ERROR_CODES)[ErrorCode], new (body: object) => HttpException> = {
  400: BadRequestException,
  401: UnauthorizedException,
  403: ForbiddenException,
  404: NotFoundException,
  409: ConflictException,
  413: PayloadTooLargeException,
  415: UnsupportedMediaTypeException,
  500: InternalServerErrorException,
  503: ServiceUnavailableException,
};

/** The API's error for a code: Nest's exception for the status the code comes with (ERROR_CODES). */
export function apiException(error: ErrorCode, message: string, details?: unknown): HttpException {
  return new EXCEPTIONS[ERROR_CODES[error]]({ error, message, ...(details !== undefined && { details }) });
}

const flatten = (errors: ValidationError[], prefix = ''): Array<{ field: string; problems: string[] }> =>
  errors.flatMap((e) => [
    ...(e.constraints ? [{ field: `${prefix}${e.property}`, problems: Object.values(e.constraints) }] : []),
    ...flatten(e.children ?? [], `${prefix}${e.property}.`),
  ]);

memoizeValidationMetadata();

/** Unknown fields are refused, not ignored; every problem is listed. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  exceptionFactory: (errors) => {
    const details = flatten(errors);
    return apiException(
      'invalid-request',
      details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; '),
      details,
    );
  },
});

const ERROR_CODE = /^[a-z]+(-[a-z]+)*$/;

const CODES: Record<number, ErrorCode> = {
  400: 'invalid-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  503: 'unavailable',
};

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** admin_shutdown, crash_shutdown, cannot_connect_now (starting up or in recovery), too_many_connections */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const LOST_CONNECTION =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)/;

/**
 * PostgreSQL cannot be reached, is going down or is not up yet (from pg, or wrapped by TypeORM): the request may
 * well succeed in a moment, so it is a 503, not a 500.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const { code, message, driverError, cause } = err as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && (UNREACHABLE.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08/.test(code))) {
    return true;
  }
  if (typeof message === 'string' && LOST_CONNECTION.test(message)) return true;
  return isDatabaseUnavailable(driverError, depth + 1) || isDatabaseUnavailable(cause, depth + 1);
}

/** How long a client should wait before trying again after a 503 for a database outage, in seconds. */
export const RETRY_AFTER_SECONDS = 5;

@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  // HTTP only: broker handlers have their own filter (@BrokerController, libs/messaging)
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    // a streamed answer (Server-Sent Events) has said what it could; there is no status left to set
    if (http.isHeadersSent(response)) return http.end(response);
    if (!(exception instanceof HttpException) && isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${(exception as Error).message}`);
      http.setHeader(response, 'retry-after', String(RETRY_AFTER_SECONDS));
      http.reply(
        response,
        {
          statusCode: HttpStatus.SERVICE_UNAVAILABLE,
          error: 'service-unavailable' satisfies ErrorCode,
          message: 'the database is unavailable; nothing was done, try again shortly',
        } satisfies ApiError,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
      return;
    }
    // Fastify's errors (oversized bodies, unsupported media types) carry their status but are not HttpExceptions.
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : Number((exception as { statusCode?: number }).statusCode) || HttpStatus.INTERNAL_SERVER_ERROR;
    const raw = exception instanceof HttpException ? exception.getResponse() : undefined;
    // Our own exceptions carry an error code; Nest's built-in ones carry a phrase ("Bad Request") instead.
    const own = typeof raw === 'object' && raw !== null && ERROR_CODE.test(String((raw as ApiError).error));
    const body: ApiError = own
      ? { ...(raw as ApiError), statusCode: status }
      : {
          statusCode: status,
          error: CODES[status] ?? (status >= 500 ? 'internal-error' : 'error'),
          message: status >= 500 ? 'something went wrong on our side; try again' : (exception as Error).message,
        };
    if (status >= 500) this.logger.error((exception as Error)?.stack ?? String(exception));
    http.reply(response, body, status);
  }
}
