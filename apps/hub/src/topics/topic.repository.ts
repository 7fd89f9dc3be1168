import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import { defaultTaxonomyRows } from './default-taxonomy-rows.js';

export interface TopicCategory {
  id: string;
  organisation: string;
  code: string;
  name: string;
  createdAt: Date;
  createdBy: string;
  retiredAt: Date | null;
  retiredBy: string | null;
}

export interface TopicType extends TopicCategory {
  /** the category's code */
  category: string;
  /** the unit (by name) that answers forwarded errands of this type by default */
  department: string | null;
  responseHours: number | null;
  secrecySensitive: boolean;
}

export interface TopicTypeChange {
  name?: string;
  department?: string | null;
  responseHours?: number | null;
  secrecySensitive?: boolean;
  retiredBy?: string;
}

const COMMON = `id, organisation, code, name, created_at, created_by, retired_at, retired_by`;
const CATEGORY_COLUMNS = COMMON;
const TYPE_COLUMNS = `${COMMON}, category, department, response_hours, secrecy_sensitive`;

interface CategoryRow {
  id: string;
  organisation: string;
  code: string;
  name: string;
  created_at: Date;
  created_by: string;
  retired_at: Date | null;
  retired_by: string | null;
}

interface TypeRow extends CategoryRow {
  category: string;
  department: string | null;
  response_hours: number | null;
  secrecy_sensitive: boolean;
}

const toCategory = (row: CategoryRow): TopicCategory => ({
  id: row.id,
  organisation: row.organisation,
  code: row.code,
  name: row.name,
  createdAt: row.created_at,
  createdBy: row.created_by,
  retiredAt: row.retired_at,
  retiredBy: row.retired_by,
});

const toType = (row: TypeRow): TopicType => ({
  ...toCategory(row),
  category: row.category,
  department: row.department,
  responseHours: row.response_hours,
  secrecySensitive: row.secrecy_sensitive,
});

