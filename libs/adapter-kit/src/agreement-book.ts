import type pg from 'pg';
import type { AgreementChangedV1, AgreementRef, Envelope } from '@hub/contracts';
import { ChangeFeed } from '@hub/database';
import { type ConnectionLogger } from '@hub/messaging';
import { AgreementIndex, type AgreementVersion } from '@hub/policy';

export const agreementBookDdl = (schema: string) => `
  CREATE SCHEMA IF NOT EXISTS ${schema};
  CREATE TABLE IF NOT EXISTS ${schema}.agreement_version (
    agreement_id uuid        NOT NULL,
    version      integer     NOT NULL,
    body         jsonb       NOT NULL,
    issued_at    timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agreement_id, version)
  );
  CREATE TABLE IF NOT EXISTS ${schema}.revoked_consent (
    consent_id uuid        PRIMARY KEY,
    revoked_at timestamptz NOT NULL
  );
`;

/** The policy's view of one version, as the hub announced it. */
export function agreementVersionOf(p: AgreementChangedV1): AgreementVersion | undefined {
  const municipality = p.parties.find((x) => x.unit !== undefined);
  const agency = p.parties.find((x) => x !== municipality);
  if (!municipality?.unit || !agency) return undefined;
  return {
    id: p.agreementId,
    version: p.version,
    status: p.status,
    parties: {
      municipality: { organisation: municipality.organisation, unit: municipality.unit },
      agency: { organisation: agency.organisation, agency: p.agency },
    },
    approvals: p.approvals.map((a) => ({
      organisation: a.organisation,
      approvedBy: a.approvedBy,
      approvedAt: a.approvedAt ? new Date(a.approvedAt) : undefined,
    })),
    validFrom: p.validFrom,
    validTo: p.validTo,
    purposes: Object.fromEntries(
      p.purposes.map((t) => [
        t.purpose,
        {
          categories: t.categories,
          referralTypes: t.referralTypes,
          roles: t.roles,
          consentRequired: t.consentRequired,
          legalBasis: t.legalBasis ?? null,
        },
      ]),
    ),
  };
}

/**
 * Each agreement's versions on their own, by agreement id: a message is decided under the agreement it names, and
 * under no other the adapter happens to hold.
 */
export class AgreementsById {
  private readonly agreements = new Map<string, { versions: Set<number>; index: AgreementIndex }>();

  constructor(versions: readonly AgreementVersion[]) {
    const grouped = new Map<string, AgreementVersion[]>();
    for (const v of versions) {
      const id = v.id.toLowerCase();
      grouped.set(id, [...(grouped.get(id) ?? []), v]);
    }
    for (const [id, list] of grouped) {
      this.agreements.set(id, { versions: new Set(list.map((v) => v.version)), index: new AgreementIndex(list) });
    }
  }

  /**
   * The named agreement's versions for the policy, or undefined when the adapter was never told of the version named.
   * The other versions are there so that a newer one in force supersedes the named one.
   */
  named(ref: AgreementRef | undefined): AgreementIndex | undefined {
    if (!ref) return undefined;
    const agreement = this.agreements.get(ref.id.toLowerCase());
    return agreement?.versions.has(ref.version) ? agreement.index : undefined;
  }
}

/**
 * The agreement versions the agency is party to, kept from `agreement.changed` events in the adapter's schema, and
 * the consents revoked. Every instance of the adapter keeps both in memory and learns of a change any instance
 * records (LISTEN/NOTIFY), since only one of them consumes each event: the agreements are reloaded, a revocation
 * travels in the notification itself. Revocations only ever add up, so a reload merges and never forgets one.
 */
export class AgreementBook {
  private index = new AgreementIndex([]);
  private versionList: AgreementVersion[] = [];
  private byId = new AgreementsById([]);
  private readonly revocations = new Map<string, Date>();
  private readonly feed: ChangeFeed;
  private readonly revocationFeed: ChangeFeed;

  constructor(
    private readonly pool: pg.Pool,
    databaseUrl: string,
    private readonly schema: string,
    private readonly agency: string,
    logger: ConnectionLogger,
  ) {
    this.feed = new ChangeFeed(databaseUrl, `${schema}_agreements`, () => this.load(), logger);
    this.revocationFeed = new ChangeFeed(
      databaseUrl,
      `${schema}_revocations`,
      () => this.loadRevocations(),
      logger,
      (payload) => this.applyRevocation(payload),
    );
  }

