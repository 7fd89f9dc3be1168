import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { currentLogContext } from './log-context.js';
import { redactPersonnummer } from './redact.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL, checked at start: an unknown level is a configuration error, not a silent default. */
export function logLevelFrom(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const value = env.LOG_LEVEL?.trim();
  if (!value) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  }
  return value as LogLevel;
}

/** A destination that writes each finished line through the personnummer filter, whatever produced it. */
export function redactingDestination(target: { write(line: string): unknown }): DestinationStream {
  return { write: (line: string) => void target.write(redactPersonnummer(line)) };
}

let stdoutLines: { write(line: string): void } | undefined;

/**
 * stdout, a turn of the event loop at a time: the lines logged in one turn leave in one write (a system call per
 * line was a measurable share of a query's cost). Whatever is pending when the process exits is written then.
 */
function bufferedStdout(): { write(line: string): void } {
  if (stdoutLines) return stdoutLines;
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    process.stdout.write(text);
  };
  process.once('exit', flush);
  stdoutLines = {
    write(line) {
      if (pending.push(line) === 1) setImmediate(flush);
    },
  };
  return stdoutLines;
}

export interface CreateLoggerOptions {
  service: string;
  level?: LogLevel;
  /** where JSON lines go; stdout, buffered for one turn of the event loop, by default */
  destination?: { write(line: string): unknown };
}

/** A pino logger: JSON lines, the service's name, the correlation id of the work in hand, no personnummer. */
export function createLogger(options: CreateLoggerOptions): PinoLogger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => currentLogContext() ?? {},
    },
    redactingDestination(options.destination ?? bufferedStdout()),
  );
}

/** Nest's logger interface on pino: Nest's `log` is info, `verbose` is trace; the context becomes a field. */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Exclude<LogLevel, 'silent'>, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest passes the context last; an error's stack comes before it
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (rest.length > 0) {
      const [first] = rest;
      if (typeof first === 'string') fields.stack = first;
      else if (first !== undefined) fields.detail = first;
    }
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...message });
    else this.pino[level](fields, String(message));
  }
}

/** The Nest logger of a service, from LOG_LEVEL. */
export function nestLoggerFor(service: string, env: NodeJS.ProcessEnv = process.env): PinoNestLogger {
  return new PinoNestLogger(createLogger({ service, level: logLevelFrom(env) }));
}
