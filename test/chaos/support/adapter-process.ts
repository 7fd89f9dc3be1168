import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_AUTH } from '../../support/hub.js';
import { rabbitmqctl } from './private-services.js';

export interface AdapterProcess {
  url: string;
  child: ChildProcess;
  /** the adapter's output so far, for a failing test to show */
  output(): string;
  /** SIGKILL: no shutdown hook runs, nothing in hand is finished or acknowledged */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An agency adapter as its own process, started from the build (`npm run build`), as it runs in production, so
 * that a test can kill it outright. Resolves once it is ready and has announced its catalogue.
 */
export async function startAdapterProcess(
  agency: 'fk' | 'af' | 'skv',
  port: number,
  env: Record<string, string> = {},
): Promise<AdapterProcess> {
  const trust = TEST_AUTH.trust();
  const child = spawn('node', [`dist/apps/adapter-${agency}/src/main.js`], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: String(port),
      AUTH_ISSUER: TEST_AUTH.issuer,
      AUTH_AUDIENCE: TEST_AUTH.audience,
      AUTH_JWKS_FILE: trust.jwksFile,
      CASEWORKER: 'manual',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // the process reads the keys at start; they go when it has exited, killed or closed
  child.once('exit', () => trust.release());
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!/catalogue announced/.test(output)) {
    if (child.exitCode !== null) throw new Error(`adapter-${agency} exited at start:\n${output}`);
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`adapter-${agency} did not start within a minute:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => output,
    kill: () => stop('SIGKILL'),
    close: () => stop('SIGTERM'),
  };
}

export interface QueueDepth {
  ready: number;
  unacknowledged: number;
  consumers: number;
}

/** What the broker holds for a queue: ready to deliver, delivered but not acknowledged, and its consumers. */
export async function queueDepth(vhost: string, queue: string): Promise<QueueDepth> {
  const { stdout } = await rabbitmqctl(
    'list_queues',
    '-p',
    vhost,
    '--no-table-headers',
    '-q',
    'name',
    'messages_ready',
    'messages_unacknowledged',
    'consumers',
  );
  const line = stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find(([name]) => name === queue);
  if (!line) return { ready: 0, unacknowledged: 0, consumers: 0 };
  return { ready: Number(line[1]), unacknowledged: Number(line[2]), consumers: Number(line[3]) };
}
