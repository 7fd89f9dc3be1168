import { createHmac, randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { Batcher } from '@hub/common';
import {
  entryHash,
  entryTemplate,
  fillTemplate,
  GENESIS_HASH,
  sha256Hex,
  type EntryTemplate,
  type Json,
} from './canonical.js';
import { prepareEntry, type AuditEntryInput, type AuditRecord } from './audit-entry.js';
import { checkCheckpoint, type Checkpoint, type CheckpointCheck, type WalkedLog } from './checkpoint.js';
import {
  checkSubjectKeySecret,
  normalisePersonnummer,
  periodSubjectKeySecret,
  subjectKey,
  subjectPeriodEnd,
  subjectPeriodOf,
  subjectPeriodStart,
  SUBJECT_KEY_FORMAT,
  SUBJECT_PERIOD_FORMAT,
  SUBJECT_PERIOD_SEED_BYTES,
} from './subject-key.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function schemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`audit schema name must match ${SCHEMA_NAME}`);
  return schema;
}

/**
 * `entry` is the chain, gap-free in `seq`; `chain_head` is its one-row head (last seq and hash), which every append
 * locks and which lets `verify()` notice rows cut off the end. Triggers refuse UPDATE, DELETE and TRUNCATE of
 * entries and any head change that does not move forward onto a stored entry.
 */
export function auditDdl(schema = 'audit'): string {
  const s = schemaName(schema);
  return `
  CREATE SCHEMA IF NOT EXISTS ${s};
  CREATE TABLE IF NOT EXISTS ${s}.entry (
    seq                  bigint      PRIMARY KEY CHECK (seq > 0),
    at                   timestamptz NOT NULL,
    kind                 text        NOT NULL,
    actor_kind           text        NOT NULL,
    actor                text        NOT NULL,
    organisation         text,
    unit                 text,
    agreement_id         text,
    agreement_version    integer,
    purpose              text,
    subject_key          text,
    categories_requested text[]      NOT NULL,
    categories_released  text[]      NOT NULL,
    categories_denied    jsonb       NOT NULL,
    outcome              text        NOT NULL,
    correlation_id       text,
    protected_identity   boolean     NOT NULL,
    details              jsonb       NOT NULL,
    prev_hash            text        NOT NULL,
    hash                 text        NOT NULL
  );
  CREATE INDEX IF NOT EXISTS entry_subject_key ON ${s}.entry (subject_key, at, seq) WHERE subject_key IS NOT NULL;
  CREATE TABLE IF NOT EXISTS ${s}.chain_head (
    id   smallint    PRIMARY KEY CHECK (id = 1),
    seq  bigint      NOT NULL,
    hash text        NOT NULL,
    at   timestamptz
  );
  INSERT INTO ${s}.chain_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}') ON CONFLICT DO NOTHING;

  CREATE OR REPLACE FUNCTION ${s}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END $$;
  CREATE OR REPLACE FUNCTION ${s}.head_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.id <> OLD.id OR NEW.seq <= OLD.seq
       OR NOT EXISTS (SELECT 1 FROM ${s}.entry WHERE seq = NEW.seq AND hash = NEW.hash) THEN
      RAISE EXCEPTION 'the audit chain head only moves forward onto a stored entry'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$;
  DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '${s}.entry'::regclass AND tgname = 'entry_append_only') THEN
      CREATE TRIGGER entry_append_only BEFORE UPDATE OR DELETE ON ${s}.entry
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_change();
      CREATE TRIGGER entry_no_truncate BEFORE TRUNCATE ON ${s}.entry
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();
      CREATE TRIGGER head_forward_only BEFORE UPDATE ON ${s}.chain_head
        FOR EACH ROW EXECUTE FUNCTION ${s}.head_moves_forward();
      CREATE TRIGGER head_kept BEFORE DELETE ON ${s}.chain_head
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_change();
      CREATE TRIGGER head_no_truncate BEFORE TRUNCATE ON ${s}.chain_head
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();
    END IF;
  END $$;

  -- One seed per period of subject keys (subject-key.ts). A seed is only ever destroyed (crypto-shredding): never
  -- replaced, restored or deleted with its row, so that the row keeps saying when its period was shredded.
  CREATE TABLE IF NOT EXISTS ${s}.subject_period_key (
    period      text        PRIMARY KEY CHECK (period ~ '^[0-9]{4}$'),
    seed        bytea       CHECK (octet_length(seed) = ${SUBJECT_PERIOD_SEED_BYTES}),
    created_at  timestamptz NOT NULL DEFAULT now(),
    shredded_at timestamptz,
    CHECK ((seed IS NULL) = (shredded_at IS NOT NULL))
  );
  CREATE OR REPLACE FUNCTION ${s}.period_key_only_shredded() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF OLD.seed IS NULL OR NEW.seed IS NOT NULL OR NEW.period <> OLD.period OR NEW.created_at <> OLD.created_at THEN
      RAISE EXCEPTION 'a subject period key is only ever shredded' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$;
  DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                    WHERE tgrelid = '${s}.subject_period_key'::regclass AND tgname = 'period_key_shred_only') THEN
      CREATE TRIGGER period_key_shred_only BEFORE UPDATE ON ${s}.subject_period_key
        FOR EACH ROW EXECUTE FUNCTION ${s}.period_key_only_shredded();
      CREATE TRIGGER period_key_kept BEFORE DELETE ON ${s}.subject_period_key
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_change();
      CREATE TRIGGER period_key_no_truncate BEFORE TRUNCATE ON ${s}.subject_period_key
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();
    END IF;
  END $$;
`;
}

