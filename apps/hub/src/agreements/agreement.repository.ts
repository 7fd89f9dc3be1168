import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { AgreementStatus } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import type { Approval, PurposeTerms } from '@hub/policy';
import { PG_POOL } from '../core/core.module.js';

export interface AgreementRow {
  id: string;
  municipality: string;
  unit: string;
  agency: string;
  agencyCode: string;
  latestVersion: number;
  createdAt: Date;
  createdBy: string;
}

/** Stored approvals keep their time as an ISO string. */
export type StoredApproval = Omit<Approval, 'approvedAt'> & { approvedAt?: string };

export interface AgreementVersionRow {
  agreementId: string;
  version: number;
  title: string;
  status: AgreementStatus;
  /** YYYY-MM-DD */
  validFrom: string;
  validTo: string;
  purposes: Record<string, PurposeTerms>;
  approvals: StoredApproval[];
  supersededAt: Date | null;
  createdAt: Date;
  createdBy: string;
}

export interface AgreementEventRow {
  id: string;
  agreementId: string;
  version: number;
  change: string;
  status: AgreementStatus;
  actor: string;
  organisation: string | null;
  note: string | null;
  at: Date;
}

/** A party that closes: an organisation, or one unit (its name, the agreements' key) of a municipality. */
export interface ClosedParty {
  organisation: string;
  unit?: string;
}

export type NewAgreement = Omit<AgreementRow, 'createdAt'>;
export type NewAgreementVersion = Omit<AgreementVersionRow, 'supersededAt' | 'createdAt'>;
export type NewAgreementEvent = Omit<AgreementEventRow, 'id' | 'at'>;

/** Committed agreement changes are announced on this PostgreSQL channel, so every hub instance reloads its index. */
export const AGREEMENTS_CHANGED = 'hub_agreements_changed';

const AGREEMENT = `id, municipality, unit, agency, agency_code AS "agencyCode", latest_version AS "latestVersion",
  created_at AS "createdAt", created_by AS "createdBy"`;
const VERSION = `agreement_id AS "agreementId", version, title, status, to_char(valid_from, 'YYYY-MM-DD') AS "validFrom",
  to_char(valid_to, 'YYYY-MM-DD') AS "validTo", purposes, approvals, superseded_at AS "supersededAt",
  created_at AS "createdAt", created_by AS "createdBy"`;
const EVENT = `id, agreement_id AS "agreementId", version, change, status, actor, organisation, note, at`;

