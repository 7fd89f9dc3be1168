import fc from 'fast-check';
import { GENESIS_HASH } from './canonical.js';
import {
  checkCheckpoint,
  verifyOutcome,
  witnessVerdict,
  type Checkpoint,
  type CheckpointOutcome,
  type WalkedLog,
} from './checkpoint.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');
const at = (position: number, h = hash(position)): Checkpoint => ({ position, hash: h });

/** An intact log of `rows` entries whose entry n has hash(n), read to its end unless `complete` says otherwise. */
const walked = (rows: number, complete = true, rewrittenFrom = Infinity): WalkedLog => ({
  rows,
  complete,
  hashAt: (p) => (p >= 1 && p <= rows ? hash(p >= rewrittenFrom ? p + 1_000_000 : p) : undefined),
});

describe('witnessVerdict: a witness never lets the log go back', () => {
  it('takes the first checkpoint it sees', () => {
    expect(witnessVerdict(undefined, at(5))).toBe('consistent');
  });

  it('takes a checkpoint further on, and the same one again', () => {
    expect(witnessVerdict(at(5), at(9))).toBe('consistent');
    expect(witnessVerdict(at(5), at(5))).toBe('consistent');
  });

  it('calls a lower position a rollback, whatever its hash', () => {
    expect(witnessVerdict(at(9), at(5))).toBe('rollback');
    expect(witnessVerdict(at(9), at(0, hash(0)))).toBe('rollback');
  });

  it('calls the same position with another hash a fork', () => {
    expect(witnessVerdict(at(9), at(9, 'f'.repeat(64)))).toBe('fork');
  });

  it('is consistent exactly when the position does not go back and an equal position keeps its hash', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.boolean(), (held, incoming, sameHash) => {
        const verdict = witnessVerdict(at(held), at(incoming, sameHash ? hash(incoming) : 'e'.repeat(64)));
        if (incoming > held) return verdict === 'consistent';
        if (incoming < held) return verdict === 'rollback';
        return verdict === (sameHash ? 'consistent' : 'fork');
      }),
    );
  });
});

describe('checkCheckpoint: the log against a checkpoint a witness holds', () => {
  it('is ok when the entry at the position has the checkpoint’s hash, however far the log has grown since', () => {
    expect(checkCheckpoint(walked(10), at(10)).outcome).toBe('ok');
    expect(checkCheckpoint(walked(500), at(10)).outcome).toBe('ok');
  });

  it('is ok for a checkpoint of the empty log, with the genesis hash only', () => {
    expect(checkCheckpoint(walked(0), at(0, GENESIS_HASH)).outcome).toBe('ok');
    expect(checkCheckpoint(walked(7), at(0, GENESIS_HASH)).outcome).toBe('ok');
    expect(checkCheckpoint(walked(7), at(0, 'f'.repeat(64))).outcome).toBe('forked');
  });

  it('calls a log that ends before the position truncated', () => {
    expect(checkCheckpoint(walked(140), at(150))).toEqual({
      outcome: 'truncated',
      detail: 'the log ends at entry 140, the checkpoint is at 150',
    });
    expect(checkCheckpoint(walked(0), at(1)).outcome).toBe('truncated');
  });

  it('calls another hash at the position forked, also when the log has grown past it', () => {
    expect(checkCheckpoint(walked(150, true, 120), at(150)).outcome).toBe('forked');
    expect(checkCheckpoint(walked(200, true, 120), at(150)).outcome).toBe('forked');
    expect(checkCheckpoint(walked(150, true, 120), at(119)).outcome).toBe('ok');
  });

  it('does not call a log cut when the walk stopped at a break before the position', () => {
    expect(checkCheckpoint(walked(99, false), at(150))).toEqual({
      outcome: 'unverifiable',
      detail: 'the chain breaks at entry 100, before the checkpoint at 150',
    });
    expect(checkCheckpoint(walked(99, false), at(50)).outcome).toBe('ok');
  });
});

describe('verifyOutcome', () => {
  const check = (outcome: CheckpointOutcome) => ({ outcome, detail: '' });

  it('is ok only when the chain is intact and every checkpoint matches', () => {
    expect(verifyOutcome(undefined, [])).toBe('ok');
    expect(verifyOutcome(undefined, [check('ok'), check('ok')])).toBe('ok');
  });

  it('names what the checkpoints found, a fork before a cut', () => {
    expect(verifyOutcome(undefined, [check('ok'), check('truncated')])).toBe('truncated');
    expect(verifyOutcome(undefined, [check('truncated'), check('forked')])).toBe('forked');
  });

  it('puts the chain’s own break first', () => {
    expect(verifyOutcome('hash-mismatch', [check('ok')])).toBe('broken');
    expect(verifyOutcome('truncated', [check('forked')])).toBe('truncated');
    expect(verifyOutcome('gap', [check('unverifiable')])).toBe('broken');
  });
});
