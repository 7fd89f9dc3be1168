/**
 * Verifies the whole audit chain: `npm run audit:verify`. Reads DATABASE_URL (default the local `hub` database) and
 * AUDIT_SCHEMA (default `audit`); `--json` prints the result as JSON; `--anchor <seq>:<hash>` (repeatable) checks
 * the chain against heads published earlier. Against checkpoints the agencies witnessed (repeatable, each reported
 * ok, truncated or forked): `--checkpoint '{"position":…,"hash":"…"}'`, or `--witness <adapter url>`, which takes
 * the latest checkpoint the agency's adapter holds (GET /api/audit-checkpoints/latest, with WITNESS_TOKEN as bearer
 * token: the adapter's METRICS_TOKEN or an access token of the agency's auditor) and checks the hub's signature on
 * it with the public keys in KEYS_DIR (default var/keys). Exits 0 when the chain is intact and matches every
 * checkpoint, 1 naming what is broken, 2 when it could not verify at all. It also lists the periods of subject keys
 * (docs/gallring.md): which are shredded, so that their entries, intact in the chain, lead to nobody.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import {
  AuditLog,
  CHECKPOINT_HASH,
  verifyOutcome,
  type ChainHead,
  type Checkpoint,
  type SubjectPeriod,
  type VerifyResult,
} from '../libs/audit/src/index.js';
import { KeyDirectory } from '../libs/messaging/src/key-directory.js';

/** A checkpoint and who holds it, e.g. the adapter it was taken from. */
export interface WitnessedCheckpoint extends Checkpoint {
  witness: string;
}

export interface ChainVerification extends VerifyResult {
  /** the periods of subject keys, oldest first; none in a log from before they were introduced */
  subjectPeriods: SubjectPeriod[];
}

export async function verifyAuditChain(
  databaseUrl: string,
  schema = 'audit',
  anchors: ChainHead[] = [],
  checkpoints: WitnessedCheckpoint[] = [],
): Promise<ChainVerification> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const log = new AuditLog(pool, { schema });
    const result = await log.verify({ anchors, checkpoints });
    const subjectPeriods = await log.subjectPeriods({ countEntries: true }).catch((err: { code?: string }) => {
      if (err.code === '42P01') return [];
      throw err;
    });
    return { ...result, subjectPeriods };
  } finally {
    await pool.end();
  }
}

/** One line per period of subject keys: in use, or shredded and since when. */
export function describeSubjectPeriods(periods: readonly SubjectPeriod[]): string[] {
  if (periods.length === 0) return [];
  const shredded = periods.filter((p) => p.shreddedAt !== null);
  return [
    `subject key periods: ${periods.length}, ${shredded.length} shredded`,
    ...periods.map((p) => {
      const entries = p.entries === undefined ? '' : `, ${p.entries} entries with a subject key`;
      return p.shreddedAt === null
        ? `  ${p.period}: in use${entries}`
        : `  ${p.period}: SHREDDED at ${p.shreddedAt}${entries}, linked to nobody`;
    }),
  ];
}

export function parseAnchors(args: readonly string[]): ChainHead[] {
  return args.flatMap((arg, i) => {
    if (arg !== '--anchor') return [];
    const match = /^(\d+):([0-9a-f]{64})$/.exec(args[i + 1] ?? '');
    if (!match) throw new Error('--anchor takes <seq>:<64 hex digits>');
    return [{ seq: Number(match[1]), hash: match[2]! }];
  });
}

/** `--checkpoint '<json>'`: an object with `position` and `hash`, as an adapter's /api/audit-checkpoints/latest has. */
export function parseCheckpoints(args: readonly string[]): WitnessedCheckpoint[] {
  const values = args.flatMap((arg, i) => (arg === '--checkpoint' ? [args[i + 1] ?? ''] : []));
  return values.map((text, n) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error('--checkpoint takes JSON: {"position": <entries>, "hash": "<64 hex digits>"}');
    }
    return { ...checkpointOf(value, '--checkpoint'), witness: `checkpoint ${n + 1}` };
  });
}

export function witnessUrls(args: readonly string[]): string[] {
  return args.flatMap((arg, i) => {
    if (arg !== '--witness') return [];
    const url = URL.parse(args[i + 1] ?? '');
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new Error('--witness takes the http(s) URL of an agency adapter');
    }
    return [url.href.replace(/\/+$/, '')];
  });
}

