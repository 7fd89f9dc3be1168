import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import { SERVICE_NODE_ARGS } from '../../scripts/service-runtime.js';
import { delay } from './scatter-gather.js';

export interface BenchStaff {
  id: string;
  organisation: string;
  unit?: string;
  roles: readonly string[];
}

/**
 * The bench's own token issuer: an ES256 key in a temporary folder whose JWKS file the hub it starts trusts
 * (`hubEnv`), so that a bench needs no identity provider. `dispose()` removes the folder.
 */
export class BenchIssuer {
  readonly issuer = 'https://idp.bench.invalid';
  readonly audience = 'samtjanst-hub';
  /** a temporary folder of the bench's own, removed by `dispose()` */
  readonly dir: string;
  private readonly privateKey: KeyObject;

  constructor(name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `hub-bench-${name}-`));
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' };
    writeFileSync(join(this.dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
  }

  hubEnv(): Record<string, string> {
    return { AUTH_ISSUER: this.issuer, AUTH_AUDIENCE: this.audience, AUTH_JWKS_FILE: join(this.dir, 'jwks.json') };
  }

  token(staff: BenchStaff, expiresIn = '2h'): Promise<string> {
    return new SignJWT({ name: staff.id, organisation: staff.organisation, unit: staff.unit, roles: staff.roles })
      .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
      .setSubject(staff.id)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(this.privateKey);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One of the system's services as its own process (`node dist/...`, as in production), logging to `<logDir>/<name>.log`. */
export function spawnService(logDir: string, name: string, script: string, env: Record<string, string>): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, resolve(script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(logDir, `${name}.log`));
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

/** Waits until `url` answers 2xx; fails at once when the service exits, naming its log. */
export async function untilReady(
  child: ChildProcess,
  url: string,
  logFile: string,
  timeoutMs = 180_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (
    !(await fetch(url).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null) throw new Error(`${url}: the service exited; see ${logFile}`);
    if (Date.now() > until) throw new Error(`${url}: the service did not get ready`);
    await delay(200);
  }
}

export async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export interface SequentialStep {
  name: string;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  wrong: number;
}

/**
 * GETs one at a time with the given headers (a bearer token or a session cookie): the time a person waits for a
 * page, without queueing behind other requests. An answer is wrong unless it is 200 and `check` takes its body.
 */
export function sequentialGets(base: string, headers: Record<string, string>) {
  return async (
    name: string,
    path: string,
    count: number,
    check?: (body: unknown) => boolean,
  ): Promise<SequentialStep> => {
    const latencies: number[] = [];
    let wrong = 0;
    for (let i = 0; i < count; i++) {
      const sent = performance.now();
      const response = await fetch(`${base}${path}`, { headers });
      const body: unknown = await response.json();
      latencies.push(performance.now() - sent);
      if (response.status !== 200 || (check && !check(body))) wrong++;
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
    return { name, requests: count, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1), wrong };
  };
}
