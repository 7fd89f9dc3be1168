import { GENESIS_HASH } from './canonical.js';

/**
 * A checkpoint is the chain head as the hub published it, signed, to witnesses (the agencies): the position of the
 * last entry and its hash. Positions are gap-free from 1, so a checkpoint's position is also how many entries there
 * were. Since every hash covers all entries before it, a checkpoint commits to the whole log up to its position: a
 * log that later ends before that position was cut, one with another hash there was rewritten (forked).
 */
export interface Checkpoint {
  position: number;
  hash: string;
}

export const CHECKPOINT_HASH = /^[0-9a-f]{64}$/;

/** What a witness thinks of a new checkpoint beside the latest it holds. */
export type WitnessVerdict =
  /** it extends (or repeats) the latest held: the log only grew */
  | 'consistent'
  /** it is at a lower position than one held: the log went back */
  | 'rollback'
  /** it is at the position of one held, with another hash: two logs */
  | 'fork';

/**
 * A witness checks each checkpoint against the latest it holds (the one at the highest position). A hash chain
 * cannot prove that a later checkpoint extends an earlier one without the entries between them, so a higher
 * position is taken as consistent; the auditor's verification against the log checks the rest.
 */
export function witnessVerdict(latestHeld: Checkpoint | undefined, incoming: Checkpoint): WitnessVerdict {
  if (!latestHeld || incoming.position > latestHeld.position) return 'consistent';
  if (incoming.position < latestHeld.position) return 'rollback';
  return incoming.hash === latestHeld.hash ? 'consistent' : 'fork';
}

export type CheckpointOutcome =
  | 'ok'
  /** the log ends before the checkpoint's position: entries were cut off its end */
  | 'truncated'
  /** the entry at the checkpoint's position has another hash: the log was rewritten */
  | 'forked'
  /** the chain breaks before the checkpoint's position, so the two cannot be compared; the break says why */
  | 'unverifiable';

export interface CheckpointCheck {
  outcome: CheckpointOutcome;
  detail: string;
}

/** The log as one verification walk saw it. */
export interface WalkedLog {
  /** entries found intact, in order, from position 1 */
  rows: number;
  /** whether the walk read to the last stored entry, rather than stopping at a break within the entries */
  complete: boolean;
  /** the recomputed hash of an intact entry */
  hashAt(position: number): string | undefined;
}

export function checkCheckpoint(log: WalkedLog, checkpoint: Checkpoint): CheckpointCheck {
  const { position, hash } = checkpoint;
  if (position === 0) {
    return hash === GENESIS_HASH
      ? { outcome: 'ok', detail: 'the checkpoint is of the empty log' }
      : { outcome: 'forked', detail: 'a checkpoint of the empty log has the genesis hash' };
  }
  if (position <= log.rows) {
    return log.hashAt(position) === hash
      ? { outcome: 'ok', detail: `entry ${position} matches the checkpoint` }
      : { outcome: 'forked', detail: `entry ${position} has another hash than the checkpoint` };
  }
  if (!log.complete) {
    return {
      outcome: 'unverifiable',
      detail: `the chain breaks at entry ${log.rows + 1}, before the checkpoint at ${position}`,
    };
  }
  return { outcome: 'truncated', detail: `the log ends at entry ${log.rows}, the checkpoint is at ${position}` };
}

/** A verification in one word: the chain's own break first, then what the checkpoints found. */
export type VerifyOutcome = 'ok' | 'broken' | 'truncated' | 'forked';

export function verifyOutcome(chainBreak: string | undefined, checks: readonly CheckpointCheck[]): VerifyOutcome {
  if (chainBreak !== undefined) return chainBreak === 'truncated' ? 'truncated' : 'broken';
  if (checks.some((c) => c.outcome === 'forked')) return 'forked';
  if (checks.some((c) => c.outcome === 'truncated')) return 'truncated';
  return checks.every((c) => c.outcome === 'ok') ? 'ok' : 'broken';
}
