import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CHECKPOINT_HASH, type BreakReason, type CheckpointOutcome, type VerifyOutcome } from '@hub/audit';

/** The members of a string union, listed once and checked complete by the compiler. */
const membersOf = <T extends string>(all: Record<T, true>) => Object.keys(all) as T[];

const VERIFY_OUTCOMES = membersOf<VerifyOutcome>({ ok: true, broken: true, truncated: true, forked: true });
const CHECKPOINT_OUTCOMES = membersOf<CheckpointOutcome>({
  ok: true,
  truncated: true,
  forked: true,
  unverifiable: true,
});
const BREAK_REASONS = membersOf<BreakReason>({
  'hash-mismatch': true,
  'prev-hash-mismatch': true,
  gap: true,
  'out-of-sequence': true,
  truncated: true,
  'head-mismatch': true,
  'head-missing': true,
  'anchor-mismatch': true,
});

export class AccessReportRequestDto {
  @ApiProperty({ example: '19121212-1212', description: 'in the body, so that it never lands in a URL or access log' })
  @IsString()
  @MaxLength(20)
  subject: string;
}

/** A checkpoint to verify against, e.g. one taken from an agency's witness; both or neither. */
export class VerifyQueryDto {
  @ApiPropertyOptional({ description: 'the position of the checkpoint: its last entry', example: '48213' })
  @IsOptional()
  @IsString()
  @Matches(/^(0|[1-9][0-9]{0,14})$/, { message: 'position must be a whole number of at most 15 digits' })
  position?: string;

  @ApiPropertyOptional({ description: 'the hash of the entry at that position, 64 hex digits' })
  @IsOptional()
  @IsString()
  @Matches(CHECKPOINT_HASH, { message: 'hash must be 64 lower-case hex digits' })
  hash?: string;
}

export class ChainHeadView {
  @ApiProperty({ description: 'the last entry of the log', example: 48213 })
  position: number;

  @ApiProperty({ description: 'its hash, 64 hex digits' })
  hash: string;
}

export class ChainBreakView {
  @ApiProperty({ description: 'the first entry that does not hold', example: 1207 })
  seq: number;

  @ApiProperty({ enum: BREAK_REASONS })
  reason: BreakReason;

  @ApiProperty()
  detail: string;
}

export class CheckpointVerificationView {
  @ApiProperty({ type: String, nullable: true, description: 'the agency that cosigned it; null: the one asked about' })
  witness: string | null;

  @ApiProperty({ example: 48000 })
  position: number;

  @ApiProperty()
  hash: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  witnessedAt: string | null;

  @ApiProperty({
    enum: CHECKPOINT_OUTCOMES,
    description: '`truncated`: the log ends before it; `forked`: another entry is at its position',
  })
  outcome: CheckpointOutcome;

  @ApiProperty()
  detail: string;
}

/** A period (calendar year) of subject keys: whether its key is destroyed (crypto-shredding, docs/gallring.md). */
export class SubjectPeriodView {
  @ApiProperty({ example: '2026' })
  period: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when its key was destroyed: its entries still check but lead to nobody; null: in use',
  })
  shreddedAt: string | null;

  @ApiPropertyOptional({ description: 'entries written in the period that carry a subject key' })
  entries?: number;
}

export class AuditVerificationView {
  @ApiProperty()
  ok: boolean;

  @ApiProperty({ enum: VERIFY_OUTCOMES })
  outcome: VerifyOutcome;

  @ApiProperty({ description: 'entries found intact, in chain order, before the first break' })
  rows: number;

  @ApiProperty({
    type: ChainHeadView,
    nullable: true,
    description: 'the head now: what to anchor the next verification on',
  })
  head: ChainHeadView | null;

  @ApiPropertyOptional({ type: ChainBreakView })
  firstBroken?: ChainBreakView;

  @ApiProperty({ type: [CheckpointVerificationView] })
  checkpoints: CheckpointVerificationView[];

  @ApiProperty({ type: [SubjectPeriodView], description: 'the periods of subject keys, oldest first' })
  subjectPeriods: SubjectPeriodView[];
}

/** The latest checkpoint one agency cosigned, as the hub holds it. */
export class WitnessedCheckpointView {
  @ApiProperty({ example: 'fk' })
  agency: string;

  @ApiProperty({ example: 48000 })
  position: number;

  @ApiProperty()
  hash: string;

  @ApiProperty({ description: "the agency's own check of the checkpoint", example: 'consistent' })
  verdict: string;

  @ApiProperty({ format: 'date-time' })
  witnessedAt: string;
}

export class AuditDeniedCategoryView {
  @ApiProperty({ example: 'skv.adress' })
  category: string;

  @ApiProperty({ description: 'a reason code', example: 'consent-missing' })
  reason: string;
}

export class AccessReportEntryView {
  @ApiProperty({ description: 'position in the audit chain' })
  seq: number;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ example: 'query' })
  kind: string;

  @ApiProperty({ example: 'staff' })
  actorKind: string;

  @ApiProperty()
  actor: string;

  @ApiProperty({ type: String, nullable: true })
  organisation: string | null;

  @ApiProperty({ type: String, nullable: true })
  unit: string | null;

  @ApiProperty({ type: String, nullable: true })
  agreementId: string | null;

  @ApiProperty({ type: Number, nullable: true })
  agreementVersion: number | null;

  @ApiProperty({ type: String, nullable: true })
  purpose: string | null;

  @ApiProperty({ type: [String] })
  categoriesRequested: string[];

  @ApiProperty({ type: [String] })
  categoriesReleased: string[];

  @ApiProperty({ type: [AuditDeniedCategoryView] })
  categoriesDenied: AuditDeniedCategoryView[];

  @ApiProperty({ example: 'ok' })
  outcome: string;

  @ApiProperty({ type: String, nullable: true })
  correlationId: string | null;

  @ApiProperty()
  protectedIdentity: boolean;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'e.g. the agency, a denial reason' })
  details: Record<string, unknown>;
}

export class AccessReportView {
  @ApiProperty({ description: 'the personnummer, masked', example: '19121212-****' })
  subject: string;

  @ApiProperty()
  protectedIdentity: boolean;

  @ApiProperty({ type: [AccessReportEntryView] })
  entries: AccessReportEntryView[];
}
