import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { ConsentMethod, Purpose } from '@hub/contracts';
import { Batcher } from '@hub/common';
import type { Queryable } from '@hub/database';
import type { Consent } from '@hub/policy';
import { PG_POOL } from '../core/core.module.js';

/** A citizen's consent (samtycke) to a municipality unit; `subjectKey` is the keyed hash of the personnummer. */
export interface ConsentRecord {
  id: string;
  subjectKey: string;
  organisation: string;
  unit: string;
  purposes: Purpose[];
  agencies: string[];
  categories: string[];
  method: ConsentMethod;
  recordedBy: string;
  /** `YYYY-MM-DD`, a Swedish calendar day */
  validFrom: string;
  /** `YYYY-MM-DD`, the last day of validity, inclusive */
  validUntil: string;
  revokedAt: Date | null;
  revokedBy: string | null;
  createdAt: Date;
  /** for `e-legitimation`: the provider's signature, the signed text's SHA-256 and the level of assurance */
  signed?: SignedConsent;
}

export interface SignedConsent {
  signature: string;
  textSha256: string;
  loa: string;
  signingId: string;
}

/** A subject's consents, all of them, as the policy reads them, and whether SKV has reported the subject protected. */
export interface PolicyFacts {
  consents: Consent[];
  knownProtected: boolean;
}

const COLUMNS = `id, subject_key, organisation, unit, purposes, agencies, categories, method, recorded_by,
                 valid_from::text AS valid_from, valid_until::text AS valid_until, revoked_at, revoked_by, created_at,
                 signature, signed_text_sha256, loa, signing_id`;

interface ConsentRow {
  id: string;
  subject_key: string;
  organisation: string;
  unit: string;
  purposes: Purpose[];
  agencies: string[];
  categories: string[];
  method: ConsentMethod;
  recorded_by: string;
  valid_from: string;
  valid_until: string;
  revoked_at: Date | null;
  revoked_by: string | null;
  created_at: Date;
  signature: string | null;
  signed_text_sha256: string | null;
  loa: string | null;
  signing_id: string | null;
}

const recordOf = (row: ConsentRow): ConsentRecord => ({
  id: row.id,
  subjectKey: row.subject_key,
  organisation: row.organisation,
  unit: row.unit,
  purposes: row.purposes,
  agencies: row.agencies,
  categories: row.categories,
  method: row.method,
  recordedBy: row.recorded_by,
  validFrom: row.valid_from,
  validUntil: row.valid_until,
  revokedAt: row.revoked_at,
  revokedBy: row.revoked_by,
  createdAt: row.created_at,
  ...(row.signature && {
    signed: {
      signature: row.signature,
      textSha256: row.signed_text_sha256!,
      loa: row.loa!,
      signingId: row.signing_id!,
    },
  }),
});

/**
 * `$1` the subjects asked about (each one's current key), `$2` beside it each of their keys, one per period not
 * shredded (a consent keeps the key of the period it was given in).
 */
const POLICY_FACTS_SQL = `
  SELECT s.for_key::text AS for_subject,
         EXISTS (SELECT 1 FROM hub.protected_subject p WHERE p.subject_key = s.key) AS known_protected,
         c.id, c.subject_key, c.organisation, c.unit, c.purposes, c.agencies, c.categories, c.method, c.recorded_by,
         c.valid_from::text AS valid_from, c.valid_until::text AS valid_until, c.revoked_at
    FROM unnest($1::char(64)[], $2::char(64)[]) AS s(for_key, key)
    LEFT JOIN hub.consent c ON c.subject_key = s.key
   ORDER BY s.for_key, c.created_at, c.id`;

/** Per subject asked, one row per consent, or one row of nulls but `known_protected` when there is none. */
interface PolicyConsentRow {
  for_subject: string;
  known_protected: boolean;
  id: string | null;
  subject_key: string;
  organisation: string;
  unit: string;
  purposes: Consent['purposes'];
  agencies: string[];
  categories: string[];
  method: Consent['method'];
  recorded_by: string;
  valid_from: string;
  valid_until: string;
  revoked_at: Date | null;
}

/** The consent as the policy sees it: given by the subject asked about, under whichever of their keys it was stored. */
const policyConsentOf = (row: PolicyConsentRow): Consent => ({
  id: row.id!,
  subject: row.for_subject,
  organisation: row.organisation,
  unit: row.unit,
  purposes: row.purposes,
  agencies: row.agencies,
  categories: row.categories,
  method: row.method,
  recordedBy: row.recorded_by,
  validFrom: row.valid_from,
  validUntil: row.valid_until,
  revokedAt: row.revoked_at,
});

/** A subject as a lookup needs it: the current key, and all of theirs (`Subject` in core/subjects.ts). */
export interface SubjectKeys {
  key: string;
  keys: readonly string[];
}

