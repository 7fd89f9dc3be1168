import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { Batcher } from '@hub/common';
import type { Queryable } from '@hub/database';
import { PG_POOL } from '../core/core.module.js';

/** One agency's result of one query, as the follow-up counts it: no subject. */
export interface QueryOutcome {
  queryId: string;
  agency: string;
  at: Date;
  purpose: string;
  organisation: string;
  unit: string;
  status: string;
  reason: string | null;
  latencyMs: number | null;
  /** the contact the query was made during */
  contactId: string | null;
  /** the agreement the agency's answer was decided under; null when there was none */
  agreementId: string | null;
  /** category codes released, and those denied with their reason: what the parties' follow-up counts */
  releasedCategories: string[];
  deniedCategories: { category: string; reason: string }[];
}

/** What the hub keeps of its queries besides the audit chain: outcomes for the follow-up, protected subjects. */
@Injectable()
export class QueryRepository {
  private readonly outcomes: Batcher<QueryOutcome>;

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {
    this.outcomes = new Batcher((rows) => this.insertOutcomes(rows), { concurrency: 2 });
  }

  /** Written with those of concurrent queries in one statement; settles when that statement has. */
  addOutcome(outcome: QueryOutcome): Promise<void> {
    return this.outcomes.add(outcome);
  }

  async insertOutcomes(outcomes: QueryOutcome[], db: Queryable = this.pool): Promise<void> {
    const column = <K extends keyof QueryOutcome>(key: K) => outcomes.map((o) => o[key]);
    await db.query({
      name: 'hub-insert-query-outcomes',
      text: `INSERT INTO hub.query_outcome (query_id, agency, at, purpose, organisation, unit, status, reason, latency_ms,
               contact_id, agreement_id, released_categories, denied_categories)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                                  $7::text[], $8::text[], $9::int[], $10::uuid[], $11::uuid[], $12::jsonb[],
                                  $13::jsonb[])`,
      values: [
        column('queryId'),
        column('agency'),
        column('at'),
        column('purpose'),
        column('organisation'),
        column('unit'),
        column('status'),
        column('reason'),
        outcomes.map((o) => (o.latencyMs === null ? null : Math.round(o.latencyMs))),
        column('contactId'),
        column('agreementId'),
        outcomes.map((o) => JSON.stringify(o.releasedCategories)),
        outcomes.map((o) => JSON.stringify(o.deniedCategories)),
      ],
    });
  }

  /** The subject as `reportedBy` reported it protected; later queries know it before they ask. */
  async rememberProtected(subjectKey: string, reportedBy: string, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO hub.protected_subject (subject_key, reported_by) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [subjectKey, reportedBy],
    );
  }
}
