import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { AgreementStatus } from '@hub/contracts';
import type { Approval, PurposeTerms } from '@hub/policy';

@Entity({ schema: 'hub', name: 'organisation' })
export class OrganisationEntity {
  @PrimaryColumn({ type: 'char', length: 10 })
  number: string;

  @Column('text')
  name: string;

  @Column('text')
  kind: 'municipality' | 'agency' | 'region' | 'samordningsforbund';

  @Column({ name: 'agency_code', type: 'text', nullable: true })
  agencyCode: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}

@Entity({ schema: 'hub', name: 'unit' })
export class UnitEntity {
  @PrimaryColumn({ type: 'char', length: 10 })
  organisation: string;

  @PrimaryColumn('text')
  name: string;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}

@Entity({ schema: 'hub', name: 'agreement' })
export class AgreementEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'char', length: 10 })
  municipality: string;

  @Column('text')
  unit: string;

  @Column({ type: 'char', length: 10 })
  agency: string;

  @Column({ name: 'agency_code', type: 'text' })
  agencyCode: string;

  @Column({ name: 'latest_version', type: 'int' })
  latestVersion: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;
}

/** Stored approvals keep their time as an ISO string. */
export type StoredApproval = Omit<Approval, 'approvedAt'> & { approvedAt?: string };

@Entity({ schema: 'hub', name: 'agreement_version' })
export class AgreementVersionEntity {
  @PrimaryColumn({ name: 'agreement_id', type: 'uuid' })
  agreementId: string;

  @PrimaryColumn('int')
  version: number;

  @Column('text')
  title: string;

  @Column('text')
  status: AgreementStatus;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'date' })
  validTo: string;

  @Column('jsonb')
  purposes: Record<string, PurposeTerms>;

  @Column('jsonb')
  approvals: StoredApproval[];

  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;
}

@Entity({ schema: 'hub', name: 'agreement_event' })
export class AgreementEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'agreement_id', type: 'uuid' })
  agreementId: string;

  @Column('int')
  version: number;

  @Column('text')
  change: string;

  @Column('text')
  status: AgreementStatus;

  @Column('text')
  actor: string;

  @Column({ type: 'char', length: 10, nullable: true })
  organisation: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}
