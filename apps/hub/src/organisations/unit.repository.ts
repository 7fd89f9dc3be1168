import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { UnitKind } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import type { Unit } from './organisation.types.js';

/** A unit inserted by a seed or fixture without a display name shows its name. */
const COLUMNS = `id, organisation, name, coalesce(display_name, name) AS display_name, kind, registered_at,
  registered_by, closed_at, closed_by`;

interface UnitRow {
  id: string;
  organisation: string;
  name: string;
  display_name: string;
  kind: UnitKind;
  registered_at: Date;
  registered_by: string;
  closed_at: Date | null;
  closed_by: string | null;
}

const toUnit = (row: UnitRow): Unit => ({
  id: row.id,
  organisation: row.organisation,
  name: row.name,
  displayName: row.display_name,
  kind: row.kind,
  registeredAt: row.registered_at,
  registeredBy: row.registered_by,
  closedAt: row.closed_at,
  closedBy: row.closed_by,
});

/** hub.unit: a municipality's servicecenters, medborgarkontor and departments. */
@Injectable()
export class UnitRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async list(organisation: string, db: Queryable = this.pool): Promise<Unit[]> {
    const { rows } = await db.query<UnitRow>(
      `SELECT ${COLUMNS} FROM hub.unit WHERE organisation = $1 ORDER BY coalesce(display_name, name), name`,
      [organisation],
    );
    return rows.map(toUnit);
  }

  async find(organisation: string, id: string, db: Queryable = this.pool): Promise<Unit | undefined> {
    const { rows } = await db.query<UnitRow>(`SELECT ${COLUMNS} FROM hub.unit WHERE organisation = $1 AND id = $2`, [
      organisation,
      id,
    ]);
    return rows[0] && toUnit(rows[0]);
  }

  async lock(organisation: string, id: string, tx: Queryable): Promise<Unit | undefined> {
    const { rows } = await tx.query<UnitRow>(
      `SELECT ${COLUMNS} FROM hub.unit WHERE organisation = $1 AND id = $2 FOR UPDATE`,
      [organisation, id],
    );
    return rows[0] && toUnit(rows[0]);
  }

  /** Inserts unless the organisation has a unit of that name already; undefined when it has. */
  async insert(
    unit: Pick<Unit, 'organisation' | 'name' | 'displayName' | 'kind' | 'registeredBy'>,
    tx: Queryable,
  ): Promise<Unit | undefined> {
    const { rows } = await tx.query<UnitRow>(
      `INSERT INTO hub.unit (organisation, name, display_name, kind, registered_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (organisation, name) DO NOTHING
       RETURNING ${COLUMNS}`,
      [unit.organisation, unit.name, unit.displayName, unit.kind, unit.registeredBy],
    );
    return rows[0] && toUnit(rows[0]);
  }

  async rename(organisation: string, id: string, displayName: string, tx: Queryable): Promise<void> {
    await tx.query(`UPDATE hub.unit SET display_name = $3 WHERE organisation = $1 AND id = $2`, [
      organisation,
      id,
      displayName,
    ]);
  }

  async close(organisation: string, id: string, by: string, tx: Queryable): Promise<void> {
    await tx.query(`UPDATE hub.unit SET closed_at = now(), closed_by = $3 WHERE organisation = $1 AND id = $2`, [
      organisation,
      id,
      by,
    ]);
  }

  /** Closes every open unit of an organisation that closes; returns their names. */
  async closeAll(organisation: string, by: string, tx: Queryable): Promise<string[]> {
    const { rows } = await tx.query<{ name: string }>(
      `UPDATE hub.unit SET closed_at = now(), closed_by = $2 WHERE organisation = $1 AND closed_at IS NULL
       RETURNING name`,
      [organisation, by],
    );
    return rows.map((row) => row.name).sort();
  }
}