function checkpointOf(value: unknown, where: string): Checkpoint {
  const { position, hash } = (value ?? {}) as { position?: unknown; hash?: unknown };
  if (
    !Number.isSafeInteger(position) ||
    (position as number) < 0 ||
    typeof hash !== 'string' ||
    !CHECKPOINT_HASH.test(hash)
  ) {
    throw new Error(`${where}: a checkpoint needs a whole position ≥ 0 and a hash of 64 hex digits`);
  }
  return { position: position as number, hash };
}

/**
 * The latest checkpoint an agency's adapter holds, after checking that the hub signed it: the witness's copy is
 * trusted to be what the hub published, not taken on the witness's word.
 */
export async function fetchWitnessCheckpoint(
  adapterUrl: string,
  options: { token?: string; keys: KeyDirectory },
): Promise<WitnessedCheckpoint> {
  const response = await fetch(`${adapterUrl}/api/audit-checkpoints/latest`, {
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
  if (!response.ok) throw new Error(`${adapterUrl} answered ${response.status} for its latest audit checkpoint`);
  const held = (await response.json()) as {
    position?: unknown;
    hash?: unknown;
    message?: { body?: string; signature?: string; sender?: string };
  };
  const checkpoint = checkpointOf(held, adapterUrl);
  const body = Buffer.from(held.message?.body ?? '', 'base64');
  const sender = String(held.message?.sender ?? '');
  const verified = options.keys.archivedVerifier().verify(body, held.message?.signature, sender);
  if (!verified.ok) throw new Error(`${adapterUrl}: the checkpoint's signature does not hold: ${verified.reason}`);
  const signed = JSON.parse(body.toString('utf8')) as { type?: string; payload?: unknown };
  const inBody = checkpointOf(signed.payload, adapterUrl);
  if (
    signed.type !== 'audit.checkpoint.v1' ||
    inBody.position !== checkpoint.position ||
    inBody.hash !== checkpoint.hash
  ) {
    throw new Error(`${adapterUrl}: the checkpoint does not match the signed message it came with`);
  }
  return { ...checkpoint, witness: `${adapterUrl} (signed by ${sender})` };
}

export function describeVerification(
  result: VerifyResult & { subjectPeriods?: SubjectPeriod[] },
  witnesses: readonly WitnessedCheckpoint[] = [],
): string {
  const head = result.head ? `head ${result.head.seq} ${result.head.hash}` : 'no chain head';
  const checks = result.checkpoints ?? [];
  const lines = checks.map(
    (check, i) =>
      `  ${check.outcome.toUpperCase()} against ${witnesses[i]?.witness ?? 'a checkpoint'}: ${check.detail}`,
  );
  const outcome = verifyOutcome(result.firstBroken?.reason, checks);
  let summary: string;
  if (result.ok && outcome === 'ok') summary = `audit chain intact: ${result.rows} rows, ${head}`;
  else if (result.ok)
    summary = `audit log ${outcome.toUpperCase()}: the chain is intact (${result.rows} rows, ${head}) but does not hold a witnessed checkpoint`;
  else {
    const broken = result.firstBroken!;
    summary =
      `audit chain BROKEN at seq ${broken.seq}: ${broken.reason} (${broken.detail}); ` +
      `${result.rows} rows intact before it, ${head}`;
  }
  return [summary, ...lines, ...describeSubjectPeriods(result.subjectPeriods ?? [])].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub';
  const schema = process.env.AUDIT_SCHEMA ?? 'audit';
  const args = process.argv.slice(2);
  try {
    const keys = new KeyDirectory(process.env.KEYS_DIR ?? 'var/keys');
    const witnessed = await Promise.all(
      witnessUrls(args).map((url) => fetchWitnessCheckpoint(url, { token: process.env.WITNESS_TOKEN, keys })),
    );
    const checkpoints = [...parseCheckpoints(args), ...witnessed];
    const result = await verifyAuditChain(databaseUrl, schema, parseAnchors(args), checkpoints);
    const outcome = verifyOutcome(result.firstBroken?.reason, result.checkpoints ?? []);
    console.log(
      args.includes('--json') ? JSON.stringify({ ...result, outcome }) : describeVerification(result, checkpoints),
    );
    process.exit(result.ok && outcome === 'ok' ? 0 : 1);
  } catch (err) {
    const missing = (err as { code?: string }).code === '42P01';
    console.error(
      missing
        ? `no audit log in ${new URL(databaseUrl).pathname.slice(1)} (schema ${schema}): nothing has been audited yet`
        : `could not verify the audit chain: ${(err as Error).message}`,
    );
    process.exit(2);
  }
}
