import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import type { CatalogueAnnouncedV1, CatalogueCategory, CatalogueReferralType, Envelope } from '@hub/contracts';
import { ChangeFeed, type Queryable } from '@hub/database';
import { CatalogueIndex, type AgencyCatalogue } from '@hub/policy';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { CATALOGUE_CHANGED, CatalogueRepository } from './catalogue.repository.js';

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
  private readonly feed: ChangeFeed;

  constructor(
    private readonly repository: CatalogueRepository,
    @Inject(HUB_CONFIG) config: HubConfig,
    private readonly audit: AuditLog,
  ) {
    this.feed = new ChangeFeed(config.databaseUrl, CATALOGUE_CHANGED, () => this.load(), this.logger);
  }

  async onModuleInit(): Promise<void> {
    await this.feed.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.feed.stop();
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
  async announce(tx: Queryable, envelope: Envelope<CatalogueAnnouncedV1>): Promise<AnnouncementOutcome> {
    const { payload } = envelope;
    const refusal = refusalOf(envelope);
    let outcome: AnnouncementOutcome = 'refused';
    if (refusal) {
      this.logger.warn(`refused catalogue announcement ${envelope.id} for ${payload.agency}: ${refusal}`);
    } else {
      const stored = await this.repository.storeUnlessSuperseded(
        {
          agency: payload.agency,
          organisation: payload.organisation,
          name: payload.name,
          categories: payload.categories,
          referralTypes: payload.referralTypes,
          announcedAt: envelope.issuedAt,
          messageId: envelope.id,
        },
        tx,
      );
      outcome = stored ? 'recorded' : 'superseded';
      if (outcome === 'recorded') await this.repository.notifyChanged(payload.agency, tx);
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
    return this.feed.reload();
  }

  private async load(): Promise<void> {
    const rows = await this.repository.listAll();
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
}
