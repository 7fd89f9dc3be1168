import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkIssuer, checkUrlLists, isHttpUrl, portSetting, urlList } from './config-checks.js';
import { loadOrCreateKeyFile } from './key-file.js';

describe('config checks', () => {
  it('takes http(s) URLs only', () => {
    expect(isHttpUrl('https://idp.example.se/x')).toBe(true);
    expect(isHttpUrl('ftp://idp.example.se')).toBe(false);
    expect(isHttpUrl('not a url')).toBe(false);
  });

  it('splits a comma-separated list and drops blanks', () => {
    expect(urlList(' http://a/ ,, http://b/ ')).toEqual(['http://a/', 'http://b/']);
  });

  it('names every problem at once', () => {
    const problems: string[] = [];
    expect(portSetting({ PORT: '70000' }, 3000, problems)).toBe(70000);
    expect(portSetting({}, 3000, problems)).toBe(3000);
    checkIssuer('EID_ISSUER', 'http://127.0.0.1:3300/', problems);
    checkIssuer('EID_ISSUER', undefined, problems);
    checkUrlLists(
      [
        ['A', []],
        ['B', ['http://ok/', 'javascript:alert(1)']],
      ],
      problems,
    );
    expect(problems).toEqual([
      'PORT must be a TCP port, got 70000',
      'EID_ISSUER must be an http(s) URL without query, fragment or trailing slash, got http://127.0.0.1:3300/',
      'A must name at least one URL',
      'B: javascript:alert(1) is not an http(s) URL',
    ]);
  });
});

describe('loadOrCreateKeyFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'key-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const isKeys = (value: unknown): value is { key: string } => typeof (value as { key?: unknown })?.key === 'string';

  it('generates the keys once, readable by their owner only, and reads them back after', async () => {
    let generated = 0;
    const generate = () => Promise.resolve({ key: `k${++generated}` });
    const first = await loadOrCreateKeyFile(join(dir, 'data'), 'keys.json', generate, isKeys, 'a test');
    const second = await loadOrCreateKeyFile(join(dir, 'data'), 'keys.json', generate, isKeys, 'a test');
    expect(first).toEqual({ key: 'k1' });
    expect(second).toEqual({ key: 'k1' });
    expect(statSync(join(dir, 'data', 'keys.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses a file that is not its keys, and says how to recover', async () => {
    writeFileSync(join(dir, 'keys.json'), '{"other":1}');
    await expect(
      loadOrCreateKeyFile(dir, 'keys.json', () => Promise.resolve({ key: 'x' }), isKeys, 'a test'),
    ).rejects.toThrow(/is not a key file of a test; delete it/);
  });
});
