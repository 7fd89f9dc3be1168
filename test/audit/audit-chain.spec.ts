import pg from 'pg';
import { AuditLog, AuditEntryError, GENESIS_HASH, entryHash } from '@hub/audit';
import { databasePool } from '@hub/database';
import { DATABASE_URL, testPool } from '../support/env.js';
import { freshLog, queryEntry } from './audit-fixtures.js';

const SCHEMA = 'audit_test_chain';

describe('audit chain on PostgreSQL: appends, concurrency, append-only guard', () => {
  const pool = testPool();
  let log: AuditLog;

  beforeEach(async () => {
    log = await freshLog(pool, SCHEMA);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await pool.end();
  });

  it('verifies an empty chain', async () => {
    await expect(log.verify()).resolves.toEqual({ ok: true, rows: 0, head: { seq: 0, hash: GENESIS_HASH } });
  });

  it('appends entries as a chain from the genesis hash and verifies it', async () => {
    const appended = [];
    for (let i = 0; i < 5; i++) appended.push(await log.append(queryEntry(i)));
    expect(appended.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5]);

    const { rows } = await pool.query(`SELECT seq::int, prev_hash, hash FROM ${SCHEMA}.entry ORDER BY seq`);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(rows.map((r) => r.hash)).toEqual(appended.map((a) => a.hash));

    const result = await log.verify();
    expect(result).toEqual({ ok: true, rows: 5, head: { seq: 5, hash: appended[4]!.hash } });
    await expect(log.head()).resolves.toEqual({ seq: 5, hash: appended[4]!.hash });
  });

  it.each([
    ['read under lock', 0],
    ['chained on in one round trip', 1],
  ])('stores exactly what it hashed, %s: every field reads back and rehashes to the stored hash', async (_, before) => {
    let prevHash = GENESIS_HASH;
    for (let i = 0; i < before; i++) prevHash = (await log.append(queryEntry(i))).hash;
    const entry = queryEntry(1, {
      subjectKey: log.subjectKey('19121212-1212'),
      protectedIdentity: true,
      details: {
        justification: 'Åsa: "hot" mot\nhandläggare 😀, O\'Brien, C:\\väg\\ och \\u0041',
        nested: { z: [1e21, 0.1, -0, null], a: true },
      },
    });
    const appended = await log.append(entry);
    const [stored] = await log.accessReport(log.subjectKey('191212121212'));
    expect(stored).toMatchObject({
      seq: before + 1,
      at: appended.at,
      kind: 'query',
      protectedIdentity: true,
      details: {
        justification: 'Åsa: "hot" mot\nhandläggare 😀, O\'Brien, C:\\väg\\ och \\u0041',
        nested: { z: [1e21, 0.1, 0, null], a: true },
      },
    });
    expect(entryHash({ ...stored!, prevHash })).toBe(appended.hash);
    expect(appended.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('gives 32 concurrent writers on two instances one unbroken chain, no seq twice or missing', async () => {
    const otherPool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
    const other = new AuditLog(otherPool, { schema: SCHEMA, maxBatch: 50 });
    await other.migrate();
    const writers = 32;
    const perWriter = 150;
    try {
      const results = await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const instance = w % 2 === 0 ? log : other;
          const seqs: number[] = [];
          for (let i = 0; i < perWriter; i++) seqs.push((await instance.append(queryEntry(w * 1000 + i))).seq);
          return seqs;
        }),
      );
      const total = writers * perWriter;
      const all = results.flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      for (const seqs of results) expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

      const { rows } = await pool.query(
        `SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct_seq, min(seq)::int AS lo,
           max(seq)::int AS hi, count(DISTINCT prev_hash)::int AS distinct_prev FROM ${SCHEMA}.entry`,
      );
      expect(rows[0]).toEqual({ n: total, distinct_seq: total, lo: 1, hi: total, distinct_prev: total });
      const atOrder = await pool.query(
        `SELECT count(*)::int AS n FROM (SELECT at < lag(at) OVER (ORDER BY seq) AS back FROM ${SCHEMA}.entry) t
         WHERE back`,
      );
      expect(atOrder.rows[0].n).toBe(0);
      await expect(log.verify()).resolves.toMatchObject({ ok: true, rows: total });
    } finally {
      await otherPool.end();
    }
  }, 120_000);

  it('chains on after another instance moved the head since this one last wrote it', async () => {
    const otherPool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    const other = new AuditLog(otherPool, { schema: SCHEMA });
    try {
      const seqs = [];
      for (const [i, instance] of [log, log, other, log, other, other, log].entries()) {
        seqs.push((await instance.append(queryEntry(i))).seq);
      }
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const { rows } = await pool.query(`SELECT correlation_id FROM ${SCHEMA}.entry ORDER BY seq`);
      expect(rows.map((r) => r.correlation_id)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `corr-${i}`));
      await expect(log.verify()).resolves.toMatchObject({ ok: true, rows: 7 });
    } finally {
      await otherPool.end();
    }
  });

  it('keeps one whole chain when its connections are killed under batches on their way', async () => {
    // as the services make theirs: a lost connection is an error for its query, not for the process
    const killable = databasePool(
      { connectionString: DATABASE_URL, max: 4, application_name: 'audit-kill-test' },
      { warn: () => undefined },
    );
    const victim = new AuditLog(killable, { schema: SCHEMA });
    try {
      let stop = false;
      const settled: Array<PromiseSettledResult<{ seq: number; hash: string }>> = [];
      const writers = Array.from({ length: 16 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          settled.push(
            await victim.append(queryEntry(w * 100_000 + i)).then(
              (value) => ({ status: 'fulfilled' as const, value }),
              (reason: unknown) => ({ status: 'rejected' as const, reason }),
            ),
          );
        }
      });
      for (let kill = 0; kill < 5; kill++) {
        await new Promise((r) => setTimeout(r, 150));
        await pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'audit-kill-test'`,
        );
      }
      await new Promise((r) => setTimeout(r, 150));
      stop = true;
      await Promise.all(writers);

      const fulfilled = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      expect(settled.some((s) => s.status === 'rejected')).toBe(true);
      expect(fulfilled.length).toBeGreaterThan(100);
      // every append answered as written is there, as answered; the chain has no gap and no fork
      const { rows } = await pool.query<{ seq: number; hash: string }>(
        `SELECT seq::int, hash FROM ${SCHEMA}.entry WHERE seq = ANY($1::bigint[])`,
        [fulfilled.map((f) => f.seq)],
      );
      expect(new Map(rows.map((r) => [r.seq, r.hash]))).toEqual(new Map(fulfilled.map((f) => [f.seq, f.hash])));
      await expect(log.verify()).resolves.toMatchObject({ ok: true });
      // and it goes on appending after the kills
      await expect(victim.append(queryEntry(1))).resolves.toMatchObject({ seq: expect.any(Number) });
    } finally {
      await killable.end();
    }
  }, 60_000);

  it('verifies a consistent snapshot while appends go on', async () => {
    for (let i = 0; i < 100; i++) await log.append(queryEntry(i));
    let stop = false;
    const appending = (async () => {
      let n = 0;
      while (!stop) await Promise.all(Array.from({ length: 8 }, () => log.append(queryEntry(n++))));
      return n;
    })();
    const verifications = [];
    for (let i = 0; i < 5; i++) verifications.push(await log.verify());
    stop = true;
    await appending;
    for (const v of verifications) expect(v.ok).toBe(true);
    expect((await log.verify()).ok).toBe(true);
  });

  it('rejects an invalid entry at once without failing the batch it would have joined', async () => {
    const results = await Promise.allSettled([
      log.append(queryEntry(1)),
      log.append(queryEntry(2, { subjectKey: '191212121212' })),
      log.append(queryEntry(3, { unit: 'bad\u0000unit' })),
      log.append(queryEntry(4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(AuditEntryError);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, rows: 2 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries and moving the head anywhere but forward', async () => {
    for (let i = 0; i < 3; i++) await log.append(queryEntry(i));
    await expect(pool.query(`UPDATE ${SCHEMA}.entry SET outcome = 'ok' WHERE seq = 2`)).rejects.toThrow(
      /append-only: UPDATE/,
    );
    await expect(pool.query(`DELETE FROM ${SCHEMA}.entry WHERE seq = 3`)).rejects.toThrow(/append-only: DELETE/);
    await expect(pool.query(`TRUNCATE ${SCHEMA}.entry`)).rejects.toThrow(/append-only: TRUNCATE/);
    await expect(pool.query(`UPDATE ${SCHEMA}.chain_head SET seq = 2`)).rejects.toThrow(/only moves forward/);
    await expect(pool.query(`UPDATE ${SCHEMA}.chain_head SET seq = 9`)).rejects.toThrow(/only moves forward/);
    await expect(pool.query(`DELETE FROM ${SCHEMA}.chain_head`)).rejects.toThrow(/append-only: DELETE/);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, rows: 3 });
  });

  it('migrates idempotently, also from several instances at once', async () => {
    await Promise.all([log.migrate(), log.migrate(), new AuditLog(pool, { schema: SCHEMA }).migrate()]);
    await log.append(queryEntry(1));
    await expect(log.verify()).resolves.toMatchObject({ ok: true, rows: 1 });
  });

  it('measures append throughput with 32 concurrent writers (reported, not asserted)', async () => {
    const writers = 32;
    const perWriter = 400;
    for (let i = 0; i < 100; i++) await log.append(queryEntry(i));
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await log.append(queryEntry(w * 1000 + i));
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rate = Math.round((writers * perWriter) / seconds);
    console.log(`audit append: ${writers * perWriter} rows, ${writers} writers, ${rate} rows/s durable`);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, rows: 100 + writers * perWriter });
  }, 120_000);
});
