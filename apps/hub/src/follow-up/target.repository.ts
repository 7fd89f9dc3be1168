import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';

/** A municipality's targets for one of its units, or (unit null) for the whole municipality; null: no target. */
export interface Targets {
  organisation: string;
  unit: string | null;
  firstContactResolvedPercent: number | null;
  nki: number | null;
  errandsInTimePercent: number | null;
  referralsInTimePercent: number | null;
  updatedAt: Date;
  updatedBy: string;
}

export type NewTargets = Omit<Targets, 'updatedAt'>;

interface TargetRow {
  organisation: string;
  unit: string | null;
  first_contact_resolved_percent: string | null;
  nki: string | null;
  errands_in_time_percent: string | null;
  referrals_in_time_percent: string | null;
  updated_at: Date;
  updated_by: string;
}

const numberOrNull = (value: string | null) => (value === null ? null : Number(value));

const toTargets = (row: TargetRow): Targets => ({
  organisation: row.organisation,
  unit: row.unit,
  firstContactResolvedPercent: numberOrNull(row.first_contact_resolved_percent),
  nki: numberOrNull(row.nki),
  errandsInTimePercent: numberOrNull(row.errands_in_time_percent),
  referralsInTimePercent: numberOrNull(row.referrals_in_time_percent),
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
});

/** hub.follow_up_target: one row per municipality and unit (or the municipality as a whole). */
@Injectable()
export class TargetRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** The organisation's targets, the whole municipality's first. */
  async list(organisation: string, db: Queryable = this.pool): Promise<Targets[]> {
    const { rows } = await db.query<TargetRow>(
      `SELECT * FROM hub.follow_up_target WHERE organisation = $1 ORDER BY unit NULLS FIRST`,
      [organisation],
    );
    return rows.map(toTargets);
  }

  /** The targets that apply to a unit: its own and its municipality's (both may be missing). */
  async applying(
    organisation: string,
    unit: string | null,
    db: Queryable = this.pool,
  ): Promise<{ unit?: Targets; municipality?: Targets }> {
    const { rows } = await db.query<TargetRow>(
      `SELECT * FROM hub.follow_up_target WHERE organisation = $1 AND (unit IS NULL OR unit = $2)`,
      [organisation, unit],
    );
    const targets = rows.map(toTargets);
    return {
      unit: unit === null ? undefined : targets.find((t) => t.unit === unit),
      municipality: targets.find((t) => t.unit === null),
    };
  }

  /** Whether the municipality has an open unit (a centre, not a department) of that name. */
  async isCentre(organisation: string, unit: string, db: Queryable = this.pool): Promise<boolean> {
    const { rows } = await db.query(
      `SELECT 1 FROM hub.unit WHERE organisation = $1 AND name = $2 AND kind <> 'department' AND closed_at IS NULL`,
      [organisation, unit],
    );
    return rows.length > 0;
  }

  /** The targets set for exactly this scope, locked for the rest of the transaction. */
  async lock(organisation: string, unit: string | null, tx: Queryable): Promise<Targets | undefined> {
    const { rows } = await tx.query<TargetRow>(
      `SELECT * FROM hub.follow_up_target WHERE organisation = $1 AND unit IS NOT DISTINCT FROM $2 FOR UPDATE`,
      [organisation, unit],
    );
    return rows[0] && toTargets(rows[0]);
  }

  async upsert(targets: NewTargets, db: Queryable = this.pool): Promise<Targets> {
    const { rows } = await db.query<TargetRow>(
      `INSERT INTO hub.follow_up_target (organisation, unit, first_contact_resolved_percent, nki,
         errands_in_time_percent, referrals_in_time_percent, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (organisation, unit) DO UPDATE SET
         first_contact_resolved_percent = EXCLUDED.first_contact_resolved_percent, nki = EXCLUDED.nki,
         errands_in_time_percent = EXCLUDED.errands_in_time_percent,
         referrals_in_time_percent = EXCLUDED.referrals_in_time_percent,
         updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING *`,
      [
        targets.organisation,
        targets.unit,
        targets.firstContactResolvedPercent,
        targets.nki,
        targets.errandsInTimePercent,
        targets.referralsInTimePercent,
        targets.updatedBy,
      ],
    );
    return toTargets(rows[0]);
  }
}
