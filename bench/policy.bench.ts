/**
 * `npm run bench:policy`: the policy decision per query (3 agencies, all 10 catalogue categories asked for) on
 * one core; the same with 300 municipalities x 4 agencies of agreements (1,200 agreements in 3 versions each) and
 * staff of any of them asking, against the first in the same run; and durable audit appends with 32 concurrent writers. Each is reported next to a baseline measured in
 * the same run: the decision with plain arrays (lookups rebuilt per call) and audit rows inserted one by one
 * without the chain. On the bench's own database (`hub_bench`, which `npm run bench:policy` prepares), in a schema of
 * its own.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { AuditLog } from '@hub/audit';
import { AgreementIndex, CatalogueIndex, decide, type DecisionInput } from '@hub/policy';
import { AGREEMENTS, CATALOGUES, consent, NOW, SUBJECT, UNIT } from '../libs/policy/src/policy.fixtures.js';
import { mixedRequest, tenancy, tenancyInputs, TENANCY_CATALOGUES } from '../libs/policy/src/policy.tenancy.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub_bench';
const ALL_CATEGORIES = Object.fromEntries(CATALOGUES.map((c) => [c.agency, c.categories.map((x) => x.code)]));

function input(indexed: boolean): DecisionInput {
  return {
    agreements: indexed ? new AgreementIndex(AGREEMENTS) : AGREEMENTS,
    catalogues: indexed ? new CatalogueIndex(CATALOGUES) : CATALOGUES,
    consents: [consent(), consent({ id: '7d7c2c1e-5b0a-4d5e-9d83-0c6f1f2a3b4c', purposes: ['etablering'] })],
    staff: { organisation: '2120001967', unit: UNIT, roles: ['guide'] },
    protectedIdentity: false,
    request: { subject: SUBJECT, purpose: 'vagledning', agencies: ['fk', 'af', 'skv'], categories: ALL_CATEGORIES },
    now: NOW,
  };
}

/**
 * 1,024 decisions by staff of any of the municipalities and units in turn, so that the lookups do not stay in the
 * CPU's caches: with one index of all 3,600 versions, and (the baseline) each with an index of its own municipality's
 * 12 versions only, which shows what the number of agreements costs.
 */
function scaleInputs(shape: 'today' | 'mixed'): { all: DecisionInput[]; own: DecisionInput[] } {
  const t = tenancy(300);
  const catalogues = new CatalogueIndex(TENANCY_CATALOGUES);
  const all = tenancyInputs(
    t,
    1024,
    7,
    shape === 'mixed'
      ? mixedRequest
      : (staff) => ({
          staff: { ...staff, roles: ['guide'] },
          request: {
            subject: SUBJECT,
            purpose: 'vagledning',
            agencies: ['fk', 'af', 'skv'],
            categories: ALL_CATEGORIES,
          },
        }),
    new AgreementIndex(t.agreements),
    catalogues,
  );
  const own = new Map<string, AgreementIndex>();
  const ownIndex = (organisation: string) => {
    let index = own.get(organisation);
    if (!index) {
      index = new AgreementIndex(t.agreements.filter((a) => a.parties.municipality.organisation === organisation));
      own.set(organisation, index);
    }
    return index;
  };
  return { all, own: all.map((x) => ({ ...x, agreements: ownIndex(x.staff.organisation) })) };
}

function decisionsPerSecond(
  inputs: DecisionInput | readonly DecisionInput[],
  seconds = 2,
): { perSecond: number; microseconds: number } {
  // 1,024 inputs, the same one in each for the single case, so that both loops do the same work around decide
  const list = Array.isArray(inputs) ? inputs : Array.from({ length: 1024 }, () => inputs as DecisionInput);
  for (let i = 0; i < 5_000; i++) decide(list[i & 1023]);
  let count = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 1_024; i++) decide(list[i]);
    count += 1_024;
  }
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: Math.round(count / elapsed), microseconds: +((elapsed / count) * 1e6).toFixed(2) };
}

