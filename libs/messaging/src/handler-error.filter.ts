import { applyDecorators, Catch, Controller, UseFilters, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a failed message handler's own error to the transport, which retries or parks the message with it as the
 * reason. Nest's default for microservices swaps it for "Internal server error", so a database lost mid-transaction
 * would be taken for a failure of the message.
 */
@Catch()
export class HandlerErrorFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * A controller of broker messages. Its handlers keep their own errors (`HandlerErrorFilter`) without the HTTP app's
 * guards, pipes and filters: a message is checked by the transport (broker user, signature, schema), not by them.
 */
export const BrokerController = (): ClassDecorator => applyDecorators(Controller(), UseFilters(HandlerErrorFilter));
