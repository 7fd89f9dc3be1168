import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { RunningAdapter } from '@hub/adapter-kit';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, AGENCY_STAFF, callAdapter, registerExamples } from '../support/adapters.js';
import { testPool, waitFor } from '../support/env.js';
import { tokenFor, USERS, type TestUser } from '../support/hub.js';
import { AGENCIES, demoTerms, startSystem, type RunningSystem } from '../support/system.js';

/*
 * Zero trust between parties, at the HTTP edge (issue 15): input the database or the audit chain cannot store is
 * refused with a 400 before any agency is asked, so that nothing is ever released without its audit entry. Each
 * staff member here has an id of their own, so that what the audit chain holds under it is what their requests left.
 */

const JUSTIFICATION = 'Utredning om ekonomiskt bistånd, beslut 2026-05-02';
const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';

/** The audit chain keeps every run's entries: each run's staff members are new people. */
const RUN = randomUUID().slice(0, 8);
const fuzzer = (user: TestUser, id: string): TestUser => ({ ...user, id: `${id}.${RUN}` });

/** JSON text as any client may send it: lone surrogates stay escapes (`\ud800`), as JSON.stringify writes them. */
async function send(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: string; contentType?: string } = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...(options.body !== undefined && { 'content-type': options.contentType ?? 'application/json' }),
    },
    body: options.body,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // a stream of events, not JSON: the status says what happened
  }
  return { status: response.status, body };
}

/** Server-Sent Events as they arrive: those of the next `ms` milliseconds, or (without) all to the end. */
function serverSentEvents(reader: ReadableStreamDefaultReader<Uint8Array>) {
  let buffer = '';
  let pending: ReturnType<typeof reader.read> | undefined;
  return {
    async until(ms?: number): Promise<Array<{ event: string; data: unknown }>> {
      const events: Array<{ event: string; data: unknown }> = [];
      const deadline = ms === undefined ? undefined : Date.now() + ms;
      for (;;) {
        pending ??= reader.read();
        const timeout =
          deadline === undefined
            ? undefined
            : new Promise<'timeout'>((r) => setTimeout(r, deadline - Date.now(), 'timeout'));
        const next = await (timeout ? Promise.race([pending, timeout]) : pending);
        if (next === 'timeout') return events;
        pending = undefined;
        if (next.done) return events;
        buffer += new TextDecoder().decode(next.value);
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          events.push({ event: /^event: (.*)$/m.exec(block)![1], data: JSON.parse(/^data: (.*)$/m.exec(block)![1]) });
        }
      }
    },
  };
}

const deeplyNested = (levels: number, inner = '"x"') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;

