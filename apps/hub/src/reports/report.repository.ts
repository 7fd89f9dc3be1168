import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';

export interface ReportParty {
  number: string;
  name: string;
  reportAddress: string | null;
}

/** A claim older than this, never finished, was left by an instance that stopped: another may take it over. */
export const STALE_CLAIM_MINUTES = 30;

/** hub.party_report: one row per party and month, the claim of the instance that makes it and the archive. */
@Injectable()
export class ReportRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Parties of at least one agreement, open, that had their monthly report. */
  async parties(db: Queryable = this.pool): Promise<ReportParty[]> {
    const { rows } = await db.query<ReportParty>(
      `SELECT o.number, o.name, o.report_address AS "reportAddress"
         FROM hub.organisation o
        WHERE o.closed_at IS NULL
          AND EXISTS (SELECT 1 FROM hub.agreement a WHERE a.municipality = o.number OR a.agency = o.number)
        ORDER BY o.number`,
    );
    return rows;
  }

  /**
   * The party's report of the month for this instance to make, or false when another instance has it (or made it).
   * One statement: of instances that claim at once, exactly one gets the row.
   */
  async claim(organisation: string, month: string, instance: string, db: Queryable = this.pool): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO hub.party_report (organisation, month, claimed_by) VALUES ($1, $2::date, $3)
       ON CONFLICT (organisation, month) DO UPDATE
         SET claimed_by = excluded.claimed_by, claimed_at = now(), attempts = hub.party_report.attempts + 1
         WHERE hub.party_report.finished_at IS NULL
           AND hub.party_report.claimed_at < now() - interval '${STALE_CLAIM_MINUTES} minutes'`,
      [organisation, `${month}-01`, instance],
    );
    return rowCount === 1;
  }

  async archive(
    organisation: string,
    month: string,
    report: { pdf: Buffer; csv: string },
    db: Queryable = this.pool,
  ): Promise<void> {
    await db.query(
      `UPDATE hub.party_report SET pdf = $3, csv = $4, generated_at = now()
        WHERE organisation = $1 AND month = $2::date`,
      [organisation, `${month}-01`, report.pdf, report.csv],
    );
  }

  async finish(
    organisation: string,
    month: string,
    outcome: { mailedTo: string | null; error: string | null },
    db: Queryable = this.pool,
  ): Promise<void> {
    await db.query(
      `UPDATE hub.party_report
          SET recipient = $3, mailed_at = CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, error = $4,
              finished_at = now()
        WHERE organisation = $1 AND month = $2::date`,
      [organisation, `${month}-01`, outcome.mailedTo, outcome.error],
    );
  }

  /** A failure before the report was made: the claim is left to go stale, so that a later run tries again. */
  async failed(organisation: string, month: string, error: string, db: Queryable = this.pool): Promise<void> {
    await db.query(`UPDATE hub.party_report SET error = $3 WHERE organisation = $1 AND month = $2::date`, [
      organisation,
      `${month}-01`,
      error,
    ]);
  }
}
