/**
 * Rotates a service's message-signing key in three steps, with no message lost (README, "Keys: distribution and
 * rotation"):
 *
 *   npm run keys:rotate -- --service adapter-fk              1. add a key: published beside the signing one
 *   npm run keys:rotate -- --service adapter-fk --activate   2. sign with it, once every receiver has taken it up
 *   npm run keys:rotate -- --service adapter-fk --retire     3. unpublish the previous key, once nothing signed
 *                                                               with it can still be waiting in a queue
 *   npm run keys:rotate -- --service adapter-fk --status     which keys it signs with, publishes and has retired
 *
 * `--retire --kid <kid>` takes out one given key (e.g. a next key never activated). Works on KEYS_DIR (var/keys).
 */
import { pathToFileURL } from 'node:url';
import { SERVICE_NAME_PATTERN } from '@hub/contracts';
import { KeyDirectory } from '../libs/messaging/src/key-directory.js';

export function rotateKeys(argv: readonly string[], keysDir: string, refreshMs = 10_000): string {
  const option = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const service = option('--service');
  if (!service || !SERVICE_NAME_PATTERN.test(service)) {
    throw new Error(
      'usage: keys:rotate -- --service <hub|adapter-<agency>> [--activate | --retire [--kid <kid>] | --status]',
    );
  }
  const keys = new KeyDirectory(keysDir);
  const wait = `${Math.ceil(refreshMs / 1000)} s (KEYS_REFRESH_MS)`;
  if (argv.includes('--status')) return JSON.stringify({ service, ...keys.status(service) }, null, 2);
  if (argv.includes('--activate')) {
    const { previous, current } = keys.activateKey(service);
    return (
      `${service} signs with ${current} from its next message (within a second, no restart; in docker compose, ` +
      `restart it).\n${previous} stays published for messages in flight: retire it when none can still be ` +
      `queued (--retire).`
    );
  }
  if (argv.includes('--retire')) {
    const retired = keys.retireKeys(service, option('--kid'));
    return retired.length
      ? `${service} no longer publishes ${retired.join(', ')}; receivers refuse it within ${wait}. Kept in retired/ for audit:verify.`
      : `${service} publishes no key besides the one it signs with (and its next one): nothing to retire.`;
  }
  const kid = keys.addKey(service);
  return (
    `${service} publishes a new key ${kid} beside the one it signs with.\nReceivers reading this folder take it up at ` +
    `once; those fetching ${service}'s JWKS URL within ${wait}. Then: --activate.`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(
      rotateKeys(
        process.argv.slice(2),
        process.env.KEYS_DIR ?? 'var/keys',
        Number(process.env.KEYS_REFRESH_MS ?? 10_000),
      ),
    );
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
