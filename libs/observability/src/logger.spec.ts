import { correlationIdFrom, currentLogContext, useCorrelationIds, withCorrelation } from './log-context.js';
import { createLogger, logFormatFrom, logLevelFrom, PinoNestLogger } from './logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  return {
    lines,
    raw,
    destination: {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  };
}

describe('LOG_LEVEL', () => {
  it('is info unless set, and one of pino’s levels', () => {
    expect(logLevelFrom({})).toBe('info');
    expect(logLevelFrom({ LOG_LEVEL: 'debug' })).toBe('debug');
    expect(() => logLevelFrom({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of fatal, error/);
  });
});

describe('the pino logger', () => {
  it('writes JSON lines with the service, level and the correlation id of the work in hand', async () => {
    const out = capture();
    const logger = new PinoNestLogger(createLogger({ service: 'hub', destination: out.destination }));
    logger.log('outside');
    await withCorrelation('query-1', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.warn('inside', 'queries');
    });
    expect(out.lines[0]).toMatchObject({ service: 'hub', level: 'info', msg: 'outside' });
    expect(out.lines[0]).not.toHaveProperty('correlationId');
    expect(out.lines[1]).toMatchObject({ level: 'warn', msg: 'inside', context: 'queries', correlationId: 'query-1' });
  });

  it('keeps the request id when a query gets its own correlation id', () => {
    const out = capture();
    const logger = createLogger({ service: 'hub', destination: out.destination });
    type Hook = Parameters<Parameters<typeof useCorrelationIds>[0]['addHook']>[1];
    const hooks: Record<string, Hook> = {};
    useCorrelationIds({ addHook: (name, hook) => (hooks[name] = hook) });
    const request = { headers: { 'x-correlation-id': 'request-abcdef' } };
    const reply = { headers: {} as Record<string, string>, header: (n: string, v: string) => (reply.headers[n] = v) };
    hooks.onRequest!(request, reply, () => undefined);
    // the body is parsed between the two hooks, outside any context
    expect(currentLogContext()).toBeUndefined();
    hooks.preHandler!(request, reply, () => withCorrelation('query-2', () => logger.info('asked')));
    expect(reply.headers['X-Correlation-Id']).toBe('request-abcdef');
    expect(out.lines[0]).toMatchObject({ correlationId: 'query-2', requestId: 'request-abcdef' });
    expect(currentLogContext()).toBeUndefined();
  });

  it('never writes a personnummer, whether in the message, a field, an error or a key', () => {
    const out = capture();
    const logger = new PinoNestLogger(createLogger({ service: 'hub', destination: out.destination }));
    logger.log('subject 19121212-1212 asked');
    logger.log({ msg: 'object', subject: '191212121212', nested: { list: ['121212-1212'] } });
    logger.error(new Error('no person 1212121212'), 'stack at 121212+1212');
    logger.log({ ['191212121212']: 'as a key' });
    expect(out.raw.join('')).not.toMatch(/1212121212|121212[-+]1212/);
    expect(out.raw.join('')).toContain('[personnummer]');
  });

  it('is silent below its level', () => {
    const out = capture();
    const logger = new PinoNestLogger(createLogger({ service: 'hub', level: 'warn', destination: out.destination }));
    logger.log('info line');
    logger.debug('debug line');
    logger.warn('warn line');
    expect(out.lines.map((l) => l.msg)).toEqual(['warn line']);
  });
});

describe('LOG_FORMAT', () => {
  it('is JSON unless stdout is a terminal outside production, and one of json, pretty', () => {
    expect(logFormatFrom({}, { isTTY: false })).toBe('json');
    expect(logFormatFrom({}, {})).toBe('json');
    expect(logFormatFrom({}, { isTTY: true })).toBe('pretty');
    expect(logFormatFrom({ NODE_ENV: 'production' }, { isTTY: true })).toBe('json');
    expect(logFormatFrom({ LOG_FORMAT: 'json' }, { isTTY: true })).toBe('json');
    expect(logFormatFrom({ LOG_FORMAT: 'pretty' }, { isTTY: false })).toBe('pretty');
    expect(() => logFormatFrom({ LOG_FORMAT: 'text' }, { isTTY: true })).toThrow(
      /LOG_FORMAT must be one of json, pretty/,
    );
  });
});

describe('the pretty logger', () => {
  function capturePretty(level: 'info' | 'debug' = 'info') {
    const raw: string[] = [];
    const pino = createLogger({
      service: 'hub',
      level,
      format: 'pretty',
      colorize: false,
      destination: { write: (line: string) => raw.push(line) },
    });
    return { raw, logger: new PinoNestLogger(pino) };
  }

  it('writes one readable line per event: time, level, context, message, then the other fields', async () => {
    const { raw, logger } = capturePretty();
    await withCorrelation('query-1', () => logger.warn('queue is slow', 'queries'));
    expect(raw).toHaveLength(1);
    expect(raw[0]).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: queries: queue is slow \{"correlationId":"query-1"\}\n$/,
    );
  });

  it('never writes a personnummer either, including one that JSON had escaped next to other digits', () => {
    const { raw, logger } = capturePretty();
    logger.log('subject 19121212-1212 asked');
    logger.log({ msg: 'object', subject: '191212121212', nested: { list: ['121212-1212'] } });
    logger.error(new Error('no person 1212121212'), 'stack at 121212+1212');
    logger.log({ ['191212121212']: 'as a key' });
    // JSON writes the NUL as \u0000: the digits run on there, and the pretty line unescapes it
    logger.log('after a NUL \u0000191212121212');
    expect(raw.join('')).not.toMatch(/1212121212|121212[-+]1212/);
    expect(raw.join('').match(/\[personnummer\]/g)?.length).toBeGreaterThanOrEqual(6);
  });
});

describe('Nest’s start-up lines', () => {
  it('are debug: a mapped route or an initialised module is not written at info', () => {
    const out = capture();
    const logger = new PinoNestLogger(createLogger({ service: 'hub', destination: out.destination }));
    logger.log('Mapped {/api/queries, POST} route', 'RouterExplorer');
    logger.log('QueriesController {/api/queries}:', 'RoutesResolver');
    logger.log('HubModule dependencies initialized', 'InstanceLoader');
    logger.log('Nest application successfully started', 'NestApplication');
    expect(out.lines.map((l) => l.msg)).toEqual(['Nest application successfully started']);

    const debug = capture();
    const verbose = new PinoNestLogger(
      createLogger({ service: 'hub', level: 'debug', destination: debug.destination }),
    );
    verbose.log('Mapped {/api/queries, POST} route', 'RouterExplorer');
    expect(debug.lines[0]).toMatchObject({ level: 'debug', context: 'RouterExplorer' });
  });
});

describe('an incoming X-Correlation-Id', () => {
  it('is taken when it is a plain token, else replaced by a new UUID', () => {
    expect(correlationIdFrom('4f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10')).toBe('4f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10');
    for (const bad of [undefined, '', 'short', 'a'.repeat(200), 'bad id with spaces', 'x\n{"forged":1}', ['a', 'b']]) {
      expect(correlationIdFrom(bad as string)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
