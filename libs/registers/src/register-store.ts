import type { Pool, PoolClient } from 'pg';
import { deriveAgencyData, type AgencyData } from './agency-data.js';
import { isoDate } from './dates.js';
import {
  REGISTER_CATEGORIES,
  REGISTER_FIELDS,
  type RegisterAgency,
  type RegisterCategoryCode,
  type RegisterRecord,
} from './fields.js';
import { generatePopulation, PROTECTED_IDENTITIES, type ProtectedIdentity } from './population.js';

export interface SeedOptions {
  /** the PostgreSQL schema that holds this agency's register; one schema per agency */
  schema: string;
  seed: number;
  size: number;
  /** the day payments, cases and income years are counted from; default the real clock */
  today?: Date;
}

export interface SeedResult {
  /** false when the register already held this seed and size */
  seeded: boolean;
  people: number;
  ms: number;
}

/** What the register was seeded with: derive the same `AgencyData` from it to know what `lookup` answers. */
export interface SeedState {
  agency: string;
  seed: number;
  size: number;
  /** YYYY-MM-DD */
  today: string;
  people: number;
  seededAt: Date;
  /** how long seeding took */
  ms: number;
}

export interface AgencyRegister {
  agency: string;
  /**
   * Creates the schema's tables when absent and seeds them once. Concurrent calls (several instances starting) seed
   * once: a transaction-scoped advisory lock serialises them and the `seed_state` row tells the later ones it is
   * done. A register seeded with another seed or size is emptied and seeded again.
   */
  ensureSeeded(pool: Pool, options: SeedOptions): Promise<SeedResult>;
  /** One SQL round trip; `undefined` when the person is not in the register. */
  lookup(pool: Pool, schema: string, subject: string): Promise<RegisterRecord | undefined>;
  /** Several people in one SQL round trip: one answer per subject, in order, `undefined` for those not found. */
  lookupMany(pool: Pool, schema: string, subjects: readonly string[]): Promise<(RegisterRecord | undefined)[]>;
  seedState(pool: Pool, schema: string): Promise<SeedState | undefined>;
  /** some subjects in the register, in subject order */
  subjects(pool: Pool, schema: string, limit: number): Promise<string[]>;
}

/**
 * What differs between the agencies: their tables, how they are filled and the lookup query. An agency outside this
 * library (an adapter app with a register of its own) names its category codes; FK, AF and SKV have theirs here.
 */
export interface RegisterDefinition {
  agency: string;
  /** the category codes of the lookup's json columns; default the agency's REGISTER_CATEGORIES */
  categories?: readonly string[];
  /** `CREATE TABLE IF NOT EXISTS` of the agency's tables, `person` among them */
  tablesDdl(schema: string): string;
  /** every table, referencing tables first, in the order they are emptied before a reseed */
  tables: readonly string[];
  insert(client: PoolClient, schema: string, data: AgencyData): Promise<void>;
  /**
   * Selects one row for each subject in `$1` (a text[]) found: `subject`, `protected_identity` and a json column
   * named after each of the agency's category codes (build them with `jsonList`).
   */
  lookupSql(schema: string): string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function schemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`register schema name must match ${SCHEMA_NAME}`);
  return schema;
}

/** The `CHECK` that keeps the protected-identity column to the three kinds SKV marks. */
export const PROTECTED_IDENTITY_CHECK = `CHECK (protected_identity IN (${PROTECTED_IDENTITIES.map((k) => `'${k}'`).join(', ')}))`;

/** The person table of a register that keeps nothing of a person but the protected-identity flag (FK, AF). */
export const personTableDdl = (s: string) => `
  CREATE TABLE IF NOT EXISTS ${s}.person (
    subject            text PRIMARY KEY CHECK (subject ~ '^[0-9]{12}$'),
    protected_identity text ${PROTECTED_IDENTITY_CHECK}
  );`;

/** Fills that table: every person of the population, with the flag. */
export function insertPeople(client: PoolClient, s: string, data: AgencyData): Promise<void> {
  return insertRows(
    client,
    `${s}.person`,
    [
      ['subject', 'text'],
      ['protected_identity', 'text'],
    ],
    [...data.bySubject.values()].map((d) => [d.person.subject, d.person.protectedIdentity]),
  );
}

/**
 * A subquery that aggregates a category's records into a json list (`[]` when none), its fields from REGISTER_FIELDS
 * unless a register of its own gives them.
 */
export function jsonList(
  code: string,
  expressions: Readonly<Record<string, string>>,
  fromWhere: string,
  orderBy: string,
  fields: readonly { name: string }[] = REGISTER_FIELDS[code as RegisterCategoryCode],
): string {
  if (!fields) throw new Error(`no fields known for category ${code}`);
  const pairs = fields.map((field) => {
    const expression = expressions[field.name];
    if (!expression) throw new Error(`no SQL expression for ${code}.${field.name}`);
    return `'${field.name}', ${expression}`;
  });
  if (Object.keys(expressions).length !== pairs.length)
    throw new Error(`SQL expressions for ${code} beyond its fields`);
  return `coalesce((SELECT json_agg(json_build_object(${pairs.join(', ')}) ORDER BY ${orderBy}) ${fromWhere}), '[]'::json) AS "${code}"`;
}

const INSERT_CHUNK_ROWS = 10_000;

