import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { Batcher } from '@hub/common';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import type { Period } from '../follow-up/period.js';
import type { NkiAnswers } from './nki.js';

/** What a survey token, and so its answer, may carry: no contact, no person. */
export interface SurveyTokenFacts {
  organisation: string;
  unit: string;
  channel: string;
  /** the contact's Swedish calendar day */
  day: string;
}

export interface NewSurveyToken extends SurveyTokenFacts {
  tokenHash: string;
  expiresAt: Date;
}

export interface SurveyTokenState extends SurveyTokenFacts {
  expiresAt: Date;
  answered: boolean;
}

export interface Kiosk {
  organisation: string;
  unit: string;
  expiresAt: Date;
}

/** Aggregates of the respondents' 0–100 scores, per channel and (channel null) for all. */
export interface NkiAggregate {
  channel: string | null;
  answers: number;
  mean: number | null;
  stddev: number | null;
}

/** The score of one answer in SQL, as nkiScore computes it. */
const SCORE = `(((a.overall + a.expectations + a.ideal) / 3.0) - 1) * 100.0 / 9`;

/** hub.survey_token, hub.survey_answer and the kiosk tables. */
@Injectable()
export class SurveyRepository {
  private readonly tokens: Batcher<NewSurveyToken>;

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {
    this.tokens = new Batcher((batch) => this.insertTokens(batch), { maxBatch: 200, concurrency: 2 });
  }

  /** Stored with the tokens issued at the same time, in one statement, as contacts are. */
  addToken(token: NewSurveyToken): Promise<void> {
    return this.tokens.add(token);
  }

  async insertTokens(tokens: readonly NewSurveyToken[], db: Queryable = this.pool): Promise<void[]> {
    await db.query({
      name: 'hub-insert-survey-tokens',
      text: `INSERT INTO hub.survey_token (token_hash, organisation, unit, channel, day, expires_at)
             SELECT * FROM json_to_recordset($1::json)
               AS r(token_hash text, organisation text, unit text, channel text, day date, expires_at timestamptz)`,
      values: [
        JSON.stringify(
          tokens.map((t) => ({
            token_hash: t.tokenHash,
            organisation: t.organisation,
            unit: t.unit,
            channel: t.channel,
            day: t.day,
            expires_at: t.expiresAt.toISOString(),
          })),
        ),
      ],
    });
    return tokens.map(() => undefined);
  }

  async token(tokenHash: string, db: Queryable = this.pool): Promise<SurveyTokenState | undefined> {
    const { rows } = await db.query<{
      organisation: string;
      unit: string;
      channel: string;
      day: string;
      expires_at: Date;
      answered: boolean;
    }>(
      `SELECT organisation, unit, channel, to_char(day, 'YYYY-MM-DD') AS day, expires_at, answered
       FROM hub.survey_token WHERE token_hash = $1`,
      [tokenHash],
    );
    const r = rows[0];
    return (
      r && {
        organisation: r.organisation,
        unit: r.unit,
        channel: r.channel,
        day: r.day,
        expiresAt: r.expires_at,
        answered: r.answered,
      }
    );
  }

  /**
   * Marks the token answered and stores the answer with the token's facts, in one statement: true when it did,
   * false when the token is unknown, answered already or expired (two answers at once: one of them wins).
   */
  async answer(tokenHash: string, answers: NkiAnswers, now: Date, db: Queryable = this.pool): Promise<boolean> {
    const { rowCount } = await db.query(
      `WITH t AS (
         UPDATE hub.survey_token SET answered = true
         WHERE token_hash = $1 AND NOT answered AND expires_at > $2
         RETURNING organisation, unit, channel, day
       )
       INSERT INTO hub.survey_answer (organisation, unit, channel, day, overall, expectations, ideal)
       SELECT organisation, unit, channel, day, $3, $4, $5 FROM t`,
      [tokenHash, now, answers.overall, answers.expectations, answers.ideal],
    );
    return rowCount === 1;
  }

