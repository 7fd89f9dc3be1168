import { createHash } from 'node:crypto';
import type { ReferralStatus } from '@hub/contracts';
import type { ConnectionLogger } from '@hub/messaging';
import type { CaseworkerTiming } from './adapter.config.js';
import { TransitionError, type ReferralInbox } from './referral-inbox.js';

const STEPS: ReadonlyArray<{ from: ReferralStatus; to: ReferralStatus; after: keyof CaseworkerTiming }> = [
  { from: 'received', to: 'accepted', after: 'acceptAfterMs' },
  { from: 'accepted', to: 'in-progress', after: 'startAfterMs' },
  { from: 'in-progress', to: 'closed', after: 'closeAfterMs' },
];

const NOTES: Partial<Record<ReferralStatus, string>> = {
  accepted: 'Ärendet är fördelat till en handläggare.',
  declined: 'Personen har redan ett pågående ärende av samma slag.',
  'in-progress': 'Handläggaren har kontaktat personen.',
  closed: 'Ärendet är avslutat.',
};

/**
 * Plays the agency's caseworkers: takes each referral on after a while, works on it, closes it; declines a share
 * of them (the same ones every run, by referral id). Safe with several adapter instances: each move locks its row
 * and is checked against the lifecycle, so a referral another instance moved first is simply skipped.
 */
export class CaseworkerSimulation {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly inbox: ReferralInbox,
    private readonly timing: CaseworkerTiming,
    private readonly logger: ConnectionLogger,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    if (!this.timing.simulated || this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.step()
        .catch((err: Error) => this.logger.warn(`caseworker simulation: ${err.message}`))
        .then(() => undefined)
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round over the inbox: every referral whose time has come moves one step. */
  async step(now = new Date()): Promise<number> {
    let moved = 0;
    for (const { from, to, after } of STEPS) {
      const due = await this.inbox.due(from, new Date(now.getTime() - (this.timing[after] as number)));
      for (const id of due) {
        const target = to === 'accepted' && this.declines(id) ? 'declined' : to;
        try {
          await this.inbox.transition(id, target, this.inbox.serviceActor, NOTES[target], now);
          moved++;
        } catch (err) {
          if (!(err instanceof TransitionError)) throw err;
        }
      }
    }
    return moved;
  }

  private declines(id: string): boolean {
    const draw = createHash('sha256').update(id).digest().readUInt32BE(0) / 0x1_0000_0000;
    return draw < this.timing.declineRate;
  }
}
