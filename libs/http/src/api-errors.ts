import {
  BadRequestException,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  ValidationPipe,
  type ArgumentsHost,
  type ExceptionFilter,
  type ValidationError,
} from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/** The one error body of the API: a stable machine-readable `error` code, a sentence for people, and details. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

const flatten = (errors: ValidationError[], prefix = ''): Array<{ field: string; problems: string[] }> =>
  errors.flatMap((e) => [
    ...(e.constraints ? [{ field: `${prefix}${e.property}`, problems: Object.values(e.constraints) }] : []),
    ...flatten(e.children ?? [], `${prefix}${e.property}.`),
  ]);

/** Unknown fields are refused, not ignored; every problem is listed. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  exceptionFactory: (errors) => {
    const details = flatten(errors);
    return new BadRequestException({
      error: 'invalid-request',
      message: details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; '),
      details,
    });
  },
});

const ERROR_CODE = /^[a-z]+(-[a-z]+)*$/;

const CODES: Record<number, string> = {
  400: 'invalid-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  503: 'unavailable',
};

@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    // a broker message's handler failed: the transport retries or parks it, with the handler's own error as reason
    if (host.getType() !== 'http') return throwError(() => exception);
    const response = host.switchToHttp().getResponse();
    // body-parser's errors (oversized or malformed bodies) carry their status but are not HttpExceptions.
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : Number((exception as { status?: number }).status) || HttpStatus.INTERNAL_SERVER_ERROR;
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
    response.status(status).json(body);
  }
}
