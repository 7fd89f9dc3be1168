import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';

/** What the callback needs to finish a login that the browser started: the values only the hub may know. */
export interface LoginAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

/** The browser holds a random id; the database only its hash. */
export const newSecretId = () => randomBytes(32).toString('base64url');
export const hashOf = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');
export const looksLikeSecretId = (id: string) => /^[A-Za-z0-9_-]{43}$/.test(id);

/** The tables of login attempts: staff logins (OIDC at the identity provider) and citizens' (e-legitimation). */
export type LoginAttemptTable = 'hub.login_attempt' | 'hub.citizen_login_attempt';

/** Stores an attempt, dropping expired ones; returns the id for the login cookie. */
export async function insertLoginAttempt(
  pool: pg.Pool,
  table: LoginAttemptTable,
  attempt: LoginAttempt,
  ttlSeconds: number,
): Promise<string> {
  const id = newSecretId();
  await pool.query(`DELETE FROM ${table} WHERE expires_at <= now()`);
  await pool.query(
    `INSERT INTO ${table} (id_hash, state, nonce, code_verifier, return_to, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
    [hashOf(id), attempt.state, attempt.nonce, attempt.codeVerifier, attempt.returnTo, ttlSeconds],
  );
  return id;
}

/** A login attempt can be finished once: taking it removes it. */
export async function removeLoginAttempt(
  pool: pg.Pool,
  table: LoginAttemptTable,
  id: string,
): Promise<LoginAttempt | undefined> {
  if (!looksLikeSecretId(id)) return undefined;
  const { rows } = await pool.query<{
    state: string;
    nonce: string;
    code_verifier: string;
    return_to: string;
    valid: boolean;
  }>(
    `DELETE FROM ${table} WHERE id_hash = $1
     RETURNING state, nonce, code_verifier, return_to, expires_at > now() AS valid`,
    [hashOf(id)],
  );
  const row = rows[0];
  return row?.valid
    ? { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to }
    : undefined;
}
