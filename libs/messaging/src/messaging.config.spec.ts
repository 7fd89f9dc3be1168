import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@hub/common';
import { devBrokerPassword, devSecretsFile, loadMessagingConfig } from './messaging.config.js';

const temporaryDirectories: string[] = [];
afterAll(() => temporaryDirectories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));
const temporaryDirectory = (prefix: string) => {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirectories.push(directory);
  return directory;
};

describe('messaging configuration', () => {
  const env = { AMQP_PASSWORD: 'secret', KEYS_DIR: '/tmp/keys' };

  it('defaults to the local broker and the service’s organisation from the trusted senders', () => {
    const config = loadMessagingConfig('adapter-fk', env);
    expect(config).toMatchObject({
      amqpUrl: 'amqp://127.0.0.1:5672',
      organisation: '2021005521',
      signRequests: false,
      generateDevKeys: true,
    });
    expect(config.trustedSenders.get('hub')).toEqual(new Set(['2120001967']));
  });

  it("gives a department's own system the municipality its broker user names, unless told otherwise", () => {
    const user = 'department-2120001967-tekniska-forvaltningen';
    expect(loadMessagingConfig(user, env).organisation).toBe('2120001967');
    expect(loadMessagingConfig(user, { ...env, ORGANISATION: '2120001991' }).organisation).toBe('2120001991');
    expect(() => loadMessagingConfig('department-x', env)).toThrow(/ORGANISATION must be a 10-digit/);
  });

  it('names every problem at once, at start-up', () => {
    const attempt = () =>
      loadMessagingConfig('adapter-csn', {
        AMQP_URL: 'http://broker',
        MAX_MESSAGE_BYTES: '12',
        TRUSTED_SENDERS: 'hub=123,adapter-csn=2021004508',
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/AMQP_URL must be amqp:\/\/host:port/);
    expect(attempt).toThrow(/AMQP_PASSWORD is not set for adapter-csn/);
    expect(attempt).toThrow(/MAX_MESSAGE_BYTES must be an integer >= 1024/);
    expect(attempt).toThrow(/TRUSTED_SENDERS entry "hub=123"/);
  });

  it('reads several organisations for one broker user, and never generates keys in production', () => {
    const config = loadMessagingConfig('hub', {
      ...env,
      NODE_ENV: 'production',
      TRUSTED_SENDERS: 'hub=2120001967|2120000142',
    });
    expect(config.trustedSenders.get('hub')).toEqual(new Set(['2120001967', '2120000142']));
    expect(config.generateDevKeys).toBe(false);
  });

  it('takes the nodes of a cluster as a comma-separated list, and refuses a list with one bad entry', () => {
    const nodes = 'amqp://rabbit-1:5672,amqp://rabbit-2:5672, amqp://rabbit-3:5672';
    expect(loadMessagingConfig('hub', { ...env, AMQP_URL: nodes }).amqpUrl).toBe(nodes);
    expect(() => loadMessagingConfig('hub', { ...env, AMQP_URL: 'amqp://rabbit-1:5672,rabbit-2:5672' })).toThrow(
      /AMQP_URL must be amqp:\/\/host:port \(or several, comma-separated\)/,
    );
  });

  it('keeps development broker passwords once per machine, for every checkout, where the environment says', () => {
    const state = temporaryDirectory('hub-state-');
    expect(devSecretsFile({ XDG_STATE_HOME: state })).toBe(join(state, 'samtjanst-hub', 'broker-users.json'));
    expect(devSecretsFile({ XDG_STATE_HOME: state, BROKER_SECRETS_FILE: '/run/x.json' })).toBe('/run/x.json');
    const file = join(state, 'users.json');
    writeFileSync(file, JSON.stringify({ hub: 'maskinens' }));
    expect(devBrokerPassword('hub', { BROKER_SECRETS_FILE: file })).toBe('maskinens');
    expect(loadMessagingConfig('hub', { BROKER_SECRETS_FILE: file }).password).toBe('maskinens');
  });

  it("trusts only users the sender rules know: the hub and agencies' adapters", () => {
    expect(() =>
      loadMessagingConfig('hub', { ...env, TRUSTED_SENDERS: 'hub=2120001967,fk-adapter=2021005521' }),
    ).toThrow(
      /TRUSTED_SENDERS user "fk-adapter" must be hub, adapter-<agency code> or department-<orgnr>-<department>/,
    );
  });
});