describe('HTTP input that the database or the audit chain cannot store', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;

  /** Audit entries written for this staff member's own requests; a refused one may leave only a denial. */
  const auditedFor = async (user: TestUser, { exceptDenials = false } = {}) =>
    (
      await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit.entry WHERE actor = $1 AND ($2 = false OR outcome <> 'denied')`,
        [user.id, exceptDenials],
      )
    ).rows[0].n;

  /** Queries the agencies' adapters have answered, from their own metrics. */
  const agencyQueries = async (agencies: readonly ('fk' | 'af' | 'skv')[] = AGENCIES) => {
    let total = 0;
    for (const agency of agencies) {
      const response = await fetch(`${system.adapters[agency].url}/metrics`, {
        headers: { authorization: `Bearer ${await tokenFor(AGENCY_STAFF[agency].admin)}` },
      });
      for (const line of (await response.text()).split('\n')) {
        if (line.startsWith('samtjanst_adapter_queries_total{')) total += Number(line.split(' ').at(-1));
      }
    }
    return total;
  };

  const hubPost = async (user: TestUser, path: string, body: string, contentType?: string) =>
    send(system.hub.url, 'POST', path, { token: await tokenFor(user), body, contentType });

  let consentId: string;
  const referralBody = () => ({
    subject: people.jobSeeker.subject,
    agency: 'af',
    referralType: 'af.inskrivning-arbetssokande',
    purpose: 'vagledning',
    message: 'Vill skriva in sig som arbetssökande efter uppsägning.',
    contactPreference: 'phone',
    consentId,
  });

  beforeAll(async () => {
    system = await startSystem();
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    const consent = await system.hub.call('POST', '/api/consents', {
      as: USERS.guide,
      body: {
        subject: people.jobSeeker.subject,
        purposes: ['vagledning'],
        agencies: ['af'],
        categories: ['af.inskrivning'],
        method: 'in-person-written',
        validUntil: '2027-06-30',
      },
    });
    expect(consent.status).toBe(201);
    consentId = consent.body.id;
  }, 90_000);

  afterAll(async () => {
    await system?.close();
    await pool.end();
  });

  it('refuses a justification with NUL or a lone surrogate before SKV is asked, plain or streamed', async () => {
    const caseworker = fuzzer(USERS.caseworker, 'justification.caseworker');
    const query = (justification: string) =>
      JSON.stringify({
        subject: people.protected.subject,
        purpose: 'ekonomiskt-bistand',
        agencies: ['skv'],
        categories: ['skv.folkbokforing'],
        justification,
      });
    const askedBefore = await agencyQueries(['skv']);
    for (const path of ['/api/queries', '/api/queries/stream']) {
      for (const text of [`${JUSTIFICATION}${NUL}`, `${JUSTIFICATION} ${LONE_SURROGATE}`]) {
        const refused = await hubPost(caseworker, path, query(text));
        expect({ path, status: refused.status, error: refused.body?.error }).toEqual({
          path,
          status: 400,
          error: 'invalid-text',
        });
        expect(refused.body.message).toMatch(/^body\.justification /);
      }
    }
    expect(await agencyQueries(['skv'])).toBe(askedBefore);
    expect(await auditedFor(caseworker)).toBe(0);

    // the same query with a justification that can be stored is asked, answered and audited
    const answered = await hubPost(caseworker, '/api/queries', query(JUSTIFICATION));
    expect(answered.status).toBe(200);
    expect(answered.body.protectedIdentity).toBe(true);
    expect(await agencyQueries(['skv'])).toBe(askedBefore + 1);
    expect(await auditedFor(caseworker)).toBe(1);
  });

  it('refuses a referral message with NUL or a lone surrogate with 400, and records nothing', async () => {
    const guide = fuzzer(USERS.guide, 'referral.guide');
    for (const text of [`Hej${NUL}`, `Hej ${LONE_SURROGATE} då`, '\udc00']) {
      const refused = await hubPost(guide, '/api/referrals', JSON.stringify({ ...referralBody(), message: text }));
      expect(refused).toMatchObject({ status: 400, body: { statusCode: 400, error: 'invalid-text' } });
    }
    expect(await auditedFor(guide)).toBe(0);
    const sent = await hubPost(guide, '/api/referrals', JSON.stringify(referralBody()));
    expect(sent.status).toBe(201);
    expect(await auditedFor(guide)).toBeGreaterThan(0);
  });

  it('refuses deeply nested JSON with 400 at the hub and at an adapter', async () => {
    const guide = fuzzer(USERS.guide, 'nesting.guide');
    for (const levels of [33, 5_000]) {
      const body = `{"subject": ${deeplyNested(levels)}, "purpose": "vagledning", "agencies": ["fk"]}`;
      for (const path of ['/api/queries', '/api/referrals', '/api/consents']) {
        expect({ path, levels, ...(await hubPost(guide, path, body)) }).toMatchObject({
          path,
          levels,
          status: 400,
          body: { statusCode: 400, error: 'too-deeply-nested' },
        });
      }
    }
    const adapter = system.adapters.af;
    const path = `/api/referrals/00000000-0000-4000-8000-000000000000/status`;
    const nested = await send(adapter.url, 'POST', path, {
      token: await tokenFor(AGENCY_STAFF.af.caseworker),
      body: `{"status": "accepted", "note": ${deeplyNested(5_000)}}`,
    });
    expect(nested).toMatchObject({ status: 400, body: { statusCode: 400, error: 'too-deeply-nested' } });
    const faults = await send(adapter.url, 'PUT', '/api/faults', {
      token: await tokenFor(AGENCY_STAFF.af.admin),
      body: `{"errorRate": ${deeplyNested(5_000, '0')}}`,
    });
    expect(faults).toMatchObject({ status: 400, body: { error: 'too-deeply-nested' } });
  });

  it('refuses text/plain and other media types with 415 at the adapters as at the hub', async () => {
    const adapter = system.adapters.af;
    const path = `/api/referrals/00000000-0000-4000-8000-000000000000/status`;
    for (const contentType of ['text/plain', 'text/plain; charset=utf-8', 'application/xml']) {
      const refused = await send(adapter.url, 'POST', path, {
        token: await tokenFor(AGENCY_STAFF.af.caseworker),
        body: '{"status": "accepted"}',
        contentType,
      });
      expect({ contentType, ...refused }).toMatchObject({
        contentType,
        status: 415,
        body: { statusCode: 415, error: 'unsupported-media-type' },
      });
    }
  });

  it('refuses NUL and lone surrogates in query strings and paths with 400, at the hub and at an adapter', async () => {
    const auditor = await tokenFor(USERS.auditor);
    const guide = await tokenFor(USERS.guide);
    const hubGets: Array<[string, string]> = [
      [guide, '/api/referrals?subject=%00'],
      [guide, '/api/consents?subject=19121212%00'],
      // U+D800 as UTF-8 would have it, which no decoder takes
      [guide, '/api/referrals/%ED%A0%80'],
      [guide, '/api/referrals?subject=%ED%A0%80'],
      [guide, '/api/referrals/%00'],
      [auditor, '/api/follow-up/summary?from=2026-01-01%00'],
    ];
    for (const [token, path] of hubGets) {
      const refused = await send(system.hub.url, 'GET', path, { token });
      expect({ path, status: refused.status }).toEqual({ path, status: 400 });
    }
    const caseworker = await tokenFor(AGENCY_STAFF.af.caseworker);
    for (const path of ['/api/inbox?status=%00', '/api/referrals/%00']) {
      const refused = await send(system.adapters.af.url, 'GET', path, { token: caseworker });
      expect({ path, ...refused }).toMatchObject({ path, status: 400, body: { statusCode: 400 } });
    }
    expect((await send(system.hub.url, 'GET', '/api/referrals?subject=%00', { token: guide })).body.error).toBe(
      'invalid-text',
    );
  });

  it('refuses a version number its database column cannot hold with 400, not 500', async () => {
    const admin = await tokenFor(USERS.municipalityAdmin);
    const path = (version: string) => `/api/agreements/${system.agreements.fk}/versions/${version}`;
    expect((await send(system.hub.url, 'GET', path('1'), { token: admin })).status).toBe(200);
    const versions = ['2147483648', '99999999999999999999', '0', '-1', '1.5', 'x'];
    const answers: Record<string, string> = {};
    for (const version of versions) {
      const { status, body } = await send(system.hub.url, 'GET', path(version), { token: admin });
      answers[version] = `${status} ${body.error}: ${body.message}`;
    }
    expect(answers).toEqual(
      Object.fromEntries(versions.map((v) => [v, '400 invalid-request: the version is not a positive integer'])),
    );
    expect((await send(system.hub.url, 'GET', path('2147483647'), { token: admin })).status).toBe(404);
  });

  it('streams no agency result before its audit entry is committed', async () => {
    const guide = fuzzer(USERS.guide, 'stream.guide');
    const head = await pool.connect();
    try {
      // every audit append locks the chain head first: holding it keeps each entry from being committed
      await head.query('BEGIN');
      await head.query('SELECT 1 FROM audit.chain_head WHERE id = 1 FOR UPDATE');
      const response = await fetch(`${system.hub.url}/api/queries/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenFor(guide)}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: people.ordinary.subject,
          purpose: 'vagledning',
          agencies: ['fk', 'af'],
          categories: ['fk.pagaende-arenden', 'af.handlaggare'],
        }),
      });
      expect(response.status).toBe(200);
      const events = serverSentEvents(response.body!.getReader());
      // the agencies answer in milliseconds; nothing of theirs may come while their entries wait for the lock
      expect((await events.until(1_500)).map((e) => e.event)).toEqual(['query']);
      expect(await auditedFor(guide)).toBe(0);
      await head.query('ROLLBACK');
      expect((await events.until()).map((e) => e.event)).toEqual(['result', 'result', 'done']);
      expect(await auditedFor(guide)).toBe(2);
    } finally {
      await head.query('ROLLBACK');
      head.release();
    }
  });

  describe('fuzzed bodies never get a 5xx, and a refused one leaves no audit entry and asks no agency', () => {
    /** A value as a hostile or careless client sends it in place of a field's. */
    const hostile: fc.Arbitrary<unknown> = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc
        .array(fc.constantFrom('a', 'Å', NUL, LONE_SURROGATE, '\udc00', '😀', '19121212-1212', 'fk'))
        .map((p) => p.join('')),
      fc.constantFrom(1e308, -1, 0, 2 ** 64, 1.5, true, null, '', [], {}, 'x'.repeat(5_000)),
      fc.integer(),
      fc.jsonValue({ maxDepth: 3 }),
      fc.integer({ min: 30, max: 2_000 }).map((levels) => JSON.parse(deeplyNested(levels))),
    );

    /** A valid body with some of its fields replaced by hostile values, an unknown field added, or some left out. */
    const mutated = (valid: () => Record<string, unknown>) =>
      fc
        .tuple(
          fc.dictionary(fc.constantFrom(...Object.keys(valid())), hostile, { maxKeys: 3 }),
          fc.option(
            fc.tuple(fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), fc.constant('__proto__')), hostile),
          ),
          fc.subarray(Object.keys(valid()), { maxLength: 2 }),
        )
        .map(([replacements, extra, removed]) => {
          const body: Record<string, unknown> = { ...valid(), ...replacements };
          for (const key of removed) delete body[key];
          if (extra) body[extra[0]] = extra[1];
          return body;
        });

    /** A mutated body most of the time, now and then a whole value of any kind, sent as JSON text. */
    const bodies = (valid: () => Record<string, unknown>) =>
      fc.oneof(
        { weight: 8, arbitrary: mutated(valid).map((b) => JSON.stringify(b)) },
        { weight: 1, arbitrary: hostile.map((v) => JSON.stringify(v) ?? 'null') },
        { weight: 1, arbitrary: fc.constantFrom(deeplyNested(3_000), '{"a":', '1e999999', '"\\ud800"', '"\\u0000"') },
      );

    const RUNS = 120;

    /**
     * Fuzzes one endpoint: never a 5xx, and after a refusal `observe()` (what was audited, asked or stored) is as it was
     * before; the valid body's status and 400 must both occur, so that the fuzzing reached both sides.
     */
    const refusalsChangeNothing = async (
      valid: () => Record<string, unknown>,
      post: (body: string) => Promise<{ status: number }>,
      observe: () => Promise<unknown>,
      acceptedStatus: number,
    ) => {
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(bodies(valid), async (body) => {
          const before = await observe();
          const { status } = await post(body);
          statuses.add(status);
          expect(status).toBeLessThan(500);
          if (status >= 400) expect(await observe()).toEqual(before);
        }),
        { numRuns: RUNS },
      );
      expect(statuses).toContain(acceptedStatus);
      expect(statuses).toContain(400);
    };

    /** Query string and path text as raw bytes: NUL, the UTF-8 of a lone surrogate, bytes no UTF-8 has, and so on. */
    const urlText = fc
      .array(
        fc.oneof(
          fc.constantFrom('%00', '%ED%A0%80', '%FF', '%', '%2', '+', '&', '=', '[]', '[a]=1', '..%2F', 'x'.repeat(300)),
          fc.constantFrom('received', 'fk', 'true', '2026-01-01', '1e999', '99999999999', '-1', '19121212-1212'),
          fc.string({ maxLength: 8 }).map(encodeURIComponent),
        ),
        { maxLength: 4 },
      )
      .map((parts) => parts.join(''));

    it('GET query strings and path parameters, at the hub and at an adapter', async () => {
      const readers: Array<[string, TestUser, string[]]> = [
        ['/api/referrals', USERS.guide, ['status', 'agency', 'overdue', 'subject']],
        ['/api/consents', USERS.guide, ['subject']],
        ['/api/follow-up/summary', USERS.manager, ['from', 'to']],
        ['/api/parked-messages', USERS.municipalityAdmin, ['state', 'queue']],
        ['/api/agreements', USERS.municipalityAdmin, []],
        ['/api/audit/verify', USERS.auditor, []],
      ];
      const tokens = new Map(await Promise.all(readers.map(async ([, u]) => [u.id, await tokenFor(u)] as const)));
      const guide = tokens.get(USERS.guide.id)!;
      const adapterToken = await tokenFor(AGENCY_STAFF.af.caseworker);
      const request = fc.oneof(
        fc
          .tuple(
            fc.constantFrom(...readers),
            fc.array(fc.tuple(fc.oneof(fc.constantFrom('status', 'subject', 'from', 'limit'), urlText), urlText), {
              maxLength: 4,
            }),
          )
          .map(([[path, user, names], pairs]) => ({
            url: system.hub.url,
            token: tokens.get(user.id)!,
            path: `${path}?${[...pairs, ...names.map((n) => [n, ''] as const)].map(([k, v]) => `${k}=${v}`).join('&')}`,
          })),
        urlText.map((id) => ({ url: system.hub.url, token: guide, path: `/api/referrals/${id}` })),
        urlText.map((id) => ({ url: system.hub.url, token: guide, path: `/api/consents/${id}/revoke` })),
        fc.tuple(urlText, urlText).map(([id, version]) => ({
          url: system.hub.url,
          token: tokens.get(USERS.municipalityAdmin.id)!,
          path: `/api/agreements/${id || system.agreements.fk}/versions/${version}`,
        })),
        fc.tuple(urlText, urlText).map(([status, limit]) => ({
          url: system.adapters.af.url,
          token: adapterToken,
          path: `/api/inbox?status=${status}&limit=${limit}`,
        })),
        urlText.map((id) => ({ url: system.adapters.af.url, token: adapterToken, path: `/api/referrals/${id}` })),
      );
      await fc.assert(
        fc.asyncProperty(request, async ({ url, token, path }) => {
          const method = path.endsWith('/revoke') ? 'POST' : 'GET';
          const { status } = await send(url, method, path, { token });
          expect({ path, status: status >= 500 ? status : 'not 5xx' }).toEqual({ path, status: 'not 5xx' });
        }),
        { numRuns: 300 },
      );
    }, 120_000);

    it('POST /api/queries', async () => {
      const guide = fuzzer(USERS.guide, 'fuzz.queries');
      const valid = () => ({
        subject: people.withAllFk.subject,
        purpose: 'vagledning',
        agencies: ['fk', 'skv'],
        categories: ['fk.utbetalningar', 'skv.folkbokforing'],
        justification: JUSTIFICATION,
        deadlineMs: 2_000,
      });
      expect((await hubPost(guide, '/api/queries', JSON.stringify(valid()))).status).toBe(200);
      await refusalsChangeNothing(
        valid,
        (body) => hubPost(guide, '/api/queries', body),
        async () => [await auditedFor(guide, { exceptDenials: true }), await agencyQueries()],
        200,
      );
    }, 120_000);

    it('POST /api/referrals', async () => {
      const guide = fuzzer(USERS.guide, 'fuzz.referrals');
      await refusalsChangeNothing(
        referralBody,
        (body) => hubPost(guide, '/api/referrals', body),
        () => auditedFor(guide, { exceptDenials: true }),
        201,
      );
    }, 120_000);

    it('POST /api/consents', async () => {
      const guide = fuzzer(USERS.guide, 'fuzz.consents');
      const valid = () => ({
        subject: people.ordinary.subject,
        purposes: ['vagledning'],
        agencies: ['fk'],
        categories: ['fk.utbetalningar'],
        method: 'in-person-written',
        validUntil: '2027-06-30',
      });
      expect((await hubPost(guide, '/api/consents', JSON.stringify(valid()))).status).toBe(201);
      await refusalsChangeNothing(
        valid,
        (body) => hubPost(guide, '/api/consents', body),
        () => auditedFor(guide, { exceptDenials: true }),
        201,
      );
    }, 120_000);

    it('POST /api/agreements', async () => {
      const admin = fuzzer(USERS.municipalityAdmin, 'fuzz.agreements');
      const valid = () => demoTerms('fk') as unknown as Record<string, unknown>;
      expect((await hubPost(admin, '/api/agreements', JSON.stringify(valid()))).status).toBe(201);
      await refusalsChangeNothing(
        valid,
        (body) => hubPost(admin, '/api/agreements', body),
        () => auditedFor(admin, { exceptDenials: true }),
        201,
      );
    }, 120_000);

    it('the adapter inbox: POST /api/referrals/{id}/status', async () => {
      const guide = fuzzer(USERS.guide, 'fuzz.inbox');
      const sent = await hubPost(guide, '/api/referrals', JSON.stringify(referralBody()));
      expect(sent.status).toBe(201);
      const adapter: RunningAdapter = system.adapters.af;
      const caseworker = await tokenFor(AGENCY_STAFF.af.caseworker);
      const path = `/api/referrals/${sent.body.id}`;
      await waitFor(
        async () => (await callAdapter(adapter, 'GET', path, { token: caseworker })).status === 200,
        10_000,
        'the referral in the inbox',
      );
      const valid = () => ({ status: 'accepted', note: 'Tar emot, ringer upp i veckan.' });
      // taken once (then a conflict: it is accepted already), refused as input many times; unchanged by each refusal
      await refusalsChangeNothing(
        valid,
        (body) => send(adapter.url, 'POST', `${path}/status`, { token: caseworker, body }),
        () => callAdapter(adapter, 'GET', path, { token: caseworker }),
        200,
      );
    }, 120_000);
  });
});