  async migrate(): Promise<void> {
    await this.pool.query(agreementBookDdl(this.schema));
  }

  /** Loads the versions, and again whenever any instance records a change; a lost listener reconnects. */
  async start(): Promise<void> {
    await Promise.all([this.feed.start(), this.revocationFeed.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.feed.stop(), this.revocationFeed.stop()]);
  }

  private async load(): Promise<void> {
    const { rows } = await this.pool.query<{ body: AgreementChangedV1 }>(
      `SELECT body FROM ${this.schema}.agreement_version`,
    );
    const versions = rows.map((r) => agreementVersionOf(r.body)).filter((v): v is AgreementVersion => !!v);
    this.versionList = versions;
    this.index = new AgreementIndex(versions);
    this.byId = new AgreementsById(versions);
  }

  /** The policy index over every version the agency is party to. */
  current(): AgreementIndex {
    return this.index;
  }

  /** The versions of the agreement a message names; see AgreementsById. */
  named(ref: AgreementRef | undefined): AgreementIndex | undefined {
    return this.byId.named(ref);
  }

  versions(): readonly AgreementVersion[] {
    return this.versionList;
  }

  /**
   * Keeps the announced version unless the kept one is further on in the version's life, or equally far and
   * announced later (events may arrive out of order). Returns whether it was kept. Announcements for other agencies
   * are not the adapter's business.
   *
   * issuedAt alone cannot order them: the hub's republication (its answer to a start) reads the versions and sends
   * them one by one, so a version read as proposed just before its approval committed can be issued after the
   * approval's own event. A version's approvals only ever grow and terminated or expired is final, which orders
   * such a snapshot behind the approval whatever its issuedAt.
   */
  async record(tx: pg.PoolClient, envelope: Envelope<AgreementChangedV1>): Promise<boolean> {
    const p = envelope.payload;
    if (p.agency !== this.agency || !agreementVersionOf(p)) return false;
    const progress = (row: string) =>
      `(${row}.body->>'status' IN ('terminated', 'expired'), jsonb_array_length(${row}.body->'approvals'))`;
    const stored = await tx.query(
      `INSERT INTO ${this.schema}.agreement_version AS v (agreement_id, version, body, issued_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (agreement_id, version) DO UPDATE SET body = excluded.body, issued_at = excluded.issued_at,
         received_at = now()
       WHERE ${progress('v')} < ${progress('excluded')}
          OR (${progress('v')} = ${progress('excluded')} AND v.issued_at <= excluded.issued_at)`,
      [p.agreementId, p.version, JSON.stringify(p), envelope.issuedAt],
    );
    if (stored.rowCount === 1) await tx.query('SELECT pg_notify($1, $2)', [this.feed.channel, p.agreementId]);
    return stored.rowCount === 1;
  }

  /** Kept from the moment it is handled: a revocation is never wrong to honour early, even if the handler fails. */
  async recordRevocation(tx: pg.PoolClient, consentId: string, revokedAt: string): Promise<void> {
    this.remember(consentId, new Date(revokedAt));
    await tx.query(
      `INSERT INTO ${this.schema}.revoked_consent (consent_id, revoked_at) VALUES ($1, $2)
       ON CONFLICT (consent_id) DO UPDATE SET revoked_at = LEAST(excluded.revoked_at, revoked_consent.revoked_at)`,
      [consentId, revokedAt],
    );
    await tx.query('SELECT pg_notify($1, $2)', [this.revocationFeed.channel, `${consentId} ${revokedAt}`]);
  }

  /** When the consent was revoked, as far as the hub has announced; read from memory on every query. */
  revokedAt(consentId: string): Date | undefined {
    return this.revocations.get(consentId.toLowerCase());
  }

  private async loadRevocations(): Promise<void> {
    const { rows } = await this.pool.query<{ consent_id: string; revoked_at: Date }>(
      `SELECT consent_id, revoked_at FROM ${this.schema}.revoked_consent`,
    );
    for (const row of rows) this.remember(row.consent_id, row.revoked_at);
  }

  private applyRevocation(payload: string): boolean {
    const [consentId, revokedAt] = payload.split(' ');
    const at = new Date(revokedAt ?? '');
    if (!consentId || Number.isNaN(at.getTime())) return false;
    this.remember(consentId, at);
    return true;
  }

  private remember(consentId: string, revokedAt: Date): void {
    const id = consentId.toLowerCase();
    const known = this.revocations.get(id);
    if (!known || revokedAt < known) this.revocations.set(id, revokedAt);
  }
}
