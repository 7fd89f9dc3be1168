import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DATABASE_URL, waitFor } from '../support/env.js';
import {
  appServices,
  containerEnv,
  readCompose,
  readDockerfile,
  ROOT,
  scratchDeployment,
  type ComposeFile,
} from './deployment-files.js';

/** Ports of this suite's own (3400–3449), so that its processes never meet `npm start`'s or another suite's. */
const FIRST_PORT = Number(process.env.DEPLOY_TEST_FIRST_PORT ?? 3400);
/** Nothing listens here: the apps must start without the identity provider, as they do before Keycloak is up. */
const ABSENT_ISSUER_PORT = FIRST_PORT + 49;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The container's environment as this machine would give it: the compose service names become the local broker
 * (the tests' vhost, with the broker users `npm run setup` made) and database; everything else is left as it is.
 */
function localEnv(containerSettings: Record<string, string>, port: number): NodeJS.ProcessEnv {
  const translated: Record<string, string> = { ...containerSettings };
  translated.AMQP_URL = process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672/hub_test';
  translated.DATABASE_URL = DATABASE_URL;
  // this machine's broker users have the passwords `npm run setup` gave them (var/secrets), and its keys are var/keys
  delete translated.AMQP_PASSWORD;
  translated.KEYS_DIR = join(ROOT, 'var/keys');
  translated.HOST = '127.0.0.1';
  translated.PORT = String(port);
  for (const name of ['AUTH_ISSUER', 'AUTH_JWKS_URL', 'PUBLIC_URL']) {
    if (!translated[name]) continue;
    const url = new URL(translated[name]);
    url.hostname = '127.0.0.1';
    url.port = String(name === 'PUBLIC_URL' ? port : ABSENT_ISSUER_PORT);
    translated[name] = url.href.replace(/\/$/, '');
  }
  return { PATH: process.env.PATH, ...translated };
}

interface Started {
  name: string;
  child: ChildProcess;
  port: number;
  output: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('the images start commands, outside Docker', () => {
  let compose: ComposeFile;
  let deployment: { root: string; secrets: Record<string, string> };
  const started: Started[] = [];

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/apps/hub/src/main.js'))) {
      throw new Error('no dist/: run through npm run test:integration (which builds), or npm run build first');
    }
    compose = readCompose();
    deployment = scratchDeployment();
  });

  afterAll(async () => {
    for (const { child } of started) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(deployment.root, { recursive: true, force: true });
  });

  it('runs each app service command until its health check says ready, then stops it on SIGTERM', async () => {
    const stages = readDockerfile();
    const names = appServices(compose);
    for (const [index, name] of names.entries()) {
      const service = compose.services[name];
      const command = service.command!;
      expect(command).toEqual(stages.get(service.build!.target!)!.cmd);
      const port = FIRST_PORT + index;
      expect({ port, free: await portIsFree(port) }).toEqual({ port, free: true });
      const child = spawn(command[0], command.slice(1), {
        cwd: ROOT,
        env: localEnv(containerEnv(service, deployment.root), port),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      started.push({ name, child, port, output, exit });
    }

    // ready = the image's own HEALTHCHECK command succeeds against it
    const healthcheck = stages.get('runtime')!.healthcheck!;
    for (const { name, child, port, output } of started) {
      await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output.join('')}`);
          const probe = spawnSync(healthcheck[0], healthcheck.slice(1), {
            cwd: ROOT,
            env: { PATH: process.env.PATH, PORT: String(port) },
          });
          return probe.status === 0;
        },
        180_000,
        `${name} to be ready on port ${port}`,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; its output:\n${output.join('').slice(-4_000)}`);
      });
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect({ name, status: ready.status, body: await ready.json() }).toEqual({
        name,
        status: 200,
        body: { status: 'ok', database: 'ok', broker: 'ok' },
      });
    }

    for (const { child } of started) child.kill('SIGTERM');
    for (const { name, exit, output } of started) {
      const timeout = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000));
      const result = await Promise.race([exit, timeout]);
      // Nest closes the app on SIGTERM (consumers, broker, database), then lets the signal end the process
      expect({ name, result }).toEqual({ name, result: { code: null, signal: 'SIGTERM' } });
      expect(output.join('')).not.toMatch(/invalid configuration|Error:/);
    }
  }, 300_000);

  it('answers with a failing health check where nothing is listening', () => {
    const healthcheck = readDockerfile().get('runtime')!.healthcheck!;
    const probe = spawnSync(healthcheck[0], healthcheck.slice(1), {
      cwd: ROOT,
      env: { PATH: process.env.PATH, PORT: String(ABSENT_ISSUER_PORT) },
    });
    expect(probe.status).toBe(1);
  });
});
