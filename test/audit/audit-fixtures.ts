import type pg from 'pg';
import { AuditLog, entryHash, type AuditEntryInput } from '@hub/audit';

export const SECRET = 'integration-test-subject-key-secret-0123456789';

/** Each spec file has its own schema, dropped and created afresh, so the real `audit` schema is never touched. */
export async function freshLog(pool: pg.Pool, schema: string, maxBatch?: number): Promise<AuditLog> {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  const log = new AuditLog(pool, { schema, subjectKeySecret: SECRET, maxBatch, verifyPageSize: 64 });
  await log.migrate();
  return log;
}

export function queryEntry(n: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    kind: 'query',
    actorKind: 'staff',
    actor: `staff-${n % 7}`,
    organisation: '2120001967',
    unit: 'Servicecenter',
    agreementId: '6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10',
    agreementVersion: 3,
    purpose: 'vagledning',
    categoriesRequested: ['fk.utbetalningar', 'skv.inkomst', 'af.inskrivning'],
    categoriesReleased: ['fk.utbetalningar', 'af.inskrivning'],
    categoriesDenied: [{ category: 'skv.inkomst', reason: 'legal-basis-missing' }],
    outcome: 'partial',
    correlationId: `corr-${n}`,
    details: { n, agencies: { fk: 'ok', af: 'ok', skv: 'denied' }, ms: 12.5 },
    ...overrides,
  };
}

/** What an attacker with superuser access to the database can do: write with the append-only triggers skipped. */
export async function tamper(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(sql, params);
  } finally {
    await client.query('RESET session_replication_role').catch(() => undefined);
    client.release();
  }
}

/** What an attacker who knows the (public) encoding computes for a row of `schema` as it now stands. */
export async function rehash(pool: pg.Pool, schema: string, seq: number): Promise<string> {
  const { rows } = await pool.query(
    `SELECT seq::int, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, kind,
       actor_kind AS "actorKind", actor, organisation, unit, agreement_id AS "agreementId",
       agreement_version AS "agreementVersion", purpose, subject_key AS "subjectKey",
       categories_requested AS "categoriesRequested", categories_released AS "categoriesReleased",
       categories_denied AS "categoriesDenied", outcome, correlation_id AS "correlationId",
       protected_identity AS "protectedIdentity", details, prev_hash AS "prevHash"
     FROM ${schema}.entry WHERE seq = $1`,
    [seq],
  );
  return entryHash(rows[0]);
}
