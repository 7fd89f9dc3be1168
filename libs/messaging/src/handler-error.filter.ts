import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a failed message handler's own error to the transport, which retries or parks the message with it as the
 * reason. Nest's default for microservices swaps it for "Internal server error", so a database lost mid-transaction
 * would be treated as a failure of the message. Used instead of inheriting the HTTP app's guards, pipes and filters,
 * which only cost time on a broker message.
 */
@Catch()
export class HandlerErrorFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
