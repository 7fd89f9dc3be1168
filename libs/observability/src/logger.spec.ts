import { correlationIdFrom, currentLogContext, useCorrelationIds, withCorrelation } from './log-context.js';
import { createLogger, logLevelFrom, PinoNestLogger } from './logger.js';

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

describe('an incoming X-Correlation-Id', () => {
  it('is taken when it is a plain token, else replaced by a new UUID', () => {
    expect(correlationIdFrom('4f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10')).toBe('4f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10');
    for (const bad of [undefined, '', 'short', 'a'.repeat(200), 'bad id with spaces', 'x\n{"forged":1}', ['a', 'b']]) {
      expect(correlationIdFrom(bad as string)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
