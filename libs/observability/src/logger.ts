import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { prettyFactory } from 'pino-pretty';
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

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * LOG_FORMAT: JSON lines for production, log shippers and the tests that read them; one readable line per event for
 * a person. Unset, it is pretty only when stdout is a terminal outside production.
 */
export function logFormatFrom(
  env: NodeJS.ProcessEnv = process.env,
  stdout: { isTTY?: boolean } = process.stdout,
): LogFormat {
  const value = env.LOG_FORMAT?.trim();
  if (!value) return stdout.isTTY && env.NODE_ENV !== 'production' ? 'pretty' : 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(value)) {
    throw new Error(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (got "${value}")`);
  }
  return value as LogFormat;
}

/**
 * A destination that turns each JSON line into one readable line: time, level, the Nest context before the message,
 * the other fields after it (an error's stack on the lines below).
 */
export function prettyDestination(
  target: { write(line: string): unknown },
  options: { colorize?: boolean } = {},
): DestinationStream {
  const prettify = prettyFactory({
    ...(options.colorize === undefined ? {} : { colorize: options.colorize }),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,context',
    messageFormat: '{if context}{context}: {end}{msg}',
    singleLine: true,
  });
  return { write: (line: string) => void target.write(prettify(line)) };
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
  /** where the lines go; stdout, buffered for one turn of the event loop, by default */
  destination?: { write(line: string): unknown };
  /** JSON when a destination is given (its caller reads the lines), else from LOG_FORMAT and stdout */
  format?: LogFormat;
  /** pretty only: colours; by default when stdout is a terminal or FORCE_COLOR is set */
  colorize?: boolean;
}

/** A pino logger: JSON lines, the service's name, the correlation id of the work in hand, no personnummer. */
export function createLogger(options: CreateLoggerOptions): PinoLogger {
  const target = options.destination ?? bufferedStdout();
  const format = options.format ?? (options.destination ? 'json' : logFormatFrom());
  // the filter reads the finished text: a pretty line unescapes what JSON had escaped next to a personnummer
  const destination =
    format === 'pretty'
      ? prettyDestination(redactingDestination(target), { colorize: options.colorize })
      : redactingDestination(target);
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => currentLogContext() ?? {},
    },
    destination,
  );
}

/** Nest's start-up chatter, a line per module and per route of each service: debug, not info. */
const NEST_START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * Nest's logger interface on pino: Nest's `log` is info (debug for its start-up chatter), `verbose` is trace; the
 * context becomes a field.
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    this.write(typeof context === 'string' && NEST_START_UP_CONTEXTS.has(context) ? 'debug' : 'info', message, rest);
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
