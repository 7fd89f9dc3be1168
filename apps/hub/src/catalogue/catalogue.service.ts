import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import pg from 'pg';
import type { Repository } from 'typeorm';
import { AuditLog } from '@hub/audit';
import type { CatalogueAnnouncedV1, CatalogueCategory, CatalogueReferralType, Envelope } from '@hub/contracts';
import { CatalogueIndex, type AgencyCatalogue } from '@hub/policy';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { AgencyCatalogueEntity } from './catalogue.entity.js';

/** An agency's catalogue as the hub holds it; structurally a policy `AgencyCatalogue`. */
export interface StoredCatalogue extends AgencyCatalogue {
  readonly agency: string;
  readonly organisation: string;
  readonly name: string;
  readonly categories: readonly CatalogueCategory[];
  readonly referralTypes: readonly CatalogueReferralType[];
  readonly announcedAt: Date;
  readonly messageId: string;
}

export type AnnouncementOutcome = 'recorded' | 'superseded' | 'refused';

/** Committed catalogue changes are announced on this PostgreSQL channel, so every hub instance reloads its copy. */
const CHANGED_CHANNEL = 'hub_catalogue_changed';

const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Why an announcement must not be stored, or undefined when it may. Only an agency's own adapter speaks for its
 * catalogue: the broker vouches for the sending user, and the codec for the organisation that user may speak for.
 */
export function refusalOf(envelope: Envelope<CatalogueAnnouncedV1>, now = new Date()): string | undefined {
  const { sender, payload } = envelope;
  const adapter = `adapter-${payload.agency}`;
  if (sender.service !== adapter) return `sent by ${sender.service}, but only ${adapter} announces ${payload.agency}`;
  if (sender.organisation !== payload.organisation) {
    return `names organisation ${payload.organisation}, but ${sender.service} speaks for ${sender.organisation}`;
  }
  // A clock far ahead would otherwise keep every later announcement from replacing this one.
  if (Date.parse(envelope.issuedAt) > now.getTime() + MAX_CLOCK_SKEW_MS) return 'issued in the future';
  const seen = new Set<string>();
  for (const { code } of [...payload.categories, ...payload.referralTypes]) {
    if (!code.startsWith(`${payload.agency}.`)) return `${code} does not belong to agency ${payload.agency}`;
    if (seen.has(code)) return `${code} is announced twice`;
    seen.add(code);
  }
  return undefined;
}

/**
 * The latest catalogue per agency, from PostgreSQL, with the policy's CatalogueIndex built once per change. Reads
 * are synchronous from memory: agreement validation and every query decision use them.
 */
