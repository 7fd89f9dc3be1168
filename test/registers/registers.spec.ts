import pg from 'pg';
import {
  agencyDataOf,
  deriveAgencyData,
  examplePeople,
  fkRegister,
  generatePopulation,
  REGISTER_AGENCIES,
  registerRecord,
  REGISTERS,
  skvRegister,
  unknownSubject,
  type AgencyData,
  type ExamplePeople,
  type RegisterAgency,
} from '@hub/registers';
import { DATABASE_URL, testPool } from '../support/env.js';

const SEED = 20_261_123;
const SIZE = 10_000;
const TODAY = new Date('2026-11-23T12:00:00Z');
const schemaOf = (agency: RegisterAgency) => `test_reg_${agency}`;
const CONCURRENT_SCHEMA = 'test_reg_concurrent';
const RESEED_SCHEMA = 'test_reg_reseed';
const ALL_SCHEMAS = [...REGISTER_AGENCIES.map(schemaOf), CONCURRENT_SCHEMA, RESEED_SCHEMA];

describe('agency registers on PostgreSQL', () => {
  const pool = testPool();
  let data: AgencyData;
  let examples: ExamplePeople;

  const dropSchemas = () => Promise.all(ALL_SCHEMAS.map((s) => pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)));

  /** rows in every table of the schema, by table */
  async function rowCounts(schema: string): Promise<Record<string, number>> {
    const { rows } = await pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of rows) {
      const result = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.${table_name}`);
      counts[table_name] = result.rows[0]!.n;
    }
    return counts;
  }

  beforeAll(async () => {
    await dropSchemas();
    const started = performance.now();
    data = deriveAgencyData(generatePopulation({ seed: SEED, size: SIZE }), TODAY);
    console.log(`generated ${SIZE} people and their agency data in ${Math.round(performance.now() - started)} ms`);
    examples = examplePeople(data);
    // The registers derive the same data once per process; doing it here lets the seeding times below be the
    // database's alone.
    agencyDataOf({ seed: SEED, size: SIZE, today: '2026-11-23' });
  });

  afterAll(async () => {
    await dropSchemas();
    await pool.end();
  });

  describe.each(REGISTER_AGENCIES)('the %s register', (agency) => {
    const register = REGISTERS[agency];
    const schema = schemaOf(agency);

    it('seeds once: a second start finds it seeded and changes nothing', async () => {
      const first = await register.ensureSeeded(pool, { schema, seed: SEED, size: SIZE, today: TODAY });
      expect(first).toMatchObject({ seeded: true, people: SIZE });
      const counts = await rowCounts(schema);
      console.log(`${agency}: seeded ${SIZE} people in ${first.ms} ms; rows ${JSON.stringify(counts)}`);
      expect(counts.person).toBe(SIZE);

      const second = await register.ensureSeeded(pool, { schema, seed: SEED, size: SIZE, today: TODAY });
      expect(second).toMatchObject({ seeded: false, people: SIZE });
      expect(await rowCounts(schema)).toEqual(counts);

      const state = await register.seedState(pool, schema);
      expect(state).toMatchObject({ agency, seed: SEED, size: SIZE, today: '2026-11-23', people: SIZE, ms: first.ms });
    });

    it('answers a lookup with exactly what the generator says, for the example people and a sample', async () => {
      const { protectedByKind, ...named } = examples;
      const chosen = [...Object.values(named), ...Object.values(protectedByKind)].map((p) => p.subject);
      const sample = data.population.people.filter((_, i) => i % 50 === 0).map((p) => p.subject);
      const expectedData = agencyDataOf((await register.seedState(pool, schema))!);
      for (const subject of [...chosen, ...sample]) {
        const expected = registerRecord(expectedData.bySubject.get(subject)!, agency);
        await expect(register.lookup(pool, schema, subject)).resolves.toEqual(expected);
      }
    });

    it('shows what each register holds about the showcase person', async () => {
      const record = (await register.lookup(pool, schema, examples.withAllFk.subject))!;
      for (const list of Object.values(record.categories)) expect(Array.isArray(list)).toBe(true);
      if (agency === 'fk') {
        for (const list of Object.values(record.categories)) expect(list.length).toBeGreaterThan(0);
      }
      if (agency === 'skv') {
        expect(record.categories['skv.folkbokforing']![0]!.address).toMatch(/^.+ \d+[A-C]?, \d{3} \d{2} \p{Lu}/u);
      }
    });

    it('answers undefined for someone it does not know', async () => {
      await expect(register.lookup(pool, schema, unknownSubject(data.population))).resolves.toBeUndefined();
      await expect(register.lookup(pool, schema, 'not a subject')).resolves.toBeUndefined();
    });

    it("knows a protected person's flag", async () => {
      for (const person of Object.values(examples.protectedByKind)) {
        const record = await register.lookup(pool, schema, person.subject);
        expect(record?.protectedIdentity).toBe(person.protectedIdentity);
      }
      const plain = await register.lookup(pool, schema, examples.ordinary.subject);
      expect(plain?.protectedIdentity).toBeNull();
    });

    it('answers many lookups a second', async () => {
      const subjects = data.population.people.map((p) => p.subject);
      const lookups = 4_000;
      const concurrency = 8;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < lookups) {
            const subject = subjects[(next++ * 7_919) % subjects.length]!;
            if (!(await register.lookup(pool, schema, subject))) throw new Error('a known subject was not found');
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `${agency}: ${Math.round(lookups / seconds)} lookups/s (${lookups} lookups, ${concurrency} at a time)`,
      );
    });
  });

  it('seeds once when two instances start at the same time', async () => {
    const otherInstance = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    try {
      const options = { schema: CONCURRENT_SCHEMA, seed: SEED, size: 2_000, today: TODAY };
      const results = await Promise.all([
        fkRegister.ensureSeeded(pool, options),
        fkRegister.ensureSeeded(otherInstance, options),
      ]);
      expect(results.map((r) => r.seeded).sort()).toEqual([false, true]);
      expect((await rowCounts(CONCURRENT_SCHEMA)).person).toBe(2_000);
    } finally {
      await otherInstance.end();
    }
  });

  it('seeds again when asked for another seed or size, and keeps each schema to one agency', async () => {
    const first = { schema: RESEED_SCHEMA, seed: 1, size: 300, today: TODAY };
    await skvRegister.ensureSeeded(pool, first);
    const again = await skvRegister.ensureSeeded(pool, { ...first, seed: 2, size: 400 });
    expect(again).toMatchObject({ seeded: true, people: 400 });
    expect((await rowCounts(RESEED_SCHEMA)).person).toBe(400);
    const other = deriveAgencyData(generatePopulation({ seed: 2, size: 400 }), TODAY);
    const someone = other.population.people[17]!.subject;
    await expect(skvRegister.lookup(pool, RESEED_SCHEMA, someone)).resolves.toEqual(
      registerRecord(other.bySubject.get(someone)!, 'skv'),
    );
    await expect(fkRegister.ensureSeeded(pool, first)).rejects.toThrow(/holds the skv register/);
  });
});