export const AUDIT_DDL = auditDdl();

export interface AuditLogOptions {
  /** HMAC key for `subjectKey()`, at least 32 bytes; not needed to append, verify or report */
  subjectKeySecret?: string | Uint8Array;
  /**
   * Also look a person up under the one key of before subject keys per period (`subjectKey(personnummer, secret)`),
   * which rows and entries written before then carry. Such entries cannot be shredded, as their key is the
   * deployment's secret itself; a deployment turns this off once retention has removed the records of that time.
   */
  legacySubjectKeys?: boolean;
  /** default `audit` */
  schema?: string;
  /** most entries written in one transaction; default 1000 */
  maxBatch?: number;
  /** rows `verify()` reads per round trip; default 5000 */
  verifyPageSize?: number;
}

/** A period of subject keys (subject-key.ts) and whether its key is destroyed. */
export interface SubjectPeriod {
  period: string;
  createdAt: string;
  /** when its key was destroyed: its entries no longer link to any person */
  shreddedAt: string | null;
  /** entries written in the period (by `at`) that carry a subject key */
  entries?: number;
}

export interface Appended {
  seq: number;
  at: string;
  hash: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export type BreakReason =
  | 'hash-mismatch'
  | 'prev-hash-mismatch'
  | 'gap'
  | 'out-of-sequence'
  | 'truncated'
  | 'head-mismatch'
  | 'head-missing'
  | 'anchor-mismatch';

export interface VerifyResult {
  ok: boolean;
  /** entries found intact, in chain order, before the first break */
  rows: number;
  head: ChainHead | null;
  firstBroken?: { seq: number; reason: BreakReason; detail: string };
  /** for each checkpoint asked about, in order: whether the log still holds it */
  checkpoints?: CheckpointCheck[];
}

export type AccessReportEntry = Omit<AuditRecord, 'prevHash' | 'hash'>;

/**
 * Whose entries an access report holds: those the organisation made, and for an agency also those about its own data
 * (entries whose `details.agency` names it: queries and referrals to it, by whichever municipality).
 */
export interface AccessReportScope {
  organisation: string;
  agency?: string;
}

interface EntryRow {
  seq: string;
  at: string | null;
  kind: string;
  actor_kind: string;
  actor: string;
  organisation: string | null;
  unit: string | null;
  agreement_id: string | null;
  agreement_version: number | null;
  purpose: string | null;
  subject_key: string | null;
  categories_requested: string[];
  categories_released: string[];
  categories_denied: string | null;
  outcome: string;
  correlation_id: string | null;
  protected_identity: boolean;
  details: string | null;
  prev_hash: string;
  hash: string;
}

/** The head was not where a batch was chained on: its head update refused (42501), or its first seq taken (23505). */
const HEAD_MOVED = new Set(['42501', '23505']);

interface Chained {
  appended: Appended[];
  json: string;
  head: Appended;
}

function laterOf(a: string, b: string): string {
  return a > b ? a : b;
}

/** A string as an SQL literal, for the one statement that cannot bind it; pg's escapeLiteral goes char by char. */
function sqlLiteral(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The hash-chained audit log on PostgreSQL. `append` batches: while one transaction commits, new entries queue and
 * go together in the next one (one lock on the chain head, one INSERT), so throughput grows with concurrency.
 * Several instances may append to the same chain: the head row's lock serialises their transactions. An instance
 * that wrote the head last sends its next batch in one round trip, timed by its own clock (never before the head),
 * and may send one more chained on to that one before it commits; otherwise it reads the head under lock first, and
 * the time is the database's.
 */
export class AuditLog {
  private readonly schema: string;
  private readonly pageSize: number;
  private readonly secret?: string | Uint8Array;
  private readonly legacySubjectKeys: boolean;
  /** period → its HMAC key, null once shredded; filled by `loadSubjectKeys()` */
  private periodKeys = new Map<string, Buffer | null>();
  private readonly batcher: Batcher<EntryTemplate, Appended>;
  /** the head once the last batch sent commits; unknown after a failure, or when another instance appended since */
  private lastHead: Appended | undefined;

  constructor(
    private readonly pool: Pool,
    options: AuditLogOptions = {},
  ) {
    this.schema = schemaName(options.schema ?? 'audit');
    this.batcher = new Batcher((templates) => this.writeBatch(templates), {
      maxBatch: options.maxBatch,
      concurrency: 2,
    });
    this.pageSize = options.verifyPageSize ?? 5000;
    this.secret = options.subjectKeySecret;
    if (this.secret !== undefined) checkSubjectKeySecret(this.secret);
    this.legacySubjectKeys = options.legacySubjectKeys ?? false;
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Instances starting together would otherwise race on CREATE ... IF NOT EXISTS.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`audit-migrate:${this.schema}`]);
      await client.query(auditDdl(this.schema));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    if (this.secret !== undefined) await this.loadSubjectKeys();
  }

