import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { useCorrelationIds } from '@hub/observability';
import { assertStorableInput } from './storable-input.js';
import { apiException } from './api-errors.js';

/**
 * The HTTP server of the hub and of the adapters: Fastify, whose request handling costs the hub about a fifth less
 * CPU per query than Express did (docs/benchmark-full-path.md). Bodies above the limit are refused with 413 before
 * they are read to the end.
 */
export function httpAdapter(bodyLimitBytes: number): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: bodyLimitBytes });
}

/**
 * JSON bodies (an empty one is no body, as the web UI's bare POSTs send; malformed JSON is a 400 in the API's error
 * format) and a correlation id on every request. The body limit is the one the app's `httpAdapter` was given.
 * Bodies of any other media type, `text/plain` included, are refused with 415. Input the database or the audit chain
 * cannot store (NUL, unpaired surrogates, nesting deeper than `MAX_INPUT_DEPTH`), in the body, the query string or
 * the path, is refused with 400 here, before any guard, validator or handler sees it.
 */
export function configureHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  app.useBodyParser('application/json', {}, (_request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      return done(apiException('invalid-json', `the body is not JSON: ${(err as Error).message}`), undefined);
    }
    try {
      assertStorableInput(parsed, 'body');
    } catch (err) {
      return done(err as Error, undefined);
    }
    done(null, parsed);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    try {
      assertStorableInput(request.query, 'query');
      assertStorableInput(request.params, 'path');
    } catch (err) {
      return done(err as Error);
    }
    done();
  });
  useCorrelationIds(fastify);
}