/** hub.topic_category and hub.topic_type: each municipality's own taxonomy. */
@Injectable()
export class TopicRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Gives a municipality without a taxonomy (registered after the seed) the default one; others are left alone. */
  async seedDefaults(organisation: string, db: Queryable = this.pool): Promise<void> {
    const { categories, types } = defaultTaxonomyRows();
    await db.query(
      `WITH target AS (
         SELECT number FROM hub.organisation o WHERE o.number = $1 AND o.kind = 'municipality'
           AND NOT EXISTS (SELECT 1 FROM hub.topic_category c WHERE c.organisation = o.number)
       ), categories AS (
         INSERT INTO hub.topic_category (organisation, code, name, position, created_by)
         SELECT t.number, c.code, c.name, c.position, 'default-taxonomy'
         FROM target t, json_to_recordset($2::json) AS c(code text, name text, position integer)
         ON CONFLICT DO NOTHING RETURNING organisation, code
       )
       INSERT INTO hub.topic_type (organisation, category, code, name, department, response_hours, secrecy_sensitive,
         position, created_by)
       SELECT c.organisation, t.category, t.code, t.name, t.department, t.response_hours, t.secrecy_sensitive,
         t.position, 'default-taxonomy'
       FROM categories c JOIN json_to_recordset($3::json) AS t(category text, code text, name text, department text,
         response_hours integer, secrecy_sensitive boolean, position integer) ON t.category = c.code
       ON CONFLICT DO NOTHING`,
      [organisation, JSON.stringify(categories), JSON.stringify(types)],
    );
  }

  async categories(organisation: string, db: Queryable = this.pool): Promise<TopicCategory[]> {
    const { rows } = await db.query<CategoryRow>(
      `SELECT ${CATEGORY_COLUMNS} FROM hub.topic_category WHERE organisation = $1 ORDER BY position, name, code`,
      [organisation],
    );
    return rows.map(toCategory);
  }

  async types(organisation: string, db: Queryable = this.pool): Promise<TopicType[]> {
    const { rows } = await db.query<TypeRow>(
      `SELECT ${TYPE_COLUMNS} FROM hub.topic_type WHERE organisation = $1 ORDER BY position, name, code`,
      [organisation],
    );
    return rows.map(toType);
  }

  async lockCategory(organisation: string, id: string, tx: Queryable): Promise<TopicCategory | undefined> {
    const { rows } = await tx.query<CategoryRow>(
      `SELECT ${CATEGORY_COLUMNS} FROM hub.topic_category WHERE organisation = $1 AND id = $2 FOR UPDATE`,
      [organisation, id],
    );
    return rows[0] && toCategory(rows[0]);
  }

  async lockType(organisation: string, id: string, tx: Queryable): Promise<TopicType | undefined> {
    const { rows } = await tx.query<TypeRow>(
      `SELECT ${TYPE_COLUMNS} FROM hub.topic_type WHERE organisation = $1 AND id = $2 FOR UPDATE`,
      [organisation, id],
    );
    return rows[0] && toType(rows[0]);
  }

  /** Undefined when the municipality has a category of that code already, retired ones included. */
  async insertCategory(
    c: Pick<TopicCategory, 'organisation' | 'code' | 'name' | 'createdBy'>,
    tx: Queryable,
  ): Promise<TopicCategory | undefined> {
    const { rows } = await tx.query<CategoryRow>(
      `INSERT INTO hub.topic_category (organisation, code, name, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (organisation, code) DO NOTHING RETURNING ${CATEGORY_COLUMNS}`,
      [c.organisation, c.code, c.name, c.createdBy],
    );
    return rows[0] && toCategory(rows[0]);
  }

  /** Undefined when the municipality has a type of that code already, retired ones included. */
  async insertType(
    t: Pick<
      TopicType,
      'organisation' | 'category' | 'code' | 'name' | 'department' | 'responseHours' | 'secrecySensitive' | 'createdBy'
    >,
    tx: Queryable,
  ): Promise<TopicType | undefined> {
    const { rows } = await tx.query<TypeRow>(
      `INSERT INTO hub.topic_type (organisation, category, code, name, department, response_hours, secrecy_sensitive,
         created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (organisation, code) DO NOTHING RETURNING ${TYPE_COLUMNS}`,
      [t.organisation, t.category, t.code, t.name, t.department, t.responseHours, t.secrecySensitive, t.createdBy],
    );
    return rows[0] && toType(rows[0]);
  }

  async changeCategory(
    organisation: string,
    id: string,
    change: { name?: string; retiredBy?: string },
    tx: Queryable,
  ): Promise<TopicCategory> {
    const { rows } = await tx.query<CategoryRow>(
      `UPDATE hub.topic_category SET name = coalesce($3, name),
         retired_at = CASE WHEN $4::text IS NULL THEN retired_at ELSE now() END, retired_by = coalesce($4, retired_by)
       WHERE organisation = $1 AND id = $2 RETURNING ${CATEGORY_COLUMNS}`,
      [organisation, id, change.name ?? null, change.retiredBy ?? null],
    );
    return toCategory(rows[0]);
  }

  /** Retires the category's types that are still in use, with it. */
  async retireTypesOf(organisation: string, category: string, by: string, tx: Queryable): Promise<void> {
    await tx.query(
      `UPDATE hub.topic_type SET retired_at = now(), retired_by = $3
       WHERE organisation = $1 AND category = $2 AND retired_at IS NULL`,
      [organisation, category, by],
    );
  }

  async changeType(organisation: string, id: string, change: TopicTypeChange, tx: Queryable): Promise<TopicType> {
    const { rows } = await tx.query<TypeRow>(
      `UPDATE hub.topic_type SET name = coalesce($3, name),
         department = CASE WHEN $4 THEN $5 ELSE department END,
         response_hours = CASE WHEN $6 THEN $7::integer ELSE response_hours END,
         secrecy_sensitive = coalesce($8, secrecy_sensitive),
         retired_at = CASE WHEN $9::text IS NULL THEN retired_at ELSE now() END, retired_by = coalesce($9, retired_by)
       WHERE organisation = $1 AND id = $2 RETURNING ${TYPE_COLUMNS}`,
      [
        organisation,
        id,
        change.name ?? null,
        change.department !== undefined,
        change.department ?? null,
        change.responseHours !== undefined,
        change.responseHours ?? null,
        change.secrecySensitive ?? null,
        change.retiredBy ?? null,
      ],
    );
    return toType(rows[0]);
  }
}
