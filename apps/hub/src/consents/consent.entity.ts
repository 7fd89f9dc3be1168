import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ConsentMethod, Purpose } from '@hub/contracts';

/** A citizen's consent (samtycke) to a municipality unit; `subjectKey` is the keyed hash of the personnummer. */
@Entity({ schema: 'hub', name: 'consent' })
export class ConsentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'subject_key', type: 'char', length: 64 })
  subjectKey: string;

  @Column({ type: 'char', length: 10 })
  organisation: string;

  @Column('text')
  unit: string;

  @Column('jsonb')
  purposes: Purpose[];

  @Column('jsonb')
  agencies: string[];

  @Column('jsonb')
  categories: string[];

  @Column('text')
  method: ConsentMethod;

  @Column({ name: 'recorded_by', type: 'text' })
  recordedBy: string;

  /** `YYYY-MM-DD`, a Swedish calendar day */
  @Column({ name: 'valid_from', type: 'date' })
  validFrom: string;

  /** `YYYY-MM-DD`, the last day of validity, inclusive */
  @Column({ name: 'valid_until', type: 'date' })
  validUntil: string;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_by', type: 'text', nullable: true })
  revokedBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
