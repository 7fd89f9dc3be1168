import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { ReferralActor, ReferralStatus } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';
import type { ErrandActor } from '../errands/errand.repository.js';
import type { ErrandEventKind, ErrandStatus } from '../errands/errand-lifecycle.js';

/** A person's referral with its timeline, and the names of who sent it. */
export interface CitizenReferralRow {
  id: string;
  agency: string;
  referralType: string;
  purpose: string;
  message: string;
  organisation: string;
  organisationName: string | null;
  unit: string;
  unitName: string | null;
  createdAt: Date;
  respondBy: Date;
  status: ReferralStatus;
  statusAt: Date;
  timeline: { status: ReferralStatus; at: string; actor: ReferralActor; note: string | null }[];
}

/** A person's errand with its timeline and the names of the units. */
export interface CitizenErrandRow {
  id: string;
  organisation: string;
  organisationName: string | null;
  unit: string;
  unitName: string | null;
  department: string;
  departmentName: string | null;
  topic: string;
  topicName: string | null;
  message: string;
  createdAt: Date;
  respondBy: Date;
  status: ErrandStatus;
  statusAt: Date;
  answer: string | null;
  timeline: { event: ErrandEventKind; at: string; actor: ErrandActor; department: string; note: string | null }[];
}

/** One audit entry about the person, with the names of its organisation and unit. */
export interface AccessLogRow {
  seq: string;
  at: Date;
  kind: string;
  actorKind: string;
  organisation: string | null;
  organisationName: string | null;
  unit: string | null;
  unitName: string | null;
  purpose: string | null;
  categoriesRequested: string[];
  categoriesReleased: string[];
  categoriesDenied: { category: string; reason: string }[];
  outcome: string;
  correlationId: string | null;
  protectedIdentity: boolean;
  details: Record<string, unknown>;
}

export interface PartyNames {
  organisations: Map<string, string>;
  /** by `${organisation}/${unit}` */
  units: Map<string, string>;
}

/**
 * Reads "Mina uppgifter": everything stored about one person, found by their subject keys (`= ANY`, every key
 * Subjects.subjectKeysOf gives), and the entries of the audit log about them, newest first, a page at a time.
 */
@Injectable()
export class CitizenRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async referrals(subjectKeys: readonly string[], db: Queryable = this.pool): Promise<CitizenReferralRow[]> {
    const { rows } = await db.query<CitizenReferralRow>(
      `SELECT r.id, r.agency, r.referral_type AS "referralType", r.purpose, r.message, r.organisation,
              o.name AS "organisationName", r.unit, u.display_name AS "unitName", r.created_at AS "createdAt",
              r.respond_by AS "respondBy", r.status, r.status_at AS "statusAt",
              COALESCE((SELECT json_agg(json_build_object('status', e.status, 'at', e.at, 'actor', e.actor,
                                                          'note', e.note) ORDER BY e.at, e.seq)
                          FROM hub.referral_event e WHERE e.referral_id = r.id), '[]'::json) AS timeline
         FROM hub.referral r
         LEFT JOIN hub.organisation o ON o.number = r.organisation
         LEFT JOIN hub.unit u ON u.organisation = r.organisation AND u.name = r.unit
        WHERE r.subject_key = ANY($1::char(64)[])
        ORDER BY r.created_at DESC, r.id
        LIMIT 1000`,
      [subjectKeys],
    );
    return rows;
  }

  async errands(subjectKeys: readonly string[], db: Queryable = this.pool): Promise<CitizenErrandRow[]> {
    const { rows } = await db.query<CitizenErrandRow>(
      `SELECT x.id, x.organisation, o.name AS "organisationName", x.unit, u.display_name AS "unitName",
              x.department, d.display_name AS "departmentName", x.topic, t.name AS "topicName", x.message,
              x.created_at AS "createdAt", x.respond_by AS "respondBy", x.status, x.status_at AS "statusAt",
              x.answer,
              COALESCE((SELECT json_agg(json_build_object('event', e.event, 'at', e.at, 'actor', e.actor,
                                                          'department', e.department, 'note', e.note)
                                        ORDER BY e.at, e.seq)
                          FROM hub.errand_event e WHERE e.errand_id = x.id), '[]'::json) AS timeline
         FROM hub.errand x
         LEFT JOIN hub.organisation o ON o.number = x.organisation
         LEFT JOIN hub.unit u ON u.organisation = x.organisation AND u.name = x.unit
         LEFT JOIN hub.unit d ON d.organisation = x.organisation AND d.name = x.department
         LEFT JOIN hub.topic_type t ON t.organisation = x.organisation AND t.code = x.topic
        WHERE x.subject_key = ANY($1::char(64)[])
        ORDER BY x.created_at DESC, x.id
        LIMIT 1000`,
      [subjectKeys],
    );
    return rows;
  }

  /**
   * The audit entries about the person that others made (their own views are left out), newest first: at most
   * `limit`, before the entry `before` (its seq) when given. Per subject key the newest `limit` by the index
   * (subject_key, at, seq), then merged, so that many keys cost no sort of all their entries.
   */
  async accessLog(
    subjectKeys: readonly string[],
    before: string | null,
    limit: number,
    db: Queryable = this.pool,
  ): Promise<AccessLogRow[]> {
    // two statements rather than `$2 IS NULL OR …`, so that the cursor is an index condition in a generic plan too
    const { rows } = await db.query<AccessLogRow>({
      name: before === null ? 'hub-citizen-access-log' : 'hub-citizen-access-log-before',
      text: `
      SELECT x.seq::text AS seq, x.at, x.kind, x.actor_kind AS "actorKind", x.organisation,
             o.name AS "organisationName", x.unit, u.display_name AS "unitName", x.purpose,
             x.categories_requested AS "categoriesRequested", x.categories_released AS "categoriesReleased",
             x.categories_denied AS "categoriesDenied", x.outcome, x.correlation_id AS "correlationId",
             x.protected_identity AS "protectedIdentity", x.details
        FROM unnest($1::text[]) AS k(key)
        CROSS JOIN LATERAL (
          SELECT e.* FROM audit.entry e
           WHERE e.subject_key = k.key AND e.actor_kind <> 'citizen'
             ${before === null ? '' : 'AND (e.at, e.seq) < (SELECT c.at, c.seq FROM audit.entry c WHERE c.seq = $3::bigint)'}
           ORDER BY e.at DESC, e.seq DESC
           LIMIT $2) AS x
        LEFT JOIN hub.organisation o ON o.number = x.organisation
        LEFT JOIN hub.unit u ON u.organisation = x.organisation AND u.name = x.unit
       ORDER BY x.at DESC, x.seq DESC
       LIMIT $2`,
      values: before === null ? [subjectKeys, limit] : [subjectKeys, limit, before],
    });
    return rows;
  }

  /** The registered names of organisations and their units (display names). */
  async names(organisations: readonly string[], db: Queryable = this.pool): Promise<PartyNames> {
    const { rows } = await db.query<{ number: string; name: string; unit: string | null; unit_name: string | null }>(
      `SELECT o.number, o.name, u.name AS unit, u.display_name AS unit_name
         FROM hub.organisation o LEFT JOIN hub.unit u ON u.organisation = o.number
        WHERE o.number = ANY($1::text[])`,
      [[...new Set(organisations)]],
    );
    const names: PartyNames = { organisations: new Map(), units: new Map() };
    for (const row of rows) {
      names.organisations.set(row.number, row.name);
      if (row.unit) names.units.set(`${row.number}/${row.unit}`, row.unit_name ?? row.unit);
    }
    return names;
  }
}