  async addPairing(
    codeHash: string,
    organisation: string,
    unit: string,
    createdBy: string,
    expiresAt: Date,
    db: Queryable = this.pool,
  ): Promise<void> {
    await db.query(
      `INSERT INTO hub.survey_kiosk_pairing (code_hash, organisation, unit, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [codeHash, organisation, unit, createdBy, expiresAt],
    );
  }

  /** Uses the pairing code up: the unit and who made it, when it was valid. */
  async takePairing(
    codeHash: string,
    now: Date,
    db: Queryable = this.pool,
  ): Promise<{ organisation: string; unit: string; createdBy: string } | undefined> {
    const { rows } = await db.query<{ organisation: string; unit: string; created_by: string }>(
      `DELETE FROM hub.survey_kiosk_pairing WHERE code_hash = $1 AND expires_at > $2
       RETURNING organisation, unit, created_by`,
      [codeHash, now],
    );
    const r = rows[0];
    return r && { organisation: r.organisation, unit: r.unit, createdBy: r.created_by };
  }

  async addKiosk(keyHash: string, kiosk: Kiosk, pairedBy: string, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.survey_kiosk (key_hash, organisation, unit, paired_by, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [keyHash, kiosk.organisation, kiosk.unit, pairedBy, kiosk.expiresAt],
    );
  }

  async kiosk(keyHash: string, now: Date, db: Queryable = this.pool): Promise<Kiosk | undefined> {
    const { rows } = await db.query<{ organisation: string; unit: string; expires_at: Date }>(
      `SELECT organisation, unit, expires_at FROM hub.survey_kiosk WHERE key_hash = $1 AND expires_at > $2`,
      [keyHash, now],
    );
    const r = rows[0];
    return r && { organisation: r.organisation, unit: r.unit, expiresAt: r.expires_at };
  }

  async hasKiosk(organisation: string, unit: string, now: Date, db: Queryable = this.pool): Promise<boolean> {
    const { rows } = await db.query(
      `SELECT 1 FROM hub.survey_kiosk WHERE organisation = $1 AND unit = $2 AND expires_at > $3 LIMIT 1`,
      [organisation, unit, now],
    );
    return rows.length > 0;
  }

  /** The token the unit's kiosks show next, replacing one offered before. */
  async offer(
    organisation: string,
    unit: string,
    tokenHash: string,
    expiresAt: Date,
    db: Queryable = this.pool,
  ): Promise<void> {
    await db.query(
      `INSERT INTO hub.survey_kiosk_offer (organisation, unit, token_hash, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (organisation, unit) DO UPDATE SET token_hash = excluded.token_hash, expires_at = excluded.expires_at`,
      [organisation, unit, tokenHash, expiresAt],
    );
  }

  async offered(organisation: string, unit: string, now: Date, db: Queryable = this.pool): Promise<string | undefined> {
    const { rows } = await db.query<{ token_hash: string }>(
      `SELECT token_hash FROM hub.survey_kiosk_offer WHERE organisation = $1 AND unit = $2 AND expires_at > $3`,
      [organisation, unit, now],
    );
    return rows[0]?.token_hash;
  }

  /** Takes the unit's offer away, when it is still the one given: the kiosk has it answered. */
  async withdrawOffer(organisation: string, unit: string, tokenHash: string, db: Queryable = this.pool) {
    await db.query(`DELETE FROM hub.survey_kiosk_offer WHERE organisation = $1 AND unit = $2 AND token_hash = $3`, [
      organisation,
      unit,
      tokenHash,
    ]);
  }

  /**
   * Deletes up to `limit` survey tokens that expired before `before` (answered or not), and the kiosk pairings,
   * kiosks and offers that expired before it: how many tokens it deleted. Rows another instance is deleting at the
   * same moment are skipped (SKIP LOCKED), so any number of hub instances may clean at once without waiting for or
   * failing on each other.
   */
  async deleteExpired(before: Date, limit: number, db: Queryable = this.pool): Promise<number> {
    const { rows } = await db.query<{ tokens: number }>(
      `WITH token AS (
         DELETE FROM hub.survey_token WHERE token_hash IN (
           SELECT token_hash FROM hub.survey_token WHERE expires_at < $1
            ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING 1
       ), pairing AS (
         DELETE FROM hub.survey_kiosk_pairing WHERE code_hash IN (
           SELECT code_hash FROM hub.survey_kiosk_pairing WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
       ), kiosk AS (
         DELETE FROM hub.survey_kiosk WHERE key_hash IN (
           SELECT key_hash FROM hub.survey_kiosk WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
       ), offer AS (
         DELETE FROM hub.survey_kiosk_offer WHERE (organisation, unit) IN (
           SELECT organisation, unit FROM hub.survey_kiosk_offer WHERE expires_at < $1 LIMIT $2
              FOR UPDATE SKIP LOCKED)
       )
       SELECT count(*)::int AS tokens FROM token`,
      [before, limit],
    );
    return rows[0]!.tokens;
  }

  /** Respondents' scores in the period, per channel and in all (channel null), for the organisation or one unit. */
  async nki(organisation: string, unit: string | null, period: Period, db: Queryable = this.pool) {
    const { rows } = await db.query<{
      channel: string | null;
      answers: number;
      mean: number | null;
      sd: number | null;
    }>(
      `SELECT a.channel, count(*)::int AS answers, avg(${SCORE})::float8 AS mean, stddev_samp(${SCORE})::float8 AS sd
       FROM hub.survey_answer a
       WHERE a.organisation = $1 AND ($2::text IS NULL OR a.unit = $2) AND a.day BETWEEN $3::date AND $4::date
       GROUP BY ROLLUP (a.channel)`,
      [organisation, unit, period.from, period.to],
    );
    return rows.map((r): NkiAggregate => ({ channel: r.channel, answers: r.answers, mean: r.mean, stddev: r.sd }));
  }
}
