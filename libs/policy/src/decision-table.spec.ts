import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { messageTypes, REASON_CODES, validateMessage } from '@hub/contracts';
import { DECISION_TABLES_DIR, decisionTableFiles } from './decision-table.cases.js';
import type { DecisionTableCase } from './decision-table.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const generated = decisionTableFiles();
const tables = Object.entries(generated)
  .filter(([path]) => !path.endsWith('schema.json'))
  .map(([path, content]) => ({ path, cases: (JSON.parse(content) as { cases: DecisionTableCase[] }).cases }));
const cases = tables.flatMap((t) => t.cases);
const named = cases.filter((c) => !c.name.includes('/sampled-'));

const envelope = (c: DecisionTableCase, type: string, payload: unknown, extra: object = {}) => ({
  id: '00000000-0000-4000-8000-000000000001',
  correlationId: '00000000-0000-4000-8000-000000000002',
  type,
  sender: { organisation: '0000000000', service: 'hub' },
  issuedAt: c.now,
  ...extra,
  payload,
});

describe('decision tables', () => {
  it('are what `npm run decision-tables` generates now', () => {
    const onDisk = readdirSync(join(ROOT, DECISION_TABLES_DIR))
      .filter((name) => name.endsWith('.json'))
      .map((name) => `${DECISION_TABLES_DIR}/${name}`)
      .sort();
    expect(onDisk).toEqual(Object.keys(generated).sort());
    for (const [path, content] of Object.entries(generated)) {
      // a mismatch means the policy or the cases changed: run `npm run decision-tables` and commit the result
      expect({ path, content: readFileSync(join(ROOT, path), 'utf8') }).toEqual({ path, content });
    }
  });

  it('are deterministic', () => {
    expect(decisionTableFiles()).toEqual(generated);
  });

  it('follow their JSON Schema, whose payloads are the message schemas', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
    addFormats.default(ajv);
    const schemas = join(ROOT, 'contracts/generated/schemas');
    for (const name of readdirSync(schemas)) ajv.addSchema(JSON.parse(readFileSync(join(schemas, name), 'utf8')));
    const validate = ajv.compile(JSON.parse(generated[`${DECISION_TABLES_DIR}/case.schema.json`]));
    for (const { path, content } of Object.entries(generated).map(([p, c]) => ({ path: p, content: c }))) {
      if (path.endsWith('schema.json')) continue;
      validate(JSON.parse(content));
      expect({ path, errors: validate.errors?.slice(0, 3) ?? null }).toEqual({ path, errors: null });
    }
    const [first] = tables[0].cases;
    expect(validate({ description: 'broken', cases: [{ ...first, expected: { reply: { status: 'ok' } } }] })).toBe(
      false,
    );
  });

  it('hold only messages the contract accepts, and replies it accepts', () => {
    const problems: string[] = [];
    const check = (name: string, message: unknown) => {
      const result = validateMessage(message, messageTypes);
      if (!result.ok) problems.push(`${name}: ${result.reason}`);
    };
    for (const c of cases) {
      for (const a of c.agreements) check(c.name, envelope(c, 'agreement.changed.v1', a));
      const { type, sender, purpose, agreement, payload } = c.message;
      check(c.name, envelope(c, type, payload, { sender, purpose, agreement }));
      if (c.kind === 'query') {
        check(c.name, envelope(c, 'query.reply.v1', c.expected.reply, { purpose, agreement }));
      }
    }
    expect(problems).toEqual([]);
  });

  it('have unique names', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('name a case for every reason an adapter gives, and for releases', () => {
    // the hub's own reasons: an adapter never answers them
    const hubOnly = ['invalid-message', 'agency-unavailable', 'deadline-exceeded'];
    const queryReasons = new Set(
      named.flatMap((c) =>
        c.kind === 'query' ? [c.expected.reply.reason, ...c.expected.reply.denied.map((d) => d.reason)] : [],
      ),
    );
    const referralReasons = new Set(named.flatMap((c) => (c.kind === 'referral' ? [c.expected.reason] : [])));
    expect(
      REASON_CODES.filter((r) => !hubOnly.includes(r) && !r.startsWith('referral-type-') && !queryReasons.has(r)),
    ).toEqual([]);
    for (const r of [
      'no-agreement',
      'agreement-inactive',
      'purpose-not-covered',
      'role-not-allowed',
      'referral-type-unknown',
      'referral-type-not-covered',
      'consent-missing',
      'consent-revoked',
      undefined,
    ]) {
      expect(referralReasons).toContain(r);
    }
    expect(
      named.some((c) => c.kind === 'query' && c.expected.reply.status === 'ok' && c.expected.reply.denied.length > 0),
    ).toBe(true);
  });
});
