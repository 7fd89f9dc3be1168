import { IsIn, IsInt, IsUUID, Matches, Max, Min } from 'class-validator';
import { AGENCY_CODE_PATTERN } from '../codes.js';
import { Describe, IsDateTime } from '../decorators.js';

const HASH_PATTERN = /^[0-9a-f]{64}$/;

@Describe(
  'The head of the hub’s hash-chained audit log, signed by the hub (the envelope signature) and sent to every ' +
    'agency, which keeps it as a witness: a log later cut or rewritten before this position no longer matches it.',
)
export class AuditCheckpointV1 {
  @Describe('the position of the last entry; positions run from 1 without gaps, so also the number of entries')
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  position: number;

  @Describe('SHA-256 (hex) of the last entry, which covers every entry before it')
  @Matches(HASH_PATTERN)
  hash: string;

  @Describe('when the hub read the head')
  @IsDateTime()
  takenAt: string;
}

export const WITNESS_VERDICTS = ['consistent', 'rollback', 'fork'] as const;
export type WitnessVerdictCode = (typeof WITNESS_VERDICTS)[number];

@Describe(
  'An agency cosigns a checkpoint it now holds (the envelope signature is its own), and says whether it follows ' +
    'on from the latest it held before: a lower position (rollback) or the same position with another hash (fork) ' +
    'is evidence that the hub’s log was cut or rewritten.',
)
export class AuditWitnessedV1 {
  @Describe('the witnessing agency’s code; only its own adapter speaks for it')
  @Matches(AGENCY_CODE_PATTERN)
  agency: string;

  @Describe('the envelope id of the audit.checkpoint.v1 witnessed')
  @IsUUID()
  checkpointId: string;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  position: number;

  @Matches(HASH_PATTERN)
  hash: string;

  @Describe('consistent: follows on from the latest checkpoint held; rollback: a lower position; fork: another hash')
  @IsIn(WITNESS_VERDICTS)
  verdict: WitnessVerdictCode;
}
