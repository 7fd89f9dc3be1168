import { BadRequestException } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { useCorrelationIds } from '@hub/observability';

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
 */
export function configureHttp(app: NestFastifyApplication): void {
  app.useBodyParser('application/json', {}, (_request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      return done(
        new BadRequestException({ error: 'invalid-json', message: `the body is not JSON: ${(err as Error).message}` }),
        undefined,
      );
    }
    done(null, parsed);
  });
  useCorrelationIds(app.getHttpAdapter().getInstance());
}
