import { readFileSync } from 'node:fs';
import { startHub, tokenFor, USERS, type RunningHub } from '../support/hub.js';

/**
 * The citizen's survey and the unit's kiosk need no login (docs/kundnojdhet-och-klagomal.md): the one-time token or
 * the kiosk key is the capability, checked by the service (test/hub/surveys-complaints.spec.ts).
 */
const SURVEY_OPERATIONS = [
  'GET /api/public/surveys/{token}',
  'POST /api/public/surveys/{token}/answer',
  'POST /api/public/survey-kiosks/pair',
  'GET /api/public/survey-kiosks/offer',
  'POST /api/public/survey-kiosks/answer',
];

/** The citizen's login to "Mina uppgifter": where a browser without a citizen session goes to get one, and leaves it. */
const CITIZEN_LOGIN_OPERATIONS = [
  'GET /api/medborgare/login',
  'GET /api/medborgare/callback',
  'POST /api/medborgare/logout',
];

/** `METHOD /path` of every operation whose security the document declares empty: no token needed. */
function declaredPublic(document: { paths: Record<string, Record<string, { security?: unknown[] }>> }): string[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
}

describe('hub HTTP basics', () => {
  let hub: RunningHub;

  beforeAll(async () => {
    hub = await startHub();
  }, 30_000);

  afterAll(async () => {
    await hub.close();
  });

  it('is live and ready when RabbitMQ and PostgreSQL answer, without a token', async () => {
    expect(await hub.call('GET', '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await hub.call('GET', '/health/ready')).toEqual({
      status: 200,
      body: { status: 'ok', database: 'ok', broker: 'ok' },
    });
  });

  it('answers bodies it cannot take in the API error format, with the correlation id', async () => {
    const post = async (body: string | undefined, contentType?: string) => {
      const response = await fetch(`${hub.url}/api/queries`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await tokenFor(USERS.guide)}`,
          'x-correlation-id': 'http-basics-body-1',
          ...(contentType && { 'content-type': contentType }),
        },
        body,
      });
      return { status: response.status, id: response.headers.get('x-correlation-id'), body: await response.json() };
    };
    expect(await post('{"subject": ', 'application/json')).toMatchObject({
      status: 400,
      id: 'http-basics-body-1',
      body: { statusCode: 400, error: 'invalid-json' },
    });
    // an empty JSON body is no body: the query's fields are missing, not the JSON
    expect(await post('', 'application/json')).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
    expect(await post(JSON.stringify({ subject: 'x'.repeat(70_000) }), 'application/json')).toMatchObject({
      status: 413,
      id: 'http-basics-body-1',
      body: { statusCode: 413, error: 'payload-too-large' },
    });
    expect(await post('subject=1', 'application/x-www-form-urlencoded')).toMatchObject({
      status: 415,
      body: { statusCode: 415, error: 'unsupported-media-type' },
    });
    // JSON in a text/plain body is a body of another media type all the same
    expect(await post('{"subject": "19121212-1212"}', 'text/plain;charset=UTF-8')).toMatchObject({
      status: 415,
      id: 'http-basics-body-1',
      body: { statusCode: 415, error: 'unsupported-media-type' },
    });
  });

  it('answers unknown API paths with a 404 in the API error format', async () => {
    expect(await hub.call('GET', '/api/no-such-thing', { as: USERS.guide })).toMatchObject({
      status: 404,
      body: { statusCode: 404, error: 'not-found' },
    });
  });

  it('publishes its OpenAPI document', async () => {
    const { status, body } = await hub.call('GET', '/api/docs/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('publishes the document the web client is generated from (`npm run openapi`, made without a running hub)', async () => {
    const { body } = await hub.call('GET', '/api/docs/openapi.json');
    expect(body).toEqual(JSON.parse(readFileSync('apps/web/src/api/openapi.json', 'utf8')));
  });

  it('refuses every documented operation without a token, and with a token from another issuer or audience', async () => {
    const { body: document } = await hub.call('GET', '/api/docs/openapi.json');
    const foreign = await tokenFor(USERS.guide, { issuer: 'https://evil.example' });
    const wrongAudience = await tokenFor(USERS.guide, { audience: 'another-app' });
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) =>
        Object.keys(methods).map((method) => ({
          method: method.toUpperCase(),
          path: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'),
          operation: `${method.toUpperCase()} ${path}`,
        })),
    );
    expect(operations.length).toBeGreaterThan(0);
    // Public by design: where a browser without a session goes to get one. They hand out nothing by themselves: the
    // callback creates a session only for a code the identity provider issued to a login this browser started, with
    // its state and PKCE verifier (test/auth/oidc-login.spec.ts).
    // the JWKS holds public keys only, for anyone to check the hub's signatures with
    const publicOperations = new Set([
      'GET /api/auth/login',
      'GET /api/auth/callback',
      'GET /.well-known/jwks.json',
      ...SURVEY_OPERATIONS,
      ...CITIZEN_LOGIN_OPERATIONS,
    ]);
    // every operation the document declares public (`security: []`) is one of these, and no other is public
    expect(declaredPublic(document).filter((op) => !publicOperations.has(op))).toEqual([]);
    for (const { method, path, operation } of operations) {
      if (path.startsWith('/health') || publicOperations.has(operation)) continue;
      expect({ method, path, status: (await hub.call(method, path)).status }).toEqual({ method, path, status: 401 });
      expect({ method, path, status: (await hub.call(method, path, { token: foreign })).status }).toEqual({
        method,
        path,
        status: 401,
      });
      expect({ method, path, status: (await hub.call(method, path, { token: wrongAudience })).status }).toEqual({
        method,
        path,
        status: 401,
      });
    }
  });

  it('refuses every documented operation to a staff member without a role it allows', async () => {
    const { body: document } = await hub.call('GET', '/api/docs/openapi.json');
    // a signed-in person whose token carries no role: every operation that names roles must refuse them
    const roleless = await tokenFor({ ...USERS.guide, roles: [] });
    // any signed-in caller may ask who they are, and log out
    const anyStaff = new Set([
      'GET /api/auth/me',
      'POST /api/auth/logout',
      'GET /api/auth/login',
      'GET /api/auth/callback',
    ]);
    let checked = 0;
    for (const [rawPath, methods] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      const path = rawPath.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        const operation = `${method} ${rawPath}`;
        if (path.startsWith('/health') || path.startsWith('/.well-known') || anyStaff.has(operation)) continue;
        if (SURVEY_OPERATIONS.includes(operation) || CITIZEN_LOGIN_OPERATIONS.includes(operation)) continue;
        const { status, body } = await hub.call(method, path, { token: roleless });
        // the citizen's own views take no staff token at all, whatever its roles
        if (rawPath.startsWith('/api/medborgare/')) {
          expect({ method, path, status, error: body?.error }).toEqual({
            method,
            path,
            status: 401,
            error: 'citizen-login-required',
          });
          checked++;
          continue;
        }
        expect({ method, path, status, error: body?.error }).toEqual({
          method,
          path,
          status: 403,
          error: 'role-not-allowed',
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
