import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { CatalogueCategory, CatalogueReferralType } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';

/** The latest catalogue an agency's adapter announced (catalogue.announced.v1), one row per agency. */
export interface CatalogueRow {
  agency: string;
  organisation: string;
  name: string;
  categories: CatalogueCategory[];
  referralTypes: CatalogueReferralType[];
  /** the announcement's issuedAt: an older announcement never replaces a newer one */
  announcedAt: Date;
  messageId: string;
}

export type NewCatalogue = Omit<CatalogueRow, 'announcedAt'> & { announcedAt: string };

/** Committed catalogue changes are announced on this PostgreSQL channel, so every hub instance reloads its copy. */
export const CATALOGUE_CHANGED = 'hub_catalogue_changed';

@Injectable()
export class CatalogueRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Every agency's catalogue, ordered by agency code. */
  async listAll(db: Queryable = this.pool): Promise<CatalogueRow[]> {
    const { rows } = await db.query<CatalogueRow>(
      `SELECT agency, organisation, name, categories, referral_types AS "referralTypes", announced_at AS "announcedAt",
         message_id AS "messageId"
       FROM hub.agency_catalogue ORDER BY agency`,
    );
    return rows;
  }

  /** Stores the catalogue unless one announced later is stored already; whether it was stored. */
  async storeUnlessSuperseded(catalogue: NewCatalogue, db: Queryable = this.pool): Promise<boolean> {
    // Ties on issuedAt go to the larger message id, so replays in any order end with the same row.
    const stored = await db.query(
      `INSERT INTO hub.agency_catalogue AS c
         (agency, organisation, name, categories, referral_types, announced_at, message_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (agency) DO UPDATE SET
         organisation = excluded.organisation, name = excluded.name, categories = excluded.categories,
         referral_types = excluded.referral_types, announced_at = excluded.announced_at,
         message_id = excluded.message_id, received_at = now()
       WHERE (c.announced_at, c.message_id) < (excluded.announced_at, excluded.message_id)`,
      [
        catalogue.agency,
        catalogue.organisation,
        catalogue.name,
        JSON.stringify(catalogue.categories),
        JSON.stringify(catalogue.referralTypes),
        catalogue.announcedAt,
        catalogue.messageId,
      ],
    );
    return stored.rowCount === 1;
  }

  /** Tells every hub instance that the agency's catalogue changed (at commit, when `db` is a transaction). */
  async notifyChanged(agency: string, db: Queryable = this.pool): Promise<void> {
    await db.query('SELECT pg_notify($1, $2)', [CATALOGUE_CHANGED, agency]);
  }
}
