/**
 * `npm start`: the whole hub on this machine — the development identity provider, the mock e-legitimation provider
 * (apps/eid-provider), a mail catcher for the monthly reports, every agency adapter of apps/adapter-*
 * (scripts/adapters.ts) and the hub — against the local RabbitMQ and PostgreSQL (prepared by `npm run setup`). Each
 * service runs as its own process, as it would in production; their output is prefixed with their name. Ctrl-C stops
 * them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { discoverAdapters } from './adapters.js';
import { SERVICE_NODE_ARGS } from './service-runtime.js';

interface Service {
  name: string;
  entry: string;
  env: Record<string, string>;
  ready: string;
}

const HUB_PORT = process.env.PORT ?? '3000';
const IDP_PORT = process.env.IDP_PORT ?? '3100';
const EID_PORT = process.env.EID_PORT ?? '3300';
const MAIL_SMTP_PORT = process.env.MAIL_SMTP_PORT ?? '2525';
const MAIL_HTTP_PORT = process.env.MAIL_HTTP_PORT ?? '3900';
const ADAPTERS = discoverAdapters();

const SERVICES: Service[] = [
  {
    name: 'idp',
    entry: 'dist/apps/oidc-provider/src/main.js',
    env: { PORT: IDP_PORT, HUB_URL: `http://127.0.0.1:${HUB_PORT}` },
    ready: `http://127.0.0.1:${IDP_PORT}/.well-known/openid-configuration`,
  },
  {
    name: 'eid',
    entry: 'dist/apps/eid-provider/src/main.js',
    env: { PORT: EID_PORT, HUB_URL: `http://127.0.0.1:${HUB_PORT}` },
    ready: `http://127.0.0.1:${EID_PORT}/.well-known/openid-configuration`,
  },
  {
    name: 'mail',
    entry: 'dist/apps/mail-catcher/src/main.js',
    env: { MAIL_SMTP_PORT, MAIL_HTTP_PORT },
    ready: `http://127.0.0.1:${MAIL_HTTP_PORT}/health`,
  },
  ...ADAPTERS.map((adapter) => ({
    name: adapter.agency,
    entry: adapter.entry,
    env: { PORT: String(adapter.port), AUTH_ISSUER: `http://127.0.0.1:${IDP_PORT}` },
    ready: `http://127.0.0.1:${adapter.port}/health/ready`,
  })),
  {
    name: 'hub',
    entry: 'dist/apps/hub/src/main.js',
    env: {
      PORT: HUB_PORT,
      AUTH_ISSUER: `http://127.0.0.1:${IDP_PORT}`,
      EID_ISSUER: `http://127.0.0.1:${EID_PORT}`,
      DEMO_AGREEMENTS: process.env.DEMO_AGREEMENTS ?? 'true',
      SMTP_URL: process.env.SMTP_URL ?? `smtp://127.0.0.1:${MAIL_SMTP_PORT}`,
      REPORT_FROM: process.env.REPORT_FROM ?? 'Samtjänsthubben <rapporter@samtjanst.invalid>',
    },
    ready: `http://127.0.0.1:${HUB_PORT}/health/ready`,
  },
];

// The services' stdout is a pipe to this process: when a person watches this one, they log readable lines too
const terminal = process.stdout.isTTY === true && process.env.NODE_ENV !== 'production';
const FOR_A_PERSON: Record<string, string> =
  terminal && !process.env.LOG_FORMAT
    ? { LOG_FORMAT: 'pretty', ...(process.env.NO_COLOR === undefined ? { FORCE_COLOR: '1' } : {}) }
    : {};

const children = new Map<string, ChildProcess>();
let stopping = false;
let lastOutputAt = Date.now();

function run(service: Service): ChildProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, resolve(service.entry)], {
    env: { ...process.env, ...FOR_A_PERSON, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${service.name}]`.padEnd(6);
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`${prefix} ${line}\n`);
      lastOutputAt = Date.now();
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (!stopping) {
      console.error(`${prefix} stopped (${signal ?? `exit ${code}`}); stopping the others`);
      void stopAll(1);
    }
  });
  children.set(service.name, child);
  return child;
}

async function waitUntilReady(service: Service, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (stopping) return;
    const ok = await fetch(service.ready).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service.name} was not ready within ${timeoutMs / 1000} s (${service.ready})`);
}

/** Until the services have said nothing for a moment (the hub registers the demo agreements just after start). */
async function quiet(forMs = 1_000, atMostMs = 10_000): Promise<void> {
  const until = Date.now() + atMostMs;
  while (Date.now() - lastOutputAt < forMs && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}

async function stopAll(code: number): Promise<never> {
  stopping = true;
  const exits = [...children.values()].map(
    (child) =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  );
  await Promise.all(exits);
  process.exit(code);
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

try {
  const [idp, ...rest] = SERVICES;
  run(idp);
  await waitUntilReady(idp);
  for (const service of rest) run(service);
  await Promise.all(rest.map((s) => waitUntilReady(s)));
  await quiet();
  const hub = `http://127.0.0.1:${HUB_PORT}`;
  const bold = (text: string) => (terminal ? `\x1b[1m${text}\x1b[22m` : text);
  const inboxes = ADAPTERS.map(
    (a) => `${a.agency.toUpperCase()} http://127.0.0.1:${a.port}/inkorg${a.inboxUser ? ` (${a.inboxUser})` : ''}`,
  );
  const names = ADAPTERS.map((a) => a.name);
  console.log(`
${bold('The samtjänst hub is running.')}
  Web UI:        ${hub}   (password "demo" for every demo user)
                 anna.guide, erik.guide (guides), sam.soc (caseworker), maria.admin (admin),
                 fredrik.fk, alva.af, saga.skv (agency admins), ada.auditor (auditor), max.manager (manager)
  Inboxes:       ${inboxes.join('\n                 ')}
  API docs:      ${hub}/api/docs; each agency's at its inbox address's /api/docs
  Mail:          http://127.0.0.1:${MAIL_HTTP_PORT}/messages (the monthly reports the hub mails)
  Identity:      http://127.0.0.1:${IDP_PORT}
  E-legitimation: http://127.0.0.1:${EID_PORT} (mock: citizens sign consents at /app from the guide's QR code)
  Mina uppgifter: ${hub}/mina-uppgifter (a citizen's own pages: log in with a synthetic personnummer)
Demo agreements between Örebro kommun's servicecenter and ${names.slice(0, -1).join(', ')} and ${names.at(-1)} are
registered and approved as each adapter announces its catalogue (the [hub] ... [demo] lines).
Ctrl-C stops everything.`);
} catch (err) {
  console.error((err as Error).message);
  await stopAll(1);
}
