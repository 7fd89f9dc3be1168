import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CatalogueCategory, CatalogueReferralType } from '@hub/contracts';

/** The latest catalogue an agency's adapter announced (catalogue.announced.v1), one row per agency. */
@Entity({ schema: 'hub', name: 'agency_catalogue' })
export class AgencyCatalogueEntity {
  @PrimaryColumn('text')
  agency: string;

  @Column({ type: 'char', length: 10 })
  organisation: string;

  @Column('text')
  name: string;

  @Column('jsonb')
  categories: CatalogueCategory[];

  @Column({ name: 'referral_types', type: 'jsonb' })
  referralTypes: CatalogueReferralType[];

  /** the announcement's issuedAt: an older announcement never replaces a newer one */
  @Column({ name: 'announced_at', type: 'timestamptz' })
  announcedAt: Date;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
