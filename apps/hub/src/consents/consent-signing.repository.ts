import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Purpose } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import type { ConsentSigningStatus } from './consent.dto.js';

/** The terms the citizen is asked to sign; they become the consent once signed. */
export interface ConsentDraft {
  purposes: Purpose[];
  agencies: string[];
  categories: string[];
  validFrom: string;
  validUntil: string;
}

/** A signing at the desk: the order at the e-legitimation provider and what it is for. */
export interface ConsentSigning {
  id: string;
  organisation: string;
  unit: string;
  requestedBy: string;
  subjectKey: string;
  subjectMasked: string;
  draft: ConsentDraft;
  text: string;
  textSha256: string;
  orderId: string;
  qrStartToken: string;
  qrStartSecret: string;
  qrBaseUrl: string;
  startedAt: Date;
  expiresAt: Date;
  status: ConsentSigningStatus;
  consentId: string | null;
  finishedAt: Date | null;
}

interface SigningRow {
  id: string;
  organisation: string;
  unit: string;
  requested_by: string;
  subject_key: string;
  subject_masked: string;
  draft: ConsentDraft;
  text: string;
  text_sha256: string;
  order_id: string;
  qr_start_token: string;
  qr_start_secret: string;
  qr_base_url: string;
  started_at: Date;
  expires_at: Date;
  status: ConsentSigningStatus;
  consent_id: string | null;
  finished_at: Date | null;
}

const signingOf = (row: SigningRow): ConsentSigning => ({
  id: row.id,
  organisation: row.organisation,
  unit: row.unit,
  requestedBy: row.requested_by,
  subjectKey: row.subject_key,
  subjectMasked: row.subject_masked,
  draft: row.draft,
  text: row.text,
  textSha256: row.text_sha256,
  orderId: row.order_id,
  qrStartToken: row.qr_start_token,
  qrStartSecret: row.qr_start_secret,
  qrBaseUrl: row.qr_base_url,
  startedAt: row.started_at,
  expiresAt: row.expires_at,
  status: row.status,
  consentId: row.consent_id,
  finishedAt: row.finished_at,
});

@Injectable()
export class ConsentSigningRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async insert(signing: ConsentSigning, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.consent_signing (id, organisation, unit, requested_by, subject_key, subject_masked, draft, text,
         text_sha256, order_id, qr_start_token, qr_start_secret, qr_base_url, started_at, expires_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        signing.id,
        signing.organisation,
        signing.unit,
        signing.requestedBy,
        signing.subjectKey,
        signing.subjectMasked,
        JSON.stringify(signing.draft),
        signing.text,
        signing.textSha256,
        signing.orderId,
        signing.qrStartToken,
        signing.qrStartSecret,
        signing.qrBaseUrl,
        signing.startedAt,
        signing.expiresAt,
        signing.status,
      ],
    );
  }

  async find(id: string, db: Queryable = this.pool): Promise<ConsentSigning | undefined> {
    const { rows } = await db.query<SigningRow>(`SELECT * FROM hub.consent_signing WHERE id = $1`, [id]);
    return rows[0] && signingOf(rows[0]);
  }

  /** Locked until the transaction ends: two polls that both see it complete store one consent. */
  async findForUpdate(id: string, tx: Queryable): Promise<ConsentSigning | undefined> {
    const { rows } = await tx.query<SigningRow>(`SELECT * FROM hub.consent_signing WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] && signingOf(rows[0]);
  }

  async finish(
    id: string,
    status: Exclude<ConsentSigningStatus, 'pending'>,
    consentId: string | null,
    at: Date,
    db: Queryable = this.pool,
  ): Promise<void> {
    await db.query(
      `UPDATE hub.consent_signing SET status = $2, consent_id = $3, finished_at = $4, qr_start_secret = ''
        WHERE id = $1`,
      [id, status, consentId, at],
    );
  }
}
