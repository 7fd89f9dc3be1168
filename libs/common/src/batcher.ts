interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export interface BatcherOptions {
  /** most items in one batch; default 1000 */
  maxBatch?: number;
  /**
   * most batches in flight at once; default 1, which keeps batches in order (a write that must follow the one
   * before it). Reads may run several at a time, so that none waits for another's round trip.
   */
  concurrency?: number;
}

/**
 * Turns one database round trip per caller into one per batch: what callers add in the same turn of the event loop
 * goes together, and what comes while `concurrency` batches are in flight queues for the next. A lone caller waits
 * one turn of the event loop more than it would alone; under load the batches grow with the concurrency. Each
 * caller's promise settles with its own batch: its own result, or the batch's error.
 */
export class Batcher<T, R = void> {
  private queue: Pending<T, R>[] = [];
  private scheduled = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;

  /** `run` answers one result per item, in order (or nothing, when R is void). */
  constructor(
    private readonly run: (items: T[]) => Promise<R[] | void>,
    options: BatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.concurrency = options.concurrency ?? 1;
    if (!(this.maxBatch >= 1)) throw new Error('maxBatch must be at least 1');
    if (!(this.concurrency >= 1)) throw new Error('concurrency must be at least 1');
  }

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Waits until everything added so far is done (or has failed). */
  flush(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.concurrency) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.cut();
    });
  }

  private cut(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.runBatch(batch);
    }
  }

  private async runBatch(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve((results ? results[i] : undefined) as R));
    } catch (err) {
      batch.forEach((p) => p.reject(err));
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) this.schedule();
      else if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