@Injectable()
export class ConsentRepository {
  private readonly facts: Batcher<SubjectKeys, PolicyFacts>;

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {
    this.facts = new Batcher((keys) => this.readPolicyFacts(keys), { maxBatch: 200, concurrency: 4 });
  }

  async insert(consent: ConsentRecord, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.consent (id, subject_key, organisation, unit, purposes, agencies, categories, method,
                                recorded_by, valid_from, valid_until, revoked_at, revoked_by, created_at,
                                signature, signed_text_sha256, loa, signing_id)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        consent.id,
        consent.subjectKey,
        consent.organisation,
        consent.unit,
        JSON.stringify(consent.purposes),
        JSON.stringify(consent.agencies),
        JSON.stringify(consent.categories),
        consent.method,
        consent.recordedBy,
        consent.validFrom,
        consent.validUntil,
        consent.revokedAt,
        consent.revokedBy,
        consent.createdAt,
        consent.signed?.signature ?? null,
        consent.signed?.textSha256 ?? null,
        consent.signed?.loa ?? null,
        consent.signed?.signingId ?? null,
      ],
    );
  }

  /** The subject's consents given to one unit, newest first; `subjectKeys` all of the subject's keys. */
  async listOfUnit(
    subjectKeys: readonly string[],
    organisation: string,
    unit: string,
    db: Queryable = this.pool,
  ): Promise<ConsentRecord[]> {
    const { rows } = await db.query<ConsentRow>(
      `SELECT ${COLUMNS} FROM hub.consent
        WHERE subject_key = ANY($1::char(64)[]) AND organisation = $2 AND unit = $3
        ORDER BY created_at DESC, id ASC`,
      [[...subjectKeys], organisation, unit],
    );
    return rows.map(recordOf);
  }

  /** A person's consents, to whichever unit, newest first; `subjectKeys` are all of the person's (subjectKeysOf). */
  async listOfSubjects(subjectKeys: readonly string[], db: Queryable = this.pool): Promise<ConsentRecord[]> {
    const { rows } = await db.query<ConsentRow>(
      `SELECT ${COLUMNS} FROM hub.consent WHERE subject_key = ANY($1::char(64)[]) ORDER BY created_at DESC, id ASC`,
      [subjectKeys],
    );
    return rows.map(recordOf);
  }

  /** How many days a consent given by phone is valid in the municipality; null when it set none. */
  async phoneConsentDays(organisation: string, db: Queryable = this.pool): Promise<number | null> {
    const { rows } = await db.query<{ phone_consent_days: number | null }>(
      'SELECT phone_consent_days FROM hub.organisation WHERE number = $1',
      [organisation],
    );
    return rows[0]?.phone_consent_days ?? null;
  }

  /** The consent, locked until the transaction `db` belongs to ends. */
  async findForUpdate(id: string, db: Queryable): Promise<ConsentRecord | undefined> {
    const { rows } = await db.query<ConsentRow>(`SELECT ${COLUMNS} FROM hub.consent WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] && recordOf(rows[0]);
  }

  async markRevoked(id: string, revokedAt: Date, revokedBy: string, db: Queryable = this.pool): Promise<void> {
    await db.query(`UPDATE hub.consent SET revoked_at = $2, revoked_by = $3 WHERE id = $1`, [id, revokedAt, revokedBy]);
  }

  /**
   * This is on every query's path, so the lookups of queries arriving together share one round trip, a prepared
   * statement (TypeORM's query building cost more than the query itself).
   */
  policyFacts(subject: SubjectKeys): Promise<PolicyFacts> {
    return this.facts.add(subject);
  }

  async readPolicyFacts(subjects: readonly SubjectKeys[], db: Queryable = this.pool): Promise<PolicyFacts[]> {
    const pairs = new Map<string, [string, string]>();
    for (const { key, keys } of subjects) {
      for (const each of new Set([key, ...keys])) pairs.set(`${key}:${each}`, [key, each]);
    }
    const { rows } = await db.query<PolicyConsentRow>({
      name: 'hub-policy-facts',
      text: POLICY_FACTS_SQL,
      values: [[...pairs.values()].map(([key]) => key), [...pairs.values()].map(([, each]) => each)],
    });
    const bySubject = new Map<string, PolicyFacts>();
    for (const row of rows) {
      let facts = bySubject.get(row.for_subject);
      if (!facts) bySubject.set(row.for_subject, (facts = { knownProtected: false, consents: [] }));
      facts.knownProtected ||= row.known_protected;
      if (row.id !== null) facts.consents.push(policyConsentOf(row));
    }
    return subjects.map(({ key }) => bySubject.get(key) ?? { knownProtected: false, consents: [] });
  }
}
