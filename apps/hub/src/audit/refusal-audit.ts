import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AuditLog } from '@hub/audit';

/** A request the HTTP layer refused a signed-in caller. */
export interface Refusal {
  actor: string;
  organisation: string;
  unit?: string;
  /** the error code answered, e.g. `role-not-allowed`, `not-found` */
  reason: string;
  status: number;
  method: string;
  /** the route's pattern, e.g. `/api/agreements/:id/suspend`: the same refusal on many ids counts together */
  route: string;
}

/** Refusals of one kind in one window. */
interface Tally {
  refusal: Refusal;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

export const REFUSAL_WINDOW_MS = 60_000;

/**
 * Audits refusals without letting a flood of them flood the chain: the refusals of one actor, reason and route in a
 * window (a minute from the first) make one entry with their count, written when the window closes. Only the route's
 * pattern is kept, never the path asked for: that may hold anything, a personnummer too.
 */
@Injectable()
export class RefusalAudit implements OnModuleDestroy {
  private readonly logger = new Logger('refusals');
  private tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly audit: AuditLog) {}

  record(refusal: Refusal, now = new Date()): void {
    const key = JSON.stringify([refusal.actor, refusal.organisation, refusal.reason, refusal.method, refusal.route]);
    const tally = this.tallies.get(key);
    if (tally) {
      tally.count++;
      tally.lastAt = now;
    } else {
      this.tallies.set(key, { refusal, count: 1, firstAt: now, lastAt: now });
    }
    // one timer per window, not per refusal; it does not hold the process open
    this.timer ??= setTimeout(() => void this.flush(), REFUSAL_WINDOW_MS).unref();
  }

  /** Writes what the window holds; at the window's end, and when the hub stops. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const tallies = [...this.tallies.values()];
    this.tallies = new Map();
    await Promise.all(
      tallies.map(({ refusal, count, firstAt, lastAt }) =>
        this.audit
          .append({
            kind: 'refusal',
            actorKind: 'staff',
            actor: refusal.actor,
            organisation: refusal.organisation,
            unit: refusal.unit ?? null,
            outcome: refusal.reason,
            details: {
              status: refusal.status,
              method: refusal.method,
              route: refusal.route,
              count,
              firstAt: firstAt.toISOString(),
              lastAt: lastAt.toISOString(),
            },
          })
          .catch((err: Error) =>
            this.logger.error(`${count} refusals of ${refusal.actor} (${refusal.reason}) not audited: ${err.message}`),
          ),
      ),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}
