/**
 * The agency adapters of this checkout, found rather than listed: every `apps/adapter-<code>/adapter.json` declares
 * its agency code, organisation, name and port, so a new agency's app folder is all `npm start`, `npm run setup` and
 * `npm run deploy:secrets` need to know about it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AGENCY_CODE_PATTERN, luhnValid } from '@hub/contracts';

export interface AdapterApp {
  /** the agency code of its catalogue and routing keys */
  agency: string;
  /** its broker user and signing key id: `adapter-<agency>` */
  service: string;
  /** organisationsnummer */
  organisation: string;
  name: string;
  /** the port of its caseworker API and inbox under `npm start` */
  port: number;
  /** a demo caseworker of the bundled identity provider who works its inbox */
  inboxUser?: string;
  /** the compiled entry point, relative to the checkout */
  entry: string;
}

export const ADAPTER_MANIFEST = 'adapter.json';

/** Why a manifest cannot be used, or undefined when it can. */
export function manifestProblem(folder: string, manifest: Record<string, unknown>): string | undefined {
  const { agency, organisation, name, port, inboxUser } = manifest;
  if (typeof agency !== 'string' || !AGENCY_CODE_PATTERN.test(agency))
    return `agency must be an agency code matching ${AGENCY_CODE_PATTERN}`;
  if (folder !== `adapter-${agency}`) return `the folder of agency ${agency} must be named adapter-${agency}`;
  if (typeof organisation !== 'string' || !/^[0-9]{10}$/.test(organisation) || !luhnValid(organisation))
    return 'organisation must be a 10-digit organisationsnummer with a valid check digit';
  if (typeof name !== 'string' || !name.trim()) return 'name must be the agency name';
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535)
    return 'port must be a TCP port';
  if (inboxUser !== undefined && typeof inboxUser !== 'string') return 'inboxUser must be a user name';
  return undefined;
}

/** The adapters under `root/apps`, by port; a manifest that is wrong stops the caller with the file named. */
export function discoverAdapters(root = process.cwd()): AdapterApp[] {
  const apps = resolve(root, 'apps');
  if (!existsSync(apps)) return [];
  const found: AdapterApp[] = [];
  for (const folder of readdirSync(apps).filter((f) => f.startsWith('adapter-'))) {
    const file = join(apps, folder, ADAPTER_MANIFEST);
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const problem = manifestProblem(folder, manifest);
    if (problem) throw new Error(`${file}: ${problem}`);
    const agency = manifest.agency as string;
    found.push({
      agency,
      service: `adapter-${agency}`,
      organisation: manifest.organisation as string,
      name: manifest.name as string,
      port: manifest.port as number,
      ...(typeof manifest.inboxUser === 'string' && { inboxUser: manifest.inboxUser }),
      entry: `dist/apps/${folder}/src/main.js`,
    });
  }
  found.sort((a, b) => a.port - b.port);
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.port === found[i - 1]!.port)
      throw new Error(`adapters ${found[i - 1]!.agency} and ${found[i]!.agency} both declare port ${found[i]!.port}`);
  }
  return found;
}

/** The broker users of a deployment: the hub and every adapter found. */
export function serviceUsers(root = process.cwd()): string[] {
  return ['hub', ...discoverAdapters(root).map((a) => a.service)];
}
