/**
 * Verifies the whole audit chain: `npm run audit:verify`. Reads DATABASE_URL (default the local `hub` database) and
 * AUDIT_SCHEMA (default `audit`); `--json` prints the result as JSON; `--anchor <seq>:<hash>` (repeatable) checks
 * the chain against heads published earlier. Exits 0 when the chain is intact, 1 naming the first broken row, 2 when
 * it could not verify at all.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { AuditLog, type ChainHead, type VerifyResult } from '../libs/audit/src/index.js';

export async function verifyAuditChain(
  databaseUrl: string,
  schema = 'audit',
  anchors: ChainHead[] = [],
): Promise<VerifyResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    return await new AuditLog(pool, { schema }).verify({ anchors });
  } finally {
    await pool.end();
  }
}

export function parseAnchors(args: readonly string[]): ChainHead[] {
  return args.flatMap((arg, i) => {
    if (arg !== '--anchor') return [];
    const match = /^(\d+):([0-9a-f]{64})$/.exec(args[i + 1] ?? '');
    if (!match) throw new Error('--anchor takes <seq>:<64 hex digits>');
    return [{ seq: Number(match[1]), hash: match[2]! }];
  });
}

export function describeVerification(result: VerifyResult): string {
  const head = result.head ? `head ${result.head.seq} ${result.head.hash}` : 'no chain head';
  if (result.ok) return `audit chain intact: ${result.rows} rows, ${head}`;
  const broken = result.firstBroken!;
  return (
    `audit chain BROKEN at seq ${broken.seq}: ${broken.reason} (${broken.detail}); ` +
    `${result.rows} rows intact before it, ${head}`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub';
  const schema = process.env.AUDIT_SCHEMA ?? 'audit';
  try {
    const result = await verifyAuditChain(databaseUrl, schema, parseAnchors(process.argv.slice(2)));
    console.log(process.argv.includes('--json') ? JSON.stringify(result) : describeVerification(result));
    process.exit(result.ok ? 0 : 1);
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
