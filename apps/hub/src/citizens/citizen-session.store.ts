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
} from '../auth/login-attempts.js';

/** Who is logged in to "Mina uppgifter": the person by their subject keys, never by the personnummer. */
export interface Citizen {
  /** every key the person's rows and audit entries may be stored under (Subjects.subjectKeysOf), at login */
  subjectKeys: string[];
  /** `19121212-****` */
  subjectMasked: string;
  name: string | null;
  /** the level of assurance of the login (`acr`) */
  loa: string;
}

export interface CitizenSession {
  citizen: Citizen;
  idToken?: string;
  expiresAt: Date;
}

interface SessionRow {
  subject_keys: string[];
  subject_masked: string;
  name: string | null;
  loa: string;
  id_token: string | null;
  expires_at: Date;
}

const sessionOf = (row: SessionRow): CitizenSession => ({
  citizen: { subjectKeys: row.subject_keys, subjectMasked: row.subject_masked, name: row.name, loa: row.loa },
  idToken: row.id_token ?? undefined,
  expiresAt: row.expires_at,
});

/**
 * Citizens' sessions and login attempts (migration CitizenPages1763902010000), in tables of their own: a staff
 * session id is never looked up here, nor a citizen's among the staff's. The browser holds a random id, the
 * database only its hash.
 */
@Injectable()
export class CitizenSessionStore {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Returns the id for the cookie. */
  async createSession(citizen: Citizen, idToken: string | undefined, ttlSeconds: number): Promise<string> {
    const id = newSecretId();
    await this.pool.query('DELETE FROM hub.citizen_session WHERE expires_at <= now()');
    await this.pool.query(
      `INSERT INTO hub.citizen_session (id_hash, subject_keys, subject_masked, name, loa, id_token, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
      [hashOf(id), citizen.subjectKeys, citizen.subjectMasked, citizen.name, citizen.loa, idToken ?? null, ttlSeconds],
    );
    return id;
  }

  async findSession(id: string): Promise<CitizenSession | undefined> {
    if (!looksLikeSecretId(id)) return undefined;
    const { rows } = await this.pool.query<SessionRow>(
      `SELECT subject_keys, subject_masked, name, loa, id_token, expires_at FROM hub.citizen_session
        WHERE id_hash = $1 AND expires_at > now()`,
      [hashOf(id)],
    );
    return rows[0] && sessionOf(rows[0]);
  }

  /** Ends the session; returns it as it was, for the logout at the provider. */
  async deleteSession(id: string): Promise<CitizenSession | undefined> {
    if (!looksLikeSecretId(id)) return undefined;
    const { rows } = await this.pool.query<SessionRow>(
      `DELETE FROM hub.citizen_session WHERE id_hash = $1
       RETURNING subject_keys, subject_masked, name, loa, id_token, expires_at`,
      [hashOf(id)],
    );
    return rows[0] && sessionOf(rows[0]);
  }

  /** Returns the id for the login cookie. */
  createLoginAttempt(attempt: LoginAttempt, ttlSeconds: number): Promise<string> {
    return insertLoginAttempt(this.pool, 'hub.citizen_login_attempt', attempt, ttlSeconds);
  }

  /** A login attempt can be finished once: taking it removes it. */
  takeLoginAttempt(id: string): Promise<LoginAttempt | undefined> {
    return removeLoginAttempt(this.pool, 'hub.citizen_login_attempt', id);
  }
}
