import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { OrganisationKind } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import { ORGANISATION_CHANGED_CHANNEL } from '../messaging/trusted-agencies.js';
import type { Organisation } from './organisation.types.js';

const COLUMNS = `number, name, kind, agency_code, broker_account, registered_at, registered_by, closed_at, closed_by,
  report_address, phone_consent_days`;

interface OrganisationRow {
  number: string;
  name: string;
  kind: OrganisationKind;
  agency_code: string | null;
  broker_account: string | null;
  registered_at: Date;
  registered_by: string;
  closed_at: Date | null;
  closed_by: string | null;
  report_address: string | null;
  phone_consent_days: number | null;
}

const toOrganisation = (row: OrganisationRow): Organisation => ({
  number: row.number,
  name: row.name,
  kind: row.kind,
  agencyCode: row.agency_code,
  brokerAccount: row.broker_account,
  registeredAt: row.registered_at,
  registeredBy: row.registered_by,
  closedAt: row.closed_at,
  closedBy: row.closed_by,
  reportAddress: row.report_address,
  phoneConsentDays: row.phone_consent_days,
});

/** hub.organisation: the parties of the hub. */
@Injectable()
export class OrganisationRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async list(kind?: OrganisationKind, db: Queryable = this.pool): Promise<Organisation[]> {
    const { rows } = await db.query<OrganisationRow>(
      `SELECT ${COLUMNS} FROM hub.organisation WHERE $1::text IS NULL OR kind = $1 ORDER BY name, number`,
      [kind ?? null],
    );
    return rows.map(toOrganisation);
  }

  async find(number: string, db: Queryable = this.pool): Promise<Organisation | undefined> {
    const { rows } = await db.query<OrganisationRow>(`SELECT ${COLUMNS} FROM hub.organisation WHERE number = $1`, [
      number,
    ]);
    return rows[0] && toOrganisation(rows[0]);
  }

  /** The row, locked until the transaction ends: changes of one organisation happen one after the other. */
  async lock(number: string, tx: Queryable): Promise<Organisation | undefined> {
    const { rows } = await tx.query<OrganisationRow>(
      `SELECT ${COLUMNS} FROM hub.organisation WHERE number = $1 FOR UPDATE`,
      [number],
    );
    return rows[0] && toOrganisation(rows[0]);
  }

  async findByAgencyCode(agencyCode: string, db: Queryable = this.pool): Promise<Organisation | undefined> {
    const { rows } = await db.query<OrganisationRow>(`SELECT ${COLUMNS} FROM hub.organisation WHERE agency_code = $1`, [
      agencyCode,
    ]);
    return rows[0] && toOrganisation(rows[0]);
  }

  /** Inserts unless the number (or the agency code) is taken; false when it was. */
  async insert(
    organisation: Omit<Organisation, 'registeredAt' | 'closedAt' | 'closedBy' | 'reportAddress' | 'phoneConsentDays'>,
    tx: Queryable,
  ): Promise<Organisation | undefined> {
    const { rows } = await tx.query<OrganisationRow>(
      `INSERT INTO hub.organisation (number, name, kind, agency_code, broker_account, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        organisation.number,
        organisation.name,
        organisation.kind,
        organisation.agencyCode,
        organisation.brokerAccount,
        organisation.registeredBy,
      ],
    );
    return rows[0] && toOrganisation(rows[0]);
  }

  async rename(number: string, name: string, tx: Queryable): Promise<void> {
    await tx.query(`UPDATE hub.organisation SET name = $2 WHERE number = $1`, [number, name]);
  }

  async setReportAddress(number: string, reportAddress: string | null, tx: Queryable): Promise<void> {
    await tx.query(`UPDATE hub.organisation SET report_address = $2 WHERE number = $1`, [number, reportAddress]);
  }

  async setPhoneConsentDays(number: string, days: number | null, tx: Queryable): Promise<void> {
    await tx.query(`UPDATE hub.organisation SET phone_consent_days = $2 WHERE number = $1`, [number, days]);
  }

  async close(number: string, by: string, tx: Queryable): Promise<void> {
    await tx.query(`UPDATE hub.organisation SET closed_at = now(), closed_by = $2 WHERE number = $1`, [number, by]);
  }

  /** Tells every hub instance, once the transaction commits, to read which agencies' adapters it trusts again. */
  async notifyChanged(number: string, tx: Queryable): Promise<void> {
    await tx.query('SELECT pg_notify($1, $2)', [ORGANISATION_CHANGED_CHANNEL, number]);
  }
}
