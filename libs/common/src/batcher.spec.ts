import { Batcher } from './batcher.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A batch function that records its batches and finishes each when the test says so. */
function controlled() {
  const batches: { items: number[]; done: ReturnType<typeof deferred<number[]>> }[] = [];
  const run = (items: number[]) => {
    const done = deferred<number[]>();
    batches.push({ items, done });
    return done.promise;
  };
  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  };
  return { batches, run, settle };
}

describe('Batcher', () => {
  it('puts what is added in one turn of the event loop in one batch, and answers each caller its own result', async () => {
    const batcher = new Batcher((items: number[]) => Promise.resolve(items.map((n) => n * 10)));
    await expect(Promise.all([1, 2, 3].map((n) => batcher.add(n)))).resolves.toEqual([10, 20, 30]);
  });

  it('with concurrency 1, queues what comes while a batch is in flight and sends it together afterwards', async () => {
    const { batches, run, settle } = controlled();
    const batcher = new Batcher(run);
    const first = batcher.add(1);
    await settle();
    const later = [batcher.add(2), batcher.add(3)];
    await settle();
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    batches[0]!.done.resolve([1]);
    await settle();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3]]);
    batches[1]!.done.resolve([2, 3]);
    await expect(Promise.all([first, ...later])).resolves.toEqual([1, 2, 3]);
  });

  it('runs up to `concurrency` batches at once', async () => {
    const { batches, run, settle } = controlled();
    const batcher = new Batcher(run, { concurrency: 2 });
    const all = [batcher.add(1)];
    await settle();
    all.push(batcher.add(2));
    await settle();
    all.push(batcher.add(3));
    await settle();
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[0]!.done.resolve([1]);
    await settle();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3]]);
    batches[1]!.done.resolve([2]);
    batches[2]!.done.resolve([3]);
    await expect(Promise.all(all)).resolves.toEqual([1, 2, 3]);
  });

  it('cuts batches at maxBatch', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher(
      (items: number[]) => {
        sizes.push(items.length);
        return Promise.resolve(items);
      },
      { maxBatch: 2, concurrency: 5 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('rejects the callers of a failed batch only, and goes on with the next', async () => {
    const { batches, run, settle } = controlled();
    const batcher = new Batcher(run);
    const failed = batcher.add(1);
    await settle();
    const next = batcher.add(2);
    batches[0]!.done.reject(new Error('connection lost'));
    await expect(failed).rejects.toThrow('connection lost');
    await settle();
    batches[1]!.done.resolve([2]);
    await expect(next).resolves.toBe(2);
  });

  it('flush waits for every batch, queued ones included', async () => {
    const { batches, run, settle } = controlled();
    const batcher = new Batcher(run);
    void batcher.add(1);
    await settle();
    void batcher.add(2);
    let flushed = false;
    const flushing = batcher.flush().then(() => (flushed = true));
    batches[0]!.done.resolve([1]);
    await settle();
    expect(flushed).toBe(false);
    batches[1]!.done.resolve([2]);
    await flushing;
    expect(flushed).toBe(true);
    await expect(new Batcher(run).flush()).resolves.toBeUndefined();
  });

  it('refuses nonsense limits', () => {
    expect(() => new Batcher(async () => undefined, { maxBatch: 0 })).toThrow('maxBatch');
    expect(() => new Batcher(async () => undefined, { concurrency: 0 })).toThrow('concurrency');
  });
});
