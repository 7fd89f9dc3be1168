import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { writeDeploySecrets } from '../../scripts/deploy-secrets.js';

export const ROOT = process.cwd();

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string | string[];
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  restart?: string;
  hostname?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readCompose(): ComposeFile {
  // merge: the `<<: *app` keys of the shared app settings
  return parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

export interface DockerStage {
  name: string;
  from: string;
  cmd?: string[];
  env: Record<string, string>;
  expose: string[];
  healthcheck?: string[];
}

/** The Dockerfile's stages with their CMD, ENV, EXPOSE and HEALTHCHECK, inherited from the stage they start from. */
export function readDockerfile(path = join(ROOT, 'Dockerfile')): Map<string, DockerStage> {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages = new Map<string, DockerStage>();
  let current: DockerStage | undefined;
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction.toUpperCase()) {
      case 'FROM': {
        const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
        if (!match) throw new Error(`FROM without a base: ${line}`);
        const parent = stages.get(match[1]);
        current = {
          name: match[2] ?? `stage-${stages.size}`,
          from: match[1],
          cmd: parent?.cmd,
          env: { ...parent?.env },
          expose: [...(parent?.expose ?? [])],
          healthcheck: parent?.healthcheck,
        };
        stages.set(current.name, current);
        break;
      }
      case 'CMD':
        current!.cmd = JSON.parse(args) as string[];
        break;
      case 'ENV':
        for (const [, name, value] of args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) current!.env[name] = value;
        break;
      case 'EXPOSE':
        current!.expose.push(...rest);
        break;
      case 'HEALTHCHECK':
        current!.healthcheck = JSON.parse(args.slice(args.indexOf('CMD') + 3).trim()) as string[];
        break;
    }
  }
  return stages;
}

/** What `npm run deploy:secrets` writes, into a scratch copy of the repo's deploy/ folder (never the real one). */
export function scratchDeployment(): { root: string; secrets: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), 'hub-deploy-'));
  cpSync(resolve(ROOT, 'deploy'), join(root, 'deploy'), {
    recursive: true,
    filter: (source) => !source.includes(join('deploy', 'secrets')),
  });
  return { root, secrets: writeDeploySecrets(root) };
}

export function readEnvFile(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) values[match[1]] = match[2];
  }
  return values;
}

/** The environment a service's container gets: its env files, then `environment` over them, as compose does. */
export function containerEnv(service: ComposeService, deploymentRoot: string): Record<string, string> {
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  const fromFiles = Object.assign({}, ...files.map((file) => readEnvFile(resolve(deploymentRoot, file))));
  return { ...fromFiles, ...service.environment };
}

/** The app services: those built from this repository. */
export function appServices(compose: ComposeFile): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => service.build !== undefined)
    .map(([name]) => name);
}
