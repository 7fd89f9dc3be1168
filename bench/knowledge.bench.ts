/**
 * `npm run bench:knowledge`: knowledge-base search (issue 17, measure: p99 ≤ 30 ms over 5,000 articles). A
 * municipality of the bench's own database (`hub_bench`) gets 5,000 generated Swedish articles; the search's one SQL
 * statement (hub.search_articles: full-text search in Swedish, typos through the trigram word list, a shortlist ranked
 * with the topic boost, as GET /api/knowledge/search runs it) then answers a realistic mix of queries — whole words,
 * inflected words, typos, half-typed words, several words, a word most articles use, with and without a topic — one
 * after another and from 4 concurrent callers. Reported next to two baselines measured in the same run against the
 * same rows: a primary-key lookup round trip (the floor of any query) and the plain `ILIKE '%…%'` scan over title and
 * body a naive search would be. The three take turns in rounds (BENCH_KNOWLEDGE_ROUNDS), so that a machine shared with
 * other work slows them alike; each caller has a connection of its own, whose backend's CPU time per call is reported
 * too when PostgreSQL runs on this machine (a figure the other work on a shared machine hardly moves). It reports; it
 * is not a test.
 *
 *   npm run bench:knowledge
 *   BENCH_ROUNDS=4000 BENCH_KNOWLEDGE_ROUNDS=20 npm run bench:knowledge
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../apps/hub/src/database/migrations.js';
import { ArticleRepository } from '../apps/hub/src/knowledge/article.repository.js';
import { DEMO_ARTICLES } from '../apps/hub/src/knowledge/demo-articles.js';
import type { ArticleContent } from '../apps/hub/src/knowledge/knowledge.types.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub_bench';
/** Kumla kommun: a municipality of the bench's own */
const MUNICIPALITY = '2120001942';
const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 5_000);
/** calls of the search and of the key lookup per caller count; the ILIKE scan, a hundred times slower, makes fewer */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2_000);
const ILIKE_CALLS = Number(process.env.BENCH_ILIKE_CALLS ?? 200);
const TURNS = Number(process.env.BENCH_KNOWLEDGE_ROUNDS ?? 10);
const CONCURRENCY = 4;
const TARGET_P99_MS = 30;

const PLACES = [
  'Vivalla',
  'Brickebacken',
  'Adolfsberg',
  'Varberga',
  'Baronbackarna',
  'Mellringe',
  'Hovsta',
  'Glanshammar',
  'Odensbacken',
  'Garphyttan',
  'Lillån',
  'Rynninge',
  'Sörbyängen',
  'Ladugårdsängen',
  'Tybble',
  'Markbacken',
];
const ASPECTS = [
  'ansökan',
  'avgift',
  'handläggningstid',
  'regler',
  'överklagan',
  'blankett',
  'kontakt',
  'öppettider',
  'e-tjänst',
  'beslut',
  'ändring',
  'uppsägning',
];

/** Words any article may use; the topic's own words come from the demo article it is a variant of. */
const COMMON = (
  'kommunen invånare kontakta servicecenter telefon webbplats information gäller behöver måste kan ska inom dagar ' +
  'veckor vardagar handläggare beslut ansökan blankett uppgifter kontaktuppgifter legitimation adress fastighet ' +
  'vårdnadshavare hushåll avgift kostnad faktura betalning öppettider besök bokning tid hjälp stöd frågor svar'
).split(' ');
const topicWords = (a: (typeof DEMO_ARTICLES)[number]) =>
  `${a.title} ${a.standardAnswer} ${a.body ?? ''}`.split(/[^\p{L}-]+/u).filter((w) => w.length > 2);

