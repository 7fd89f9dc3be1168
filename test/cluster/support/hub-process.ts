import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_AUTH } from '../../support/hub.js';

export interface HubProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown hook runs */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A hub instance as its own process, from the build (`npm run build`), as it runs in production; it trusts the tests'
 * token issuer. Resolves once `/health/ready` answers 200 (database and broker both reached).
 */
export async function startHubProcess(port: number, env: Record<string, string>): Promise<HubProcess> {
  const trust = TEST_AUTH.trust();
  const child = spawn('node', ['dist/apps/hub/src/main.js'], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_ISSUER: TEST_AUTH.issuer,
      AUTH_AUDIENCE: TEST_AUTH.audience,
      AUTH_JWKS_FILE: trust.jwksFile,
      DEMO_AGREEMENTS: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub on ${port} exited at start:\n${output}`);
    const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`hub on ${port} was not ready within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, output: () => output, kill: () => stop('SIGKILL'), close: () => stop('SIGTERM') };
}
