import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { httpAdapter } from '@hub/http';
import { Test } from '@nestjs/testing';
import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import type { StaffRole } from '@hub/contracts';
import { AppModule } from '../../apps/hub/src/app.module.js';
import { configureHub, MAX_BODY_BYTES } from '../../apps/hub/src/configure-hub.js';
import { MIGRATIONS } from '../../apps/hub/src/database/migrations.js';
import { DATABASE_URL, deleteQueues } from './env.js';
import { HUB_EVENTS_QUEUE } from '../../apps/hub/src/messaging/hub-queues.js';

const ISSUER = 'https://idp.test.invalid';
const AUDIENCE = 'samtjanst-hub';

/** A token issuer of the tests' own: the hub trusts its keys through AUTH_JWKS_FILE, as it would an OIDC provider's. */
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const JWKS = JSON.stringify({
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'test', alg: 'ES256', use: 'sig' }],
});

/** The issuer's JWKS file while a service started by the tests may read it, and how many such services are open. */
let trustedKeys: { dir: string; file: string; services: number } | undefined;

/** A service trusts the issuer for as long as it runs. */
export interface IssuerTrust {
  jwksFile: string;
  /** the service is closed: the file goes with the last service that held it (once per trust; more do nothing) */
  release(): void;
}

/**
 * Writes the issuer's JWKS to a temporary directory for a service that starts now, if no open service holds one
 * already; the directory is removed when the last of them is closed, so test runs leave no key directories behind.
 */
function trustIssuer(): IssuerTrust {
  if (!trustedKeys) {
    const dir = mkdtempSync(join(tmpdir(), 'hub-test-idp-'));
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JWKS);
    trustedKeys = { dir, file, services: 0 };
  }
  const held = trustedKeys;
  held.services += 1;
  let released = false;
  return {
    jwksFile: held.file,
    release() {
      if (released) return;
      released = true;
      held.services -= 1;
      if (held.services > 0) return;
      rmSync(held.dir, { recursive: true, force: true });
      if (trustedKeys === held) trustedKeys = undefined;
    },
  };
}

export interface TestUser {
  id?: string;
  name?: string;
  organisation: string;
  unit?: string;
  roles: StaffRole[];
}

/** Demo staff of SPEC section 2. */
export const USERS = {
  guide: {
    id: 'anna.guide',
    name: 'Anna Vägledare',
    organisation: '2120001967',
    unit: 'Servicecenter',
    roles: ['guide'],
  },
  caseworker: {
    id: 'sam.soc',
    name: 'Sam Socialsekreterare',
    organisation: '2120001967',
    unit: 'Servicecenter',
    roles: ['caseworker'],
  },
  municipalityAdmin: {
    id: 'maria.admin',
    name: 'Maria Admin',
    organisation: '2120001967',
    unit: 'Servicecenter',
    roles: ['admin'],
  },
  fkAdmin: { id: 'fredrik.fk', name: 'Fredrik FK', organisation: '2021005521', roles: ['agency-admin'] },
  afAdmin: { id: 'alva.af', name: 'Alva AF', organisation: '2021002114', roles: ['agency-admin'] },
  auditor: {
    id: 'ada.auditor',
    name: 'Ada Revisor',
    organisation: '2120001967',
    unit: 'Servicecenter',
    roles: ['auditor'],
  },
  /** of the organisation that runs the hub (HUB_OPERATOR_ORGANISATION's default, Digg) */
  operator: { id: 'olle.operator', name: 'Olle Operatör', organisation: '2021006883', roles: ['operator'] },
  manager: {
    id: 'max.manager',
    name: 'Max Chef',
    organisation: '2120001967',
    unit: 'Servicecenter',
    roles: ['manager'],
  },
} satisfies Record<string, TestUser>;

/** `expiresIn: null` leaves `exp` out: a token the issuer gave no end. */
export async function tokenFor(
  user: TestUser,
  overrides: { issuer?: string; audience?: string; expiresIn?: string | null } = {},
): Promise<string> {
  const token = new SignJWT({ name: user.name, organisation: user.organisation, unit: user.unit, roles: user.roles })
    .setProtectedHeader({ alg: 'ES256', kid: 'test' })
    .setSubject(user.id ?? randomUUID())
    .setIssuer(overrides.issuer ?? ISSUER)
    .setAudience(overrides.audience ?? AUDIENCE)
    .setIssuedAt();
  if (overrides.expiresIn !== null) token.setExpirationTime(overrides.expiresIn ?? '5m');
  return token.sign(privateKey);
}

export interface RunningHub {
  app: INestApplication;
  url: string;
  /** fetch against the hub as a user (or anonymously), JSON in and out */
  call(
    method: string,
    path: string,
    options?: { as?: TestUser; body?: unknown; token?: string },
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Brings the test database to the hub's schema, so a suite may clear tables before its hub starts. */
export async function migrateTestDatabase(): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url: DATABASE_URL, migrations: MIGRATIONS });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

export interface StartHubOptions {
  /**
   * Settings on top of the tests' own (which trust the tokens of `tokenFor`); `undefined` removes one, e.g.
   * `AUTH_JWKS_FILE: undefined` to use the JWKS of the configured AUTH_ISSUER instead.
   */
  env?: Record<string, string | undefined>;
  /** listen here instead of on a free port, when the URL must be known before the hub starts (OIDC redirect URI) */
  port?: number;
  /** another instance beside a running one: keep the queues it consumes (competing consumers) */
  keepQueues?: boolean;
}

/** The hub app as it runs in production (same module, guards, pipes, body limits), on the test database. */
export async function startHub(options: StartHubOptions = {}): Promise<RunningHub> {
  if (!options.keepQueues) await deleteQueues('hub', [HUB_EVENTS_QUEUE.queue]);
  const trust = trustIssuer();
  Object.assign(process.env, {
    DATABASE_URL,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_JWKS_FILE: trust.jwksFile,
  });
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  let app: NestFastifyApplication;
  let url: string;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(httpAdapter(MAX_BODY_BYTES), {
      bodyParser: false,
      logger: ['error'],
    });
    configureHub(app);
    await app.init();
    await app.startAllMicroservices();
    await app.listen(options.port ?? 0, '127.0.0.1');
    url = await app.getUrl();
  } catch (err) {
    trust.release();
    throw err;
  }
  return {
    app,
    url,
    async call(method, path, options = {}) {
      const token = options.token ?? (options.as ? await tokenFor(options.as) : undefined);
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(token && { authorization: `Bearer ${token}` }),
          ...(options.body !== undefined && { 'content-type': 'application/json' }),
        },
        body:
          options.body === undefined
            ? undefined
            : typeof options.body === 'string'
              ? options.body
              : JSON.stringify(options.body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      try {
        await app.close();
      } finally {
        trust.release();
      }
    },
  };
}

/**
 * The tests' token issuer, for other services (the adapters' caseworker APIs) to trust as the hub does: `trust()` when
 * one starts, `release()` on its trust when it is closed.
 */
export const TEST_AUTH = { issuer: ISSUER, audience: AUDIENCE, trust: trustIssuer };