const entry = (i: number) => ({
  kind: 'query' as const,
  actorKind: 'staff' as const,
  actor: `guide-${i % 40}`,
  organisation: '2120001967',
  unit: UNIT,
  agreementId: 'da905105-7c95-4dc4-bf65-9d5dc8a81fcc',
  agreementVersion: 1,
  purpose: 'vagledning',
  subjectKey: 'a'.repeat(64),
  categoriesRequested: ['fk.utbetalningar', 'fk.pagaende-arenden'],
  categoriesReleased: ['fk.utbetalningar'],
  categoriesDenied: [{ category: 'fk.pagaende-arenden', reason: 'consent-missing' }],
  outcome: 'partial',
  correlationId: '0d9c3f4e-8a55-4a7b-9a0e-3b1f2c4d5e6f',
});

async function writers(count: number, perWriter: number, append: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await append(w * perWriter + i);
    }),
  );
  return Math.round((count * perWriter) / ((performance.now() - started) / 1000));
}

async function main(): Promise<void> {
  const indexed = decisionsPerSecond(input(true));
  const arrays = decisionsPerSecond(input(false));
  console.log('policy decision, 3 agencies x 10 categories, one core');
  console.log(
    `  prebuilt lookups : ${indexed.perSecond.toLocaleString('en')} decisions/s (${indexed.microseconds} µs)`,
  );
  console.log(
    `  plain arrays     : ${arrays.perSecond.toLocaleString('en')} decisions/s (${arrays.microseconds} µs)  [baseline]`,
  );
  console.log(
    `  ratio            : ${(indexed.perSecond / arrays.perSecond).toFixed(2)}x; target >= 20,000/s: ${indexed.perSecond >= 20_000 ? 'met' : 'MISSED'}`,
  );
  console.log('policy decision, 300 municipalities x 4 agencies (1,200 agreements, 3,600 versions), one core');
  for (const shape of ['today', 'mixed'] as const) {
    const inputs = scaleInputs(shape);
    const all = decisionsPerSecond(inputs.all);
    const own = decisionsPerSecond(inputs.own);
    console.log(
      shape === 'today'
        ? "  the request above, by a guide of any of the 300 municipalities' units in turn"
        : '  any purpose, any of the 4 agencies, by a guide, a caseworker or both, of any unit in turn',
    );
    console.log(
      `    one index of all agreements : ${all.perSecond.toLocaleString('en')} decisions/s (${all.microseconds} µs); ` +
        `${(all.perSecond / indexed.perSecond).toFixed(2)}x the prebuilt lookups above; ` +
        `target >= 100,000/s: ${all.perSecond >= 100_000 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `    each its municipality's only: ${own.perSecond.toLocaleString('en')} decisions/s (${own.microseconds} µs)  [baseline]; ` +
        `ratio ${(all.perSecond / own.perSecond).toFixed(2)}x`,
    );
  }

  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 40 });
  try {
    await pool.query('DROP SCHEMA IF EXISTS audit_bench CASCADE');
    const audit = new AuditLog(pool, { schema: 'audit_bench' });
    await audit.migrate();
    const plainTable = 'audit_bench.plain_insert';
    await pool.query(`CREATE TABLE ${plainTable} (seq bigserial PRIMARY KEY, body jsonb NOT NULL)`);
    const perWriter = 400;
    const chained = await writers(32, perWriter, (i) => audit.append(entry(i)));
    const plain = await writers(32, perWriter, (i) =>
      pool.query(`INSERT INTO ${plainTable} (body) VALUES ($1)`, [entry(i)]),
    );
    const verified = await audit.verify();
    console.log('audit append, 32 concurrent writers, durable (each append awaited until committed)');
    console.log(
      `  hash chain, batched : ${chained.toLocaleString('en')} rows/s; chain intact: ${verified.ok} (${verified.rows} rows)`,
    );
    console.log(`  plain INSERT per row: ${plain.toLocaleString('en')} rows/s  [baseline]`);
    console.log(
      `  ratio               : ${(chained / plain).toFixed(2)}x; target >= 5,000 rows/s: ${chained >= 5_000 ? 'met' : 'MISSED'}`,
    );
  } finally {
    await pool.query('DROP SCHEMA IF EXISTS audit_bench CASCADE').catch(() => undefined);
    await pool.end();
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
