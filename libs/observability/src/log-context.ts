import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written while handling one request or message carries. */
export interface LogContext {
  /** the envelope's correlationId (query id, referral id), or the HTTP request's correlation id */
  correlationId: string;
  /** the HTTP request's correlation id, when a query or referral started from one and got its own id */
  requestId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with a correlation id that every log line written during it (and what it awaits) carries. */
export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  const outer = storage.getStore();
  const requestId =
    outer && outer.correlationId !== correlationId ? (outer.requestId ?? outer.correlationId) : undefined;
  return storage.run(requestId ? { correlationId, requestId } : { correlationId }, fn);
}

/** An incoming X-Correlation-Id is taken when it is a plain token; anything else could forge or flood log lines. */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

export function correlationIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && WELL_FORMED.test(header) ? header : randomUUID();
}

export const CORRELATION_HEADER = 'x-correlation-id';

interface MinimalRequest {
  headers: Record<string, string | string[] | undefined>;
}

interface HookRequest extends MinimalRequest {
  correlationId?: string;
}
interface HookReply {
  header(name: string, value: string): unknown;
}
interface HookTarget {
  addHook(
    name: 'onRequest' | 'preHandler',
    hook: (request: HookRequest, reply: HookReply, done: () => void) => void,
  ): unknown;
}

/**
 * Fastify hooks: one correlation id per HTTP request (the caller's when well-formed), returned in the response
 * header and carried by every log line written while the request is handled. The id is taken as the request arrives,
 * so that 404s and refused bodies carry it too; the context is entered once the body has been parsed, right before
 * guards and handler, since the parser calls on from the request stream's events, outside any context set earlier.
 */
export function useCorrelationIds(fastify: HookTarget): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    request.correlationId = correlationIdFrom(request.headers[CORRELATION_HEADER]);
    reply.header('X-Correlation-Id', request.correlationId);
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    storage.run({ correlationId: request.correlationId ?? randomUUID() }, done);
  });
}