function random(seed: number) {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

function generated(i: number, next: () => number): ArticleContent {
  const base = DEMO_ARTICLES[i % DEMO_ARTICLES.length]!;
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const own = topicWords(base);
  const words = Array.from({ length: 80 + Math.floor(next() * 120) }, () => pick(next() < 0.3 ? own : COMMON)).join(
    ' ',
  );
  return {
    topic: base.topic,
    owner: base.owner,
    title: `${base.title}: ${pick(ASPECTS)} i ${pick(PLACES)} (${i})`,
    standardAnswer: base.standardAnswer,
    shortAnswers: base.shortAnswers,
    body: `${base.body ?? ''} ${words}.`,
    links: base.links ?? [],
    reviewBy: next() < 0.1 ? '2020-01-31' : '2099-12-31',
  };
}

/** What guides type: whole and inflected words, typos, half-typed words, several words; a topic half of the time. */
const QUERIES: Array<[string, string | undefined]> = [
  ['bygglov', 'bygga-bo.bygglov'],
  ['bygglv', undefined],
  ['attefallshus', undefined],
  ['snöröjning', 'gata-park.snorojning'],
  ['snörjning', undefined],
  ['sophämtning missad tömning', 'vatten-avfall.sophamtning'],
  ['soptunna', undefined],
  ['sophäm', undefined],
  ['förskoleplats', 'skola.forskoleplats'],
  ['försk', undefined],
  ['skolskjuts avstånd', undefined],
  ['fardtjanst', undefined],
  ['färdtjänst läkarintyg', 'omsorg.fardtjanst'],
  ['ekonomiskt bistånd', 'omsorg.ekonomiskt-bistand'],
  ['gatubelysnig', undefined],
  ['trasig lampa', 'gata-park.gatubelysning'],
  ['vattenläcka', 'vatten-avfall.vattenlacka'],
  ['inget vatten', undefined],
  ['föräldrapenning', 'myndigheter.forsakringskassan'],
  ['bostadstillägg pension', undefined],
  ['flyttanmälan', 'myndigheter.skatteverket'],
  ['id-kort', undefined],
  ['lånekort bibliotek', undefined],
  ['parkeringstillstånd', undefined],
  ['hemtjänst Vivalla', undefined],
  ['serveringstillstånd', undefined],
  ['avgift', undefined],
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

interface Figures {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
  /** CPU time of the database backends per call, when they run on this machine (else undefined) */
  cpuMs: number | undefined;
}

/** A connection of its own per caller, and its backend's CPU time from /proc when PostgreSQL runs here. */
interface Caller {
  client: pg.Client;
  cpuMs: () => number | undefined;
}

async function caller(): Promise<Caller> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const stat = `/proc/${rows[0]!.pid}/stat`;
  const ticks = 100; // USER_HZ on Linux
  const cpuMs = () => {
    if (!existsSync(stat)) return undefined;
    const fields = readFileSync(stat, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  };
  return { client, cpuMs };
}

/** One measured variant: its latencies over all turns, the time and database CPU it spent. */
interface Variant {
  name: string;
  calls: number;
  once: (i: number, db: pg.Client) => Promise<unknown>;
  latencies: number[];
  seconds: number;
  cpuMs: number | undefined;
  done: number;
}

const cpuOf = (callers: Caller[]) =>
  callers.reduce<number | undefined>((sum, c) => {
    const ms = c.cpuMs();
    return sum === undefined || ms === undefined ? undefined : sum + ms;
  }, 0);

/** `calls` calls from the callers at once, each on its own connection. */
async function runCalls(variant: Variant, calls: number, callers: Caller[]): Promise<void> {
  let next = 0;
  const started = performance.now();
  const cpuBefore = cpuOf(callers);
  await Promise.all(
    callers.map(async ({ client }) => {
      while (next < calls) {
        const i = variant.done + next++;
        const t = performance.now();
        await variant.once(i, client);
        variant.latencies.push(performance.now() - t);
      }
    }),
  );
  variant.seconds += (performance.now() - started) / 1000;
  const cpuAfter = cpuOf(callers);
  variant.cpuMs =
    variant.cpuMs === undefined || cpuBefore === undefined || cpuAfter === undefined
      ? undefined
      : variant.cpuMs + cpuAfter - cpuBefore;
  variant.done += calls;
}

/** Each variant warmed up, then all of them in turns, a share of their calls each turn. */
async function measure(variants: Variant[], callers: Caller[]): Promise<Figures[]> {
  for (const variant of variants) {
    for (let i = 0; i < Math.min(200, Math.ceil(variant.calls / 10)); i++) await variant.once(i, callers[0]!.client);
  }
  for (let turn = 0; turn < TURNS; turn++) {
    for (const variant of variants) {
      const calls = Math.round((variant.calls * (turn + 1)) / TURNS) - Math.round((variant.calls * turn) / TURNS);
      await runCalls(variant, calls, callers);
    }
  }
  return variants.map((variant) => {
    const sorted = [...variant.latencies].sort((a, b) => a - b);
    return {
      name: variant.name,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      perSecond: variant.done / variant.seconds,
      cpuMs: variant.cpuMs === undefined ? undefined : variant.cpuMs / variant.done,
    };
  });
}

async function main(): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url: DATABASE_URL, migrations: MIGRATIONS });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();

  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: CONCURRENCY + 1 });
  const articles = new ArticleRepository(pool);
  await pool.query(
    `INSERT INTO hub.organisation (number, name, kind) VALUES ($1, 'Kumla kommun', 'municipality')
     ON CONFLICT DO NOTHING`,
    [MUNICIPALITY],
  );
  const { rows: counted } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM hub.article WHERE organisation = $1',
    [MUNICIPALITY],
  );
  if (counted[0]!.n !== ARTICLES) {
    const t = performance.now();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `DELETE FROM hub.article_version WHERE article_id IN (SELECT id FROM hub.article WHERE organisation = $1)`,
        [MUNICIPALITY],
      );
      await client.query('DELETE FROM hub.article WHERE organisation = $1', [MUNICIPALITY]);
      const next = random(17);
      for (let i = 0; i < ARTICLES; i++) await articles.insert(MUNICIPALITY, generated(i, next), 'bench', client);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await pool.query('ANALYZE hub.article');
    console.log(`wrote ${ARTICLES} articles in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const { rows: idRows } = await pool.query<{ id: string }>('SELECT id FROM hub.article WHERE organisation = $1', [
    MUNICIPALITY,
  ]);
  const ids = idRows.map((r) => r.id);
  const query = (i: number) => QUERIES[i % QUERIES.length]!;

  const found = await Promise.all(QUERIES.map(([q, topic]) => articles.search(MUNICIPALITY, q, topic, 5)));
  const empty = QUERIES.filter((_, i) => found[i]!.length === 0).map(([q]) => q);

  const results: Figures[] = [];
  for (const concurrency of [1, CONCURRENCY]) {
    const suffix = concurrency === 1 ? 'one caller' : `${concurrency} callers`;
    const callers = await Promise.all(Array.from({ length: concurrency }, caller));
    const variant = (name: string, calls: number, once: Variant['once']): Variant => ({
      name: `${name}, ${suffix}`,
      calls,
      once,
      latencies: [],
      seconds: 0,
      cpuMs: 0,
      done: 0,
    });
    results.push(
      ...(await measure(
        [
          variant('baseline: primary-key lookup', ROUNDS, (i, db) => articles.find(ids[i % ids.length]!, db)),
          variant('baseline: ILIKE scan of title and body', ILIKE_CALLS, (i, db) =>
            db.query(
              `SELECT id, title FROM hub.article WHERE organisation = $1
                 AND (title ILIKE '%' || $2 || '%' OR body ILIKE '%' || $2 || '%') LIMIT 5`,
              [MUNICIPALITY, query(i)[0]],
            ),
          ),
          variant('search (FTS swedish + trigram + topic)', ROUNDS, (i, db) =>
            articles.search(MUNICIPALITY, query(i)[0], query(i)[1], 5, db),
          ),
        ],
        callers,
      )),
    );
    await Promise.all(callers.map((c) => c.client.end()));
  }
  await pool.end();

  const pad = (s: string, n: number) => s.padEnd(n);
  const ms = (v: number) => v.toFixed(2).padStart(8);
  console.log(
    `\nknowledge-base search over ${ARTICLES} articles, ${ROUNDS} calls each (the ILIKE scan ${ILIKE_CALLS}), ` +
      `${QUERIES.length} queries, in ${TURNS} turns`,
  );
  console.log(
    `${pad('', 58)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'calls/s'.padStart(9)}` +
      'db CPU ms/call'.padStart(16),
  );
  for (const r of results) {
    console.log(
      `${pad(r.name, 58)}${ms(r.p50)}${ms(r.p95)}${ms(r.p99)}${r.perSecond.toFixed(0).padStart(9)}` +
        (r.cpuMs === undefined ? '-' : r.cpuMs.toFixed(2)).padStart(16),
    );
  }
  for (const concurrency of [0, 3]) {
    const [pk, ilike, search] = results.slice(concurrency, concurrency + 3) as [Figures, Figures, Figures];
    console.log(
      `${concurrency ? `${CONCURRENCY} callers` : 'one caller'}: search p99 ${search.p99.toFixed(2)} ms = ` +
        `${(search.p99 / pk.p99).toFixed(1)}× the primary-key lookup, ${(search.p99 / ilike.p99).toFixed(2)}× the ILIKE ` +
        `scan; target p99 ≤ ${TARGET_P99_MS} ms: ${search.p99 <= TARGET_P99_MS ? 'met' : 'MISSED'}`,
    );
  }
  if (empty.length) console.log(`queries that found nothing: ${empty.join(', ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