/** The agreement registry's tables: hub.agreement, its versions and its events, and the parties they name. */
@Injectable()
export class AgreementRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** The agency with this organisationsnummer, if there is one. */
  async findAgency(
    organisation: string,
    db: Queryable = this.pool,
  ): Promise<{ number: string; agencyCode: string | null; closedAt: Date | null } | undefined> {
    const { rows } = await db.query<{ number: string; agencyCode: string | null; closedAt: Date | null }>(
      `SELECT number, agency_code AS "agencyCode", closed_at AS "closedAt"
       FROM hub.organisation WHERE number = $1 AND kind = 'agency'`,
      [organisation],
    );
    return rows[0];
  }

  /** The municipality's unit of this name (its key), if there is one, and whether it is closed. */
  async findUnit(
    organisation: string,
    unit: string,
    db: Queryable = this.pool,
  ): Promise<{ closedAt: Date | null } | undefined> {
    const { rows } = await db.query<{ closedAt: Date | null }>(
      'SELECT closed_at AS "closedAt" FROM hub.unit WHERE organisation = $1 AND name = $2',
      [organisation, unit],
    );
    return rows[0];
  }

  /**
   * Whether the unit or the agency is closed, holding both rows against a close until the transaction ends: a close
   * running at the same time then either comes first (and is seen here) or waits and terminates what this one adds.
   */
  async partiesClosedForShare(organisation: string, unit: string, agency: string, db: Queryable): Promise<boolean> {
    // two statements: PostgreSQL takes no row locks over a UNION
    const units = await db.query<{ closed: boolean }>(
      'SELECT closed_at IS NOT NULL AS closed FROM hub.unit WHERE organisation = $1 AND name = $2 FOR SHARE',
      [organisation, unit],
    );
    const agencies = await db.query<{ closed: boolean }>(
      'SELECT closed_at IS NOT NULL AS closed FROM hub.organisation WHERE number = $1 FOR SHARE',
      [agency],
    );
    const rows = [...units.rows, ...agencies.rows];
    return rows.length < 2 || rows.some((r) => r.closed);
  }

  async find(id: string, db: Queryable = this.pool): Promise<AgreementRow | undefined> {
    const { rows } = await db.query<AgreementRow>(`SELECT ${AGREEMENT} FROM hub.agreement WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The agreement, locked until the transaction `db` belongs to ends. */
  async findForUpdate(id: string, db: Queryable): Promise<AgreementRow | undefined> {
    const { rows } = await db.query<AgreementRow>(`SELECT ${AGREEMENT} FROM hub.agreement WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    return rows[0];
  }

  /** The agreements the organisation is a party to, newest first. */
  async listForOrganisation(organisation: string, db: Queryable = this.pool): Promise<AgreementRow[]> {
    const { rows } = await db.query<AgreementRow>(
      `SELECT ${AGREEMENT} FROM hub.agreement WHERE municipality = $1 OR agency = $1 ORDER BY created_at DESC`,
      [organisation],
    );
    return rows;
  }

  async listForAgency(agencyCode: string, db: Queryable = this.pool): Promise<AgreementRow[]> {
    const { rows } = await db.query<AgreementRow>(`SELECT ${AGREEMENT} FROM hub.agreement WHERE agency_code = $1`, [
      agencyCode,
    ]);
    return rows;
  }

  async listAll(db: Queryable = this.pool): Promise<AgreementRow[]> {
    return (await db.query<AgreementRow>(`SELECT ${AGREEMENT} FROM hub.agreement`)).rows;
  }

  async insert(agreement: NewAgreement, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.agreement (id, municipality, unit, agency, agency_code, latest_version, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        agreement.id,
        agreement.municipality,
        agreement.unit,
        agreement.agency,
        agreement.agencyCode,
        agreement.latestVersion,
        agreement.createdBy,
      ],
    );
  }

  async setLatestVersion(id: string, version: number, db: Queryable = this.pool): Promise<void> {
    await db.query('UPDATE hub.agreement SET latest_version = $2 WHERE id = $1', [id, version]);
  }

  async findVersion(id: string, version: number, db: Queryable = this.pool): Promise<AgreementVersionRow | undefined> {
    const { rows } = await db.query<AgreementVersionRow>(
      `SELECT ${VERSION} FROM hub.agreement_version WHERE agreement_id = $1 AND version = $2`,
      [id, version],
    );
    return rows[0];
  }

  /** The newest version that has been approved and not superseded (active or suspended), if any. */
  async findVersionInForce(id: string, db: Queryable = this.pool): Promise<AgreementVersionRow | undefined> {
    const { rows } = await db.query<AgreementVersionRow>(
      `SELECT ${VERSION} FROM hub.agreement_version
       WHERE agreement_id = $1 AND superseded_at IS NULL AND status IN ('active', 'suspended')
       ORDER BY version DESC LIMIT 1`,
      [id],
    );
    return rows[0];
  }

  /** Every version of one agreement, oldest first. */
  async listVersions(id: string, db: Queryable = this.pool): Promise<AgreementVersionRow[]> {
    const { rows } = await db.query<AgreementVersionRow>(
      `SELECT ${VERSION} FROM hub.agreement_version WHERE agreement_id = $1 ORDER BY version`,
      [id],
    );
    return rows;
  }

  /** The latest version of each of these agreements. */
  async listLatestVersions(ids: readonly string[], db: Queryable = this.pool): Promise<AgreementVersionRow[]> {
    const { rows } = await db.query<AgreementVersionRow>(
      `SELECT ${VERSION} FROM hub.agreement_version
       WHERE (agreement_id, version) IN (SELECT id, latest_version FROM hub.agreement WHERE id = ANY($1::uuid[]))`,
      [ids],
    );
    return rows;
  }

  async listAllVersions(db: Queryable = this.pool): Promise<AgreementVersionRow[]> {
    return (await db.query<AgreementVersionRow>(`SELECT ${VERSION} FROM hub.agreement_version`)).rows;
  }

  async insertVersion(version: NewAgreementVersion, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.agreement_version
         (agreement_id, version, title, status, valid_from, valid_to, purposes, approvals, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        version.agreementId,
        version.version,
        version.title,
        version.status,
        version.validFrom,
        version.validTo,
        JSON.stringify(version.purposes),
        JSON.stringify(version.approvals),
        version.createdBy,
      ],
    );
  }

  async updateVersionState(
    id: string,
    version: number,
    status: AgreementStatus,
    approvals: readonly StoredApproval[],
    db: Queryable = this.pool,
  ): Promise<void> {
    await db.query(
      'UPDATE hub.agreement_version SET status = $3, approvals = $4 WHERE agreement_id = $1 AND version = $2',
      [id, version, status, JSON.stringify(approvals)],
    );
  }

  /** Marks the versions before `version` that are not yet superseded as superseded at `at`. */
  async supersedeBefore(id: string, version: number, at: Date, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `UPDATE hub.agreement_version SET superseded_at = $3
       WHERE agreement_id = $1 AND version < $2 AND superseded_at IS NULL`,
      [id, version, at],
    );
  }

  /** Marks every version still open whose last day is before `today` as expired; returns which. */
  async expireBefore(
    today: string,
    db: Queryable = this.pool,
  ): Promise<Array<{ agreementId: string; version: number }>> {
    const { rows } = await db.query<{ agreementId: string; version: number }>(
      `UPDATE hub.agreement_version SET status = 'expired'
       WHERE status IN ('draft', 'proposed', 'active', 'suspended') AND valid_to < $1::date
       RETURNING agreement_id AS "agreementId", version`,
      [today],
    );
    return rows;
  }

  /**
   * Terminates every open version of the agreements a closing party is in: a unit's (`unit` given) or all of an
   * organisation's, as municipality or agency. The agreements are locked first, so that a party's admin acting on one
   * at the same time cannot write over the termination. Returns which versions.
   */
  async terminateOpenOf(
    party: ClosedParty,
    db: Queryable = this.pool,
  ): Promise<Array<{ agreementId: string; version: number }>> {
    const { rows } = await db.query<{ agreementId: string; version: number }>(
      `WITH party AS (
         SELECT id FROM hub.agreement
         WHERE CASE WHEN $2::text IS NULL THEN municipality = $1 OR agency = $1
                    ELSE municipality = $1 AND unit = $2 END
         ORDER BY id FOR UPDATE
       )
       UPDATE hub.agreement_version v SET status = 'terminated'
       FROM party WHERE v.agreement_id = party.id AND v.status IN ('draft', 'proposed', 'active', 'suspended')
       RETURNING v.agreement_id AS "agreementId", v.version`,
      [party.organisation, party.unit ?? null],
    );
    return rows;
  }

  /** The agreement's history, oldest first. */
  async listEvents(id: string, db: Queryable = this.pool): Promise<AgreementEventRow[]> {
    const { rows } = await db.query<AgreementEventRow>(
      `SELECT ${EVENT} FROM hub.agreement_event WHERE agreement_id = $1 ORDER BY id`,
      [id],
    );
    return rows;
  }

  async insertEvent(event: NewAgreementEvent, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.agreement_event (agreement_id, version, change, status, actor, organisation, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [event.agreementId, event.version, event.change, event.status, event.actor, event.organisation, event.note],
    );
  }

  /** Tells every hub instance that the agreement changed (at commit, when `db` is a transaction). */
  async notifyChanged(id: string, db: Queryable = this.pool): Promise<void> {
    await db.query('SELECT pg_notify($1, $2)', [AGREEMENTS_CHANGED, id]);
  }
}
