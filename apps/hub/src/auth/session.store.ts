import { Inject, Injectable } from '@nestjs/common';
import pg from 'pg';
import { PG_POOL } from '../core/core.module.js';
import {
  insertLoginAttempt,
  hashOf,
  looksLikeSecretId,
  newSecretId,
  removeLoginAttempt,
  type LoginAttempt,
} from './login-attempts.js';
import type { StaffUser } from './staff-user.js';

export interface StaffSession {
  user: StaffUser;
  idToken?: string;
  expiresAt: Date;
}

export type { LoginAttempt } from './login-attempts.js';

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
  createLoginAttempt(attempt: LoginAttempt, ttlSeconds: number): Promise<string> {
    return insertLoginAttempt(this.pool, 'hub.login_attempt', attempt, ttlSeconds);
  }

  /** A login attempt can be finished once: taking it removes it. */
  takeLoginAttempt(id: string): Promise<LoginAttempt | undefined> {
    return removeLoginAttempt(this.pool, 'hub.login_attempt', id);
  }
}