/** Inserts rows with one `unnest` of column arrays per chunk: a few statements for tens of thousands of rows. */
export async function insertRows(
  client: PoolClient,
  table: string,
  columns: readonly (readonly [name: string, type: string])[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const sql = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`;
  for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
    const chunk = rows.slice(start, start + INSERT_CHUNK_ROWS);
    await client.query(
      sql,
      columns.map((_, i) => chunk.map((row) => row[i])),
    );
  }
}

// The three agencies seeding in one process derive the same data: derive it once.
let lastDerived: { key: string; data: AgencyData } | undefined;

function agencyDataFor(seed: number, size: number, today: string): AgencyData {
  const key = `${seed}:${size}:${today}`;
  if (lastDerived?.key !== key) {
    lastDerived = { key, data: deriveAgencyData(generatePopulation({ seed, size }), today) };
  }
  return lastDerived.data;
}

function seedStateDdl(s: string): string {
  return `
  CREATE TABLE IF NOT EXISTS ${s}.seed_state (
    id        smallint    PRIMARY KEY CHECK (id = 1),
    agency    text        NOT NULL,
    seed      bigint      NOT NULL,
    size      integer     NOT NULL,
    today     date        NOT NULL,
    people    integer     NOT NULL,
    seeded_at timestamptz NOT NULL DEFAULT now(),
    ms        integer     NOT NULL
  );`;
}

interface SeedStateRow {
  agency: string;
  seed: string;
  size: number;
  today: string;
  people: number;
  seeded_at: Date;
  ms: number;
}

const SELECT_SEED_STATE = (s: string) =>
  `SELECT agency, seed, size, to_char(today, 'YYYY-MM-DD') AS today, people, seeded_at, ms FROM ${s}.seed_state WHERE id = 1`;

function toSeedState(row: SeedStateRow): SeedState {
  return {
    agency: row.agency,
    seed: Number(row.seed),
    size: row.size,
    today: row.today,
    people: row.people,
    seededAt: row.seeded_at,
    ms: row.ms,
  };
}

interface LookupRow {
  subject: string;
  protected_identity: ProtectedIdentity | null;
  [code: string]: unknown;
}

/** An agency's register over PostgreSQL, from its definition. */
export function createAgencyRegister(definition: RegisterDefinition): AgencyRegister {
  const { agency } = definition;
  const categoryCodes = definition.categories ?? REGISTER_CATEGORIES[agency as RegisterAgency];
  if (!categoryCodes) throw new Error(`the ${agency} register must name its categories`);
  const lookupStatements = new Map<string, { name: string; text: string }>();
  const statementFor = (schema: string) => {
    let statement = lookupStatements.get(schema);
    if (!statement) {
      statement = { name: `registers_lookup_${agency}_${schema}`.slice(0, 63), text: definition.lookupSql(schema) };
      lookupStatements.set(schema, statement);
    }
    return statement;
  };

  return {
    agency,

    async ensureSeeded(pool, options) {
      const started = performance.now();
      const s = schemaName(options.schema);
      if (!Number.isSafeInteger(options.seed)) throw new RangeError('seed must be a safe integer');
      const today = isoDate(options.today ?? new Date());
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hub-registers:${s}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}; ${seedStateDdl(s)} ${definition.tablesDdl(s)}`);
        const existing = await client.query<SeedStateRow>(SELECT_SEED_STATE(s));
        const state = existing.rows[0] ? toSeedState(existing.rows[0]) : undefined;
        if (state && state.agency !== agency) {
          throw new Error(`schema ${s} holds the ${state.agency} register; give each agency its own schema`);
        }
        if (state && state.seed === options.seed && state.size === options.size) {
          await client.query('COMMIT');
          return { seeded: false, people: state.people, ms: Math.round(performance.now() - started) };
        }
        if (state) await client.query(`TRUNCATE ${definition.tables.map((t) => `${s}.${t}`).join(', ')}`);
        const data = agencyDataFor(options.seed, options.size, today);
        await definition.insert(client, s, data);
        const ms = Math.round(performance.now() - started);
        await client.query(
          `INSERT INTO ${s}.seed_state (id, agency, seed, size, today, people, ms) VALUES (1, $1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET agency = $1, seed = $2, size = $3, today = $4, people = $5, ms = $6,
             seeded_at = now()`,
          [agency, options.seed, options.size, today, data.population.people.length, ms],
        );
        await client.query('COMMIT');
        return { seeded: true, people: data.population.people.length, ms };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    async lookup(pool, schema, subject) {
      return (await this.lookupMany(pool, schema, [subject]))[0];
    },

    async lookupMany(pool, schema, subjects) {
      const { name, text } = statementFor(schemaName(schema));
      const { rows } = await pool.query<LookupRow>({ name, text, values: [subjects] });
      const bySubject = new Map<string, RegisterRecord>();
      for (const row of rows) {
        const categories: RegisterRecord['categories'] = {};
        for (const code of categoryCodes) categories[code] = row[code] as RegisterRecord['categories'][string];
        bySubject.set(row.subject, { subject: row.subject, protectedIdentity: row.protected_identity, categories });
      }
      return subjects.map((subject) => bySubject.get(subject));
    },

    async seedState(pool, schema) {
      const s = schemaName(schema);
      const { rows } = await pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
        `${s}.seed_state`,
      ]);
      if (!rows[0]?.present) return undefined;
      const state = await pool.query<SeedStateRow>(SELECT_SEED_STATE(s));
      return state.rows[0] ? toSeedState(state.rows[0]) : undefined;
    },

    async subjects(pool, schema, limit) {
      const { rows } = await pool.query<{ subject: string }>(
        `SELECT subject FROM ${schemaName(schema)}.person ORDER BY subject LIMIT $1`,
        [limit],
      );
      return rows.map((r) => r.subject);
    },
  };
}

/** The register seeded with this state holds exactly what this derives. */
export function agencyDataOf(state: Pick<SeedState, 'seed' | 'size' | 'today'>): AgencyData {
  return agencyDataFor(state.seed, state.size, state.today);
}