@Injectable()
export class CatalogueService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('catalogue');
  private list: readonly StoredCatalogue[] = [];
  private byAgency = new Map<string, StoredCatalogue>();
  private cachedIndex = new CatalogueIndex([]);
  private running?: Promise<void>;
  private queued?: Promise<void>;
  private listener?: pg.Client;
  private stopped = false;
  private retryDelayMs = 500;

  constructor(
    @InjectRepository(AgencyCatalogueEntity) private readonly repository: Repository<AgencyCatalogueEntity>,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly audit: AuditLog,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
    await this.reload();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  /** Every agency's latest catalogue, ordered by agency code. */
  catalogues(): readonly StoredCatalogue[] {
    return this.list;
  }

  catalogue(agency: string): StoredCatalogue | undefined {
    return this.byAgency.get(agency);
  }

  private readonly announcedListeners: Array<(agency: string) => Promise<void>> = [];

  /** Called in the announcement's handler after each accepted announcement; a throw makes the broker redeliver. */
  onAnnounced(listener: (agency: string) => Promise<void>): void {
    this.announcedListeners.push(listener);
  }

  /** The policy's index of the same catalogues; rebuilt only when a catalogue changes. */
  index(): CatalogueIndex {
    return this.cachedIndex;
  }

  /**
   * Stores an announcement in the consumer's transaction, unless it is refused or an announcement issued later is
   * already stored. Each outcome is audited; a refusal is final, since sending it again would not change it.
   */
  async announce(tx: pg.PoolClient, envelope: Envelope<CatalogueAnnouncedV1>): Promise<AnnouncementOutcome> {
    const { payload } = envelope;
    const refusal = refusalOf(envelope);
    let outcome: AnnouncementOutcome = 'refused';
    if (refusal) {
      this.logger.warn(`refused catalogue announcement ${envelope.id} for ${payload.agency}: ${refusal}`);
    } else {
      // Ties on issuedAt go to the larger message id, so replays in any order end with the same row.
      const stored = await tx.query(
        `INSERT INTO hub.agency_catalogue AS c
           (agency, organisation, name, categories, referral_types, announced_at, message_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (agency) DO UPDATE SET
           organisation = excluded.organisation, name = excluded.name, categories = excluded.categories,
           referral_types = excluded.referral_types, announced_at = excluded.announced_at,
           message_id = excluded.message_id, received_at = now()
         WHERE (c.announced_at, c.message_id) < (excluded.announced_at, excluded.message_id)`,
        [
          payload.agency,
          payload.organisation,
          payload.name,
          JSON.stringify(payload.categories),
          JSON.stringify(payload.referralTypes),
          envelope.issuedAt,
          envelope.id,
        ],
      );
      outcome = stored.rowCount === 1 ? 'recorded' : 'superseded';
      if (outcome === 'recorded') await tx.query('SELECT pg_notify($1, $2)', [CHANGED_CHANNEL, payload.agency]);
    }
    await this.audit.append({
      kind: 'catalogue',
      actorKind: 'service',
      actor: envelope.sender.service,
      organisation: envelope.sender.organisation,
      outcome,
      correlationId: envelope.correlationId,
      details: {
        agency: payload.agency,
        messageId: envelope.id,
        issuedAt: envelope.issuedAt,
        categories: payload.categories.map((c) => `${c.code}:${c.secrecyClass}`),
        referralTypes: payload.referralTypes.map((r) => r.code),
        ...(refusal && { reason: refusal }),
      },
    });
    if (outcome !== 'refused') for (const listener of this.announcedListeners) await listener(payload.agency);
    return outcome;
  }

  /** Reads the catalogues again; concurrent calls share one pending reload that starts after the running one. */
  reload(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) {
      this.running = this.load().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.reload();
      });
    return this.queued;
  }

  private async load(): Promise<void> {
    const rows = await this.repository.find({ order: { agency: 'ASC' } });
    const list = rows.map((row): StoredCatalogue =>
      Object.freeze({
        agency: row.agency,
        organisation: row.organisation,
        name: row.name,
        categories: row.categories,
        referralTypes: row.referralTypes,
        announcedAt: row.announcedAt,
        messageId: row.messageId,
      }),
    );
    this.cachedIndex = new CatalogueIndex(list);
    this.byAgency = new Map(list.map((c) => [c.agency, c]));
    this.list = Object.freeze(list);
  }

  /** A change committed by any instance reaches this one through LISTEN; a lost connection is re-made and reloads. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('notification', () => {
      this.reload().catch((err: Error) => this.logger.error(`reloading the catalogues failed: ${err.message}`));
    });
    client.on('error', (err) => {
      if (this.listener !== client || this.stopped) return;
      this.listener = undefined;
      this.logger.warn(`catalogue change listener lost: ${err.message}`);
      client.end().catch(() => undefined);
      this.relisten();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGED_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.listener = client;
      this.retryDelayMs = 500;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  private relisten(): void {
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, 30_000);
    setTimeout(() => {
      if (this.stopped) return;
      this.listen()
        // What changed while nobody listened is read now.
        .then(() => this.reload())
        .catch((err: Error) => {
          this.logger.warn(`catalogue change listener: ${err.message}`);
          this.relisten();
        });
    }, delay).unref();
  }
}
