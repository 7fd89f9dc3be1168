import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type pg from 'pg';
import { agencyService, departmentService, departmentSlug } from '@hub/contracts';
import { ChangeFeed } from '@hub/database';
import { MessagingClient } from '@hub/messaging';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { PG_POOL } from '../core/core.module.js';

/** Whoever registers or changes an organisation notifies this channel, so every hub instance trusts it at once. */
export const ORGANISATION_CHANGED_CHANNEL = 'hub_organisation_changed';

/** Each registered agency's adapter may speak for that agency, and for nothing else. */
export function agencySenders(
  rows: ReadonlyArray<{ number: string; agency_code: string }>,
): Map<string, ReadonlySet<string>> {
  const senders = new Map<string, Set<string>>();
  for (const row of rows) {
    const service = agencyService(row.agency_code);
    senders.set(service, new Set([...(senders.get(service) ?? []), row.number]));
  }
  return senders;
}

/** Each open department unit's own case system may speak for its municipality, for errands forwarded to it. */
export function departmentSenders(
  rows: ReadonlyArray<{ organisation: string; name: string }>,
): Map<string, ReadonlySet<string>> {
  return new Map(
    rows.map((row) => [departmentService(row.organisation, departmentSlug(row.name)), new Set([row.organisation])]),
  );
}

/**
 * The hub takes messages from the adapters of the agencies in its organisation registry (hub.organisation), not from
 * a list in code: an agency onboarded as data is trusted as soon as it is registered, with no restart.
 */
@Injectable()
export class TrustedAgencies implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('trusted-agencies');
  private readonly feed: ChangeFeed;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(HUB_CONFIG) config: HubConfig,
    private readonly messaging: MessagingClient,
  ) {
    this.feed = new ChangeFeed(config.databaseUrl, ORGANISATION_CHANGED_CHANNEL, () => this.load(), this.logger);
  }

  async onModuleInit(): Promise<void> {
    await this.feed.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.feed.stop();
  }

  /** Reads the registry again, e.g. after registering an organisation in this instance. */
  reload(): Promise<void> {
    return this.feed.reload();
  }

  private async load(): Promise<void> {
    const { rows } = await this.pool.query<{ number: string; agency_code: string }>(
      // a closed agency is off-boarded: its adapter speaks for no one
      `SELECT number, agency_code FROM hub.organisation
        WHERE kind = 'agency' AND agency_code IS NOT NULL AND closed_at IS NULL`,
    );
    // a department's system still needs a broker user and a published key: trusting its name alone lets nothing in
    const { rows: departments } = await this.pool.query<{ organisation: string; name: string }>(
      `SELECT organisation, name FROM hub.unit WHERE kind = 'department' AND closed_at IS NULL`,
    );
    this.messaging.codec.trust(new Map([...agencySenders(rows), ...departmentSenders(departments)]));
  }
}
