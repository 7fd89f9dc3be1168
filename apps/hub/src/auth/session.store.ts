import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import pg from 'pg';
import { PG_POOL } from '../core/core.module.js';
import type { StaffUser } from './staff-user.js';

export interface StaffSession {
  user: StaffUser;
  idToken?: string;
  expiresAt: Date;
}

/** What the callback needs to finish a login that the browser started: the values only the hub may know. */
export interface LoginAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

/** The browser holds a random id; the database only its hash. */
const newSecretId = () => randomBytes(32).toString('base64url');
const hashOf = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');
const looksLikeSecretId = (id: string) => /^[A-Za-z0-9_-]{43}$/.test(id);

/** Server-side staff sessions and login attempts in PostgreSQL (migration StaffSessions1763900450000). */
@Injectable()
export class SessionStore {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Returns the id for the cookie. */
  async createSession(user: StaffUser, idToken: string | undefined, ttlSeconds: number): Promise<string> {
    const id = newSecretId();
    await this.pool.query('DELETE FROM hub.staff_session WHERE expires_at <= now()');
    await this.pool.query(
      `INSERT INTO hub.staff_session (id_hash, staff_user, id_token, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [hashOf(id), JSON.stringify(user), idToken ?? null, ttlSeconds],
    );
    return id;
  }

  async findSession(id: string): Promise<StaffSession | undefined> {
    if (!looksLikeSecretId(id)) return undefined;
    const { rows } = await this.pool.query<{ staff_user: StaffUser; id_token: string | null; expires_at: Date }>(
      'SELECT staff_user, id_token, expires_at FROM hub.staff_session WHERE id_hash = $1 AND expires_at > now()',
      [hashOf(id)],
    );
    const row = rows[0];
    return row && { user: row.staff_user, idToken: row.id_token ?? undefined, expiresAt: row.expires_at };
  }

  /** Ends the session; returns it as it was, for the logout at the identity provider. */
  async deleteSession(id: string): Promise<StaffSession | undefined> {
    if (!looksLikeSecretId(id)) return undefined;
    const { rows } = await this.pool.query<{ staff_user: StaffUser; id_token: string | null; expires_at: Date }>(
      'DELETE FROM hub.staff_session WHERE id_hash = $1 RETURNING staff_user, id_token, expires_at',
      [hashOf(id)],
    );
    const row = rows[0];
    return row && { user: row.staff_user, idToken: row.id_token ?? undefined, expiresAt: row.expires_at };
  }

  /** Returns the id for the login cookie. */
  async createLoginAttempt(attempt: LoginAttempt, ttlSeconds: number): Promise<string> {
    const id = newSecretId();
    await this.pool.query('DELETE FROM hub.login_attempt WHERE expires_at <= now()');
    await this.pool.query(
      `INSERT INTO hub.login_attempt (id_hash, state, nonce, code_verifier, return_to, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [hashOf(id), attempt.state, attempt.nonce, attempt.codeVerifier, attempt.returnTo, ttlSeconds],
    );
    return id;
  }

  /** A login attempt can be finished once: taking it removes it. */
  async takeLoginAttempt(id: string): Promise<LoginAttempt | undefined> {
    if (!looksLikeSecretId(id)) return undefined;
    const { rows } = await this.pool.query<{
      state: string;
      nonce: string;
      code_verifier: string;
      return_to: string;
      valid: boolean;
    }>(
      `DELETE FROM hub.login_attempt WHERE id_hash = $1
       RETURNING state, nonce, code_verifier, return_to, expires_at > now() AS valid`,
      [hashOf(id)],
    );
    const row = rows[0];
    return row?.valid
      ? { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to }
      : undefined;
  }
}