  /**
   * Makes sure the keys of the current and the next period exist (so that one is there when the year turns) and of
   * `periods`, and reads every period's key; call it at start and now and then (another instance may have shredded
   * one). Safe on several instances at once: the first seed stored for a period wins, every instance reads that one.
   */
  async loadSubjectKeys(options: { periods?: readonly string[]; now?: Date } = {}): Promise<void> {
    const secret = this.requireSecret();
    const now = options.now ?? new Date();
    const wanted = new Set([
      subjectPeriodOf(now),
      subjectPeriodOf(new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1))),
      ...(options.periods ?? []),
    ]);
    for (const period of wanted) {
      if (!SUBJECT_PERIOD_FORMAT.test(period)) throw new Error('a subject period is a four-digit year');
    }
    const missing = [...wanted].filter((period) => !this.periodKeys.has(period));
    if (missing.length > 0) {
      await this.pool.query(
        `INSERT INTO ${this.schema}.subject_period_key (period, seed)
         SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (period) DO NOTHING`,
        [missing, missing.map(() => randomBytes(SUBJECT_PERIOD_SEED_BYTES))],
      );
    }
    const { rows } = await this.pool.query<{ period: string; seed: Buffer | null }>(
      `SELECT period, seed FROM ${this.schema}.subject_period_key`,
    );
    this.periodKeys = new Map(
      rows.map((row) => [row.period, row.seed && periodSubjectKeySecret(secret, row.period, row.seed)]),
    );
  }

  /**
   * The subject's keyed hash to store now (or for an entry made at `at`): under the key of that period; see
   * subject-key.ts. Needs `loadSubjectKeys()` first, and refuses a period whose key is shredded.
   */
  subjectKey(personnummer: string, at: Date = new Date()): string {
    this.requireSecret();
    const period = subjectPeriodOf(at);
    const key = this.periodKeys.get(period);
    if (key === undefined) throw new Error(`the subject key of ${period} is not loaded: call loadSubjectKeys()`);
    if (key === null) throw new Error(`the subject key of ${period} is shredded`);
    return subjectKey(personnummer, key);
  }

  /**
   * Every key the subject's entries and records may carry: one per period begun whose key is not shredded, newest
   * first.
   * What a lookup by person matches against; entries of a shredded period are no longer anybody's.
   */
  subjectKeysOf(personnummer: string, now: Date = new Date()): string[] {
    const secret = this.requireSecret();
    const normalised = normalisePersonnummer(personnummer);
    const legacy = this.legacySubjectKeys ? [subjectKey(normalised, secret)] : [];
    // a period not begun yet (next year's key, made ahead) keys nothing yet; leaving it out also makes the first key
    // the current period's, under which a lookup is logged
    return [...this.periodKeys.entries()]
      .filter((entry): entry is [string, Buffer] => entry[1] !== null && subjectPeriodStart(entry[0]) <= now)
      .sort(([a], [b]) => (a < b ? 1 : -1))
      .map(([, key]) => createHmac('sha256', key).update(normalised, 'utf8').digest('hex'))
      .concat(legacy);
  }

  /** Every period of subject keys, oldest first, whether shredded, and how many entries of each carry a subject key. */
  async subjectPeriods(options: { countEntries?: boolean } = {}): Promise<SubjectPeriod[]> {
    const { rows } = await this.pool.query<{
      period: string;
      created_at: string;
      shredded_at: string | null;
      entries: string | null;
    }>(
      `SELECT k.period,
              to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
              to_char(k.shredded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS shredded_at,
              CASE WHEN $1 THEN (SELECT count(*) FROM ${this.schema}.entry e
                      WHERE e.subject_key IS NOT NULL
                        AND e.at >= make_timestamptz(k.period::int, 1, 1, 0, 0, 0, 'UTC')
                        AND e.at < make_timestamptz(k.period::int + 1, 1, 1, 0, 0, 0, 'UTC')) END::text AS entries
         FROM ${this.schema}.subject_period_key k ORDER BY k.period`,
      [options.countEntries ?? false],
    );
    return rows.map((row) => ({
      period: row.period,
      createdAt: row.created_at,
      shreddedAt: row.shredded_at,
      ...(row.entries !== null && { entries: Number(row.entries) }),
    }));
  }

  /**
   * Destroys the keys of `periods` (crypto-shredding): their entries stay, and the chain still checks, but no
   * personnummer leads to them any more. Only a period that has ended by `now` (this machine's clock): the current
   * one's key is still being written with. Answers the periods shredded now; one shredded before is left as it is.
   */
  async shredSubjectPeriods(periods: readonly string[], now: Date = new Date()): Promise<string[]> {
    for (const period of periods) {
      if (!SUBJECT_PERIOD_FORMAT.test(period)) throw new Error('a subject period is a four-digit year');
      if (subjectPeriodEnd(period) > now) throw new Error(`the subject period ${period} has not ended`);
    }
    if (periods.length === 0) return [];
    const { rows } = await this.pool.query<{ period: string }>(
      `UPDATE ${this.schema}.subject_period_key SET seed = NULL, shredded_at = now()
        WHERE period = ANY($1::text[]) AND seed IS NOT NULL RETURNING period`,
      [[...periods]],
    );
    for (const period of periods) if (this.periodKeys.has(period)) this.periodKeys.set(period, null);
    return rows.map((row) => row.period).sort();
  }

  private requireSecret(): string | Uint8Array {
    if (this.secret === undefined) throw new Error('AuditLog was built without subjectKeySecret');
    return this.secret;
  }

  /** Resolves once the entry is committed; rejects at once when the entry is invalid. */
  append(entry: AuditEntryInput): Promise<Appended> {
    let template: EntryTemplate;
    try {
      template = entryTemplate(prepareEntry(entry));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.batcher.add(template);
  }

  /** Waits until everything appended so far is written (or has failed). Does not end the injected pool. */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  private async writeBatch(templates: EntryTemplate[]): Promise<Appended[]> {
    const last = this.lastHead;
    // chained at once, so that the next batch can chain on to this one while it is on its way
    const chained = last && this.chain(templates, { ...last, at: laterOf(new Date().toISOString(), last.at) });
    if (chained) this.lastHead = chained.head;
    const client = await this.pool.connect().catch((err: unknown) => {
      this.lastHead = undefined;
      throw err;
    });
    try {
      if (last && chained && (await this.appendAfter(client, last, chained))) return chained.appended;
      return await this.appendLocked(client, templates);
    } finally {
      client.release();
    }
  }

  /**
   * One round trip, for when this instance wrote the head last (or has a batch on its way that will), as it does
   * unless another instance writes to the same chain: the lock, the INSERT and the head update in one implicit
   * transaction. The rows go in only if the head is where they were chained on; if it is not, the head update finds
   * no entry to move onto and fails, nothing is written, and the answer is false. The lock comes first, as in
   * `appendLocked`, so that the two paths cannot deadlock.
   */
  private async appendAfter(client: PoolClient, last: Appended, chained: Chained): Promise<boolean> {
    const s = this.schema;
    try {
      await client.query(
        `SELECT 1 FROM ${s}.chain_head WHERE id = 1 FOR UPDATE;
         ${this.insertRows(sqlLiteral(chained.json))}
           WHERE EXISTS (SELECT 1 FROM ${s}.chain_head WHERE id = 1 AND seq = ${last.seq} AND hash = '${last.hash}');
         ${this.moveHead(chained.head)}`,
      );
      return true;
    } catch (err) {
      // batches chained on to this one fail in turn; the next takes the lock
      this.lastHead = undefined;
      if (HEAD_MOVED.has((err as { code?: string }).code ?? '')) return false;
      throw err;
    }
  }

  private async appendLocked(client: PoolClient, templates: EntryTemplate[]): Promise<Appended[]> {
    const s = this.schema;
    this.lastHead = undefined;
    try {
      // The head row lock orders all writers, in this process and in others; `at` comes from the database's clock
      // and never goes back along the chain.
      const [, locked] = (await client.query(
        `BEGIN; SELECT seq::text AS seq, hash,
           to_char(greatest(date_trunc('milliseconds', clock_timestamp()), at) AT TIME ZONE 'UTC',
                   'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
         FROM ${s}.chain_head WHERE id = 1 FOR UPDATE`,
      )) as unknown as [unknown, { rows: { seq: string; hash: string; at: string }[] }];
      const head = locked.rows[0];
      if (!head) throw new Error(`${s}.chain_head is empty: run migrate()`);
      const chained = this.chain(templates, { seq: Number(head.seq), hash: head.hash, at: head.at });
      await client.query(this.insertRows('$1'), [chained.json]);
      // Inlined rather than bound so that the head update and COMMIT take one round trip; all three are ours.
      await client.query(`${this.moveHead(chained.head)}; COMMIT`);
      this.lastHead = chained.head;
      return chained.appended;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** The rows after `head`, all at its time; the canonical document names every column, so with its hash it is the row. */
  private chain(templates: EntryTemplate[], head: Appended): Chained {
    let seq = head.seq;
    let prevHash = head.hash;
    const appended: Appended[] = [];
    const rows = templates.map((template) => {
      seq += 1;
      const canonical = fillTemplate(template, { seq, at: head.at, prevHash });
      prevHash = sha256Hex(canonical);
      appended.push({ seq, at: head.at, hash: prevHash });
      return `${canonical.slice(0, -1)},"hash":"${prevHash}"}`;
    });
    return { appended, json: `[${rows.join(',')}]`, head: appended[appended.length - 1]! };
  }

  private insertRows(json: string): string {
    return `INSERT INTO ${this.schema}.entry (seq, at, kind, actor_kind, actor, organisation, unit, agreement_id,
         agreement_version, purpose, subject_key, categories_requested, categories_released, categories_denied,
         outcome, correlation_id, protected_identity, details, prev_hash, hash)
       SELECT "seq", "at", "kind", "actorKind", "actor", "organisation", "unit", "agreementId", "agreementVersion",
         "purpose", "subjectKey", "categoriesRequested", "categoriesReleased", "categoriesDenied", "outcome",
         "correlationId", "protectedIdentity", "details", "prevHash", "hash"
       FROM json_to_recordset(${json}::json) AS r("seq" bigint, "at" timestamptz, "kind" text, "actorKind" text,
         "actor" text, "organisation" text, "unit" text, "agreementId" text, "agreementVersion" integer,
         "purpose" text, "subjectKey" text, "categoriesRequested" text[], "categoriesReleased" text[],
         "categoriesDenied" jsonb, "outcome" text, "correlationId" text, "protectedIdentity" boolean,
         "details" jsonb, "prevHash" text, "hash" text)`;
  }

  /** Numbers, and a hash and time of our own making: safe to inline. */
  private moveHead(head: Appended): string {
    return `UPDATE ${this.schema}.chain_head SET seq = ${head.seq}, hash = '${head.hash}', at = '${head.at}'
             WHERE id = 1`;
  }

  async head(): Promise<ChainHead | null> {
    const result = await this.pool.query<{ seq: string; hash: string }>(
      `SELECT seq::text AS seq, hash FROM ${this.schema}.chain_head WHERE id = 1`,
    );
    const row = result.rows[0];
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  }

  /**
   * Walks the whole chain in seq order, a page at a time, recomputing every hash, inside one read-only snapshot so
   * that appends running meanwhile neither break nor extend what is checked. Stops at the first break.
   *
   * The chain alone cannot show its last rows cut off together with a matching head, nor a rewrite from some row on
   * with every later hash recomputed: `anchors`, heads published earlier (`head()`), can. `anchors` make the chain
   * itself fail; `checkpoints` (heads witnesses hold, see checkpoint.ts) are each answered in `checkpoints`.
   */
  async verify(
    options: { anchors?: readonly ChainHead[]; checkpoints?: readonly Checkpoint[] } = {},
  ): Promise<VerifyResult> {
    const checkpoints = options.checkpoints ?? [];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { result, log } = await this.walk(
        client,
        new Map((options.anchors ?? []).map((a) => [a.seq, a.hash])),
        new Set(checkpoints.map((c) => c.position)),
      );
      await client.query('COMMIT');
      if (options.checkpoints === undefined) return result;
      return { ...result, checkpoints: checkpoints.map((checkpoint) => checkCheckpoint(log, checkpoint)) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** `wanted`: positions whose recomputed hashes the answer's `log` keeps, to compare checkpoints with. */
  private async walk(
    client: PoolClient,
    anchors: Map<number, string>,
    wanted: ReadonlySet<number>,
  ): Promise<{ result: VerifyResult; log: WalkedLog }> {
    const headRow = (
      await client.query<{ seq: string; hash: string }>(
        `SELECT seq::text AS seq, hash FROM ${this.schema}.chain_head WHERE id = 1`,
      )
    ).rows[0];
    let rows = 0;
    let complete = false;
    const hashes = new Map<number, string>();
    const answer = (result: VerifyResult) => ({
      result,
      log: { rows, complete, hashAt: (position: number) => hashes.get(position) },
    });
    if (!headRow) {
      return answer({
        ok: false,
        rows: 0,
        head: null,
        firstBroken: { seq: 0, reason: 'head-missing', detail: 'no head row' },
      });
    }
    const head = { seq: Number(headRow.seq), hash: headRow.hash };
    const broken = (seq: number, reason: BreakReason, detail: string) =>
      answer({ ok: false, rows, head, firstBroken: { seq, reason, detail } });

    let expected = 1;
    let prevHash = GENESIS_HASH;
    let after = '-9223372036854775808';
    for (;;) {
      const page = await client.query<EntryRow>(`${this.selectEntries} WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`, [
        after,
        this.pageSize,
      ]);
      for (const row of page.rows) {
        const seq = Number(row.seq);
        if (seq < expected) return broken(seq, 'out-of-sequence', `row ${row.seq} where ${expected} was expected`);
        if (seq > expected) return broken(expected, 'gap', `row ${expected} is missing; the next row is ${row.seq}`);
        const record = toRecord(row);
        let recomputed: string;
        try {
          recomputed = entryHash(record);
        } catch (err) {
          return broken(seq, 'hash-mismatch', `row cannot be encoded: ${(err as Error).message}`);
        }
        if (recomputed !== record.hash) return broken(seq, 'hash-mismatch', 'row content does not match its hash');
        if (record.prevHash !== prevHash) {
          return broken(seq, 'prev-hash-mismatch', `prev_hash does not match the hash of row ${seq - 1}`);
        }
        const anchored = anchors.get(seq);
        if (anchored !== undefined && anchored !== record.hash) {
          return broken(seq, 'anchor-mismatch', `row ${seq} does not match the published head ${seq}`);
        }
        if (wanted.has(seq)) hashes.set(seq, record.hash);
        prevHash = record.hash;
        expected += 1;
        rows += 1;
        after = row.seq;
      }
      if (page.rows.length < this.pageSize) break;
    }
    complete = true;

    const beyond = [...anchors.keys()].filter((seq) => seq > rows).sort((a, b) => a - b)[0];
    if (beyond !== undefined) {
      return broken(rows + 1, 'anchor-mismatch', `a head was published at ${beyond} but the last row is ${rows}`);
    }
    if (rows < head.seq) {
      return broken(expected, 'truncated', `the chain head is at ${head.seq} but the last row is ${rows}`);
    }
    if (rows > head.seq) {
      return broken(head.seq + 1, 'head-mismatch', `rows go on past the chain head at ${head.seq}`);
    }
    if (prevHash !== head.hash) return broken(head.seq, 'head-mismatch', 'the last row does not match the chain head');
    return answer({ ok: true, rows, head });
  }

  /**
   * Every entry about one subject, oldest first: when, who (organisation, unit, actor), purpose, agreement, what was
   * requested, released and denied. With `lookup`, the lookup itself is logged first, as SPEC asks. With `scope`,
   * only the entries of one party (see AccessReportScope). Whether the asker may see entries flagged
   * `protectedIdentity` is the caller's decision.
   */
  async accessReport(
    subjectKeyHex: string | readonly string[],
    lookup?: Omit<AuditEntryInput, 'kind' | 'subjectKey'>,
    scope?: AccessReportScope,
  ): Promise<AccessReportEntry[]> {
    // one key, or all of the subject's (subjectKeysOf, newest first): the lookup is logged under the first
    const keys = typeof subjectKeyHex === 'string' ? [subjectKeyHex] : [...subjectKeyHex];
    if (keys.length === 0 || !keys.every((key) => SUBJECT_KEY_FORMAT.test(key)))
      throw new Error('accessReport takes a subject key, not a personnummer');
    if (lookup) await this.append({ ...lookup, kind: 'access-report', subjectKey: keys[0] });
    const result = await this.pool.query<EntryRow>(
      `${this.selectEntries} WHERE e.subject_key = ANY($1::text[])
         AND ($2::text IS NULL OR e.organisation = $2 OR ($3::text IS NOT NULL AND e.details->>'agency' = $3))
       ORDER BY e.at, e.seq`,
      [keys, scope?.organisation ?? null, scope?.agency ?? null],
    );
    return result.rows.map((row) => {
      const { prevHash: _prev, hash: _hash, ...entry } = toRecord(row);
      return entry;
    });
  }

  // Read as text so that global pg type parsers cannot change what gets hashed, and with microseconds so that an
  // edit below the millisecond still shows. Filter and sort on `e.`: the bare names are these text columns.
  private get selectEntries(): string {
    return `SELECT seq::text AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at, kind,
      actor_kind, actor, organisation, unit, agreement_id, agreement_version, purpose, subject_key,
      categories_requested, categories_released, categories_denied::text AS categories_denied, outcome,
      correlation_id, protected_identity, details::text AS details, prev_hash, hash
      FROM ${this.schema}.entry e`;
  }
}

function toRecord(row: EntryRow): AuditRecord {
  return {
    seq: Number(row.seq),
    // A NULL only gets here by tampering; kept as null, it fails the hash.
    at: row.at === null ? (null as never) : isoMillis(row.at),
    kind: row.kind,
    actorKind: row.actor_kind,
    actor: row.actor,
    organisation: row.organisation,
    unit: row.unit,
    agreementId: row.agreement_id,
    agreementVersion: row.agreement_version,
    purpose: row.purpose,
    subjectKey: row.subject_key,
    categoriesRequested: row.categories_requested,
    categoriesReleased: row.categories_released,
    categoriesDenied: JSON.parse(row.categories_denied ?? 'null') as never,
    outcome: row.outcome,
    correlationId: row.correlation_id,
    protectedIdentity: row.protected_identity,
    details: JSON.parse(row.details ?? 'null') as { [key: string]: Json },
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** `2026-03-01T09:30:00.123000` → `2026-03-01T09:30:00.123Z`; a non-zero sub-millisecond part is kept, so it fails. */
function isoMillis(microseconds: string): string {
  return microseconds.endsWith('000') ? `${microseconds.slice(0, -3)}Z` : `${microseconds}Z`;
}
