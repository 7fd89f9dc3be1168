import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();
const SCRIPT = join(ROOT, 'scripts/test-tools.sh');

interface Machine {
  root?: boolean;
  aptGet?: boolean;
  /** commands already on PATH: chromium, chromium-browser, docker-compose, ... */
  installed?: string[];
  /** whether TEST_PYTHON imports pika, cryptography and jsonschema before any install (default yes) */
  pythonPackages?: boolean;
  env?: Record<string, string>;
}

/** The script on a made-up machine: PATH holds only stand-ins for id, apt-get and the programs it looks for. */
function runOn(machine: Machine) {
  const bin = mkdtempSync(join(tmpdir(), 'test-tools-'));
  const aptLog = join(bin, 'apt-get.log');
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  const program = (name: string) => stub(name, `echo "${name} 1.0"`);
  stub('id', `echo ${machine.root === false ? 1000 : 0}`);
  if (machine.aptGet !== false) {
    // an install puts the named packages' commands on PATH, as Debian's packages do
    stub(
      'apt-get',
      `echo "$*" >> ${aptLog}\nif [[ " $* " == *" install "* ]]; then for p in "$@"; do [[ $p == -* || $p == *::* || $p == install ]] && continue; ` +
        `printf '#!/bin/bash\\necho "%s 1.0"\\n' "$p" > ${bin}/$p; /bin/chmod +x ${bin}/$p; done; fi`,
    );
  }
  for (const name of machine.installed ?? []) program(name);
  // the Python the example adapter runs on: it has the packages once apt-get has put python3-pika there
  stub('python', `[[ ${machine.pythonPackages === false ? 0 : 1} == 1 || -x ${bin}/python3-pika ]]`);
  const result = spawnSync('/bin/bash', [SCRIPT], {
    env: { PATH: bin, TEST_PYTHON: join(bin, 'python'), ...machine.env },
    encoding: 'utf8',
  });
  const apt = existsSync(aptLog) ? readFileSync(aptLog, 'utf8').trim().split('\n') : [];
  rmSync(bin, { recursive: true, force: true });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, apt };
}

describe('scripts/test-tools.sh, the first step of npm run test:integration', () => {
  it('installs Chromium and docker-compose with apt-get when they are missing and it is root', () => {
    const run = runOn({});
    expect(run.apt).toEqual([
      '-o DPkg::Lock::Timeout=600 update -qq',
      '-o DPkg::Lock::Timeout=600 install -y -qq chromium docker-compose',
    ]);
    expect(run.stdout).toContain('test tools: chromium 1.0');
    expect(run.status).toBe(0);
  });

  it("installs Debian's Python packages for the Python example adapter when its Python lacks them", () => {
    const run = runOn({ installed: ['chromium', 'docker-compose'], pythonPackages: false });
    expect(run.apt).toEqual([
      '-o DPkg::Lock::Timeout=600 update -qq',
      '-o DPkg::Lock::Timeout=600 install -y -qq python3-pika python3-cryptography python3-jsonschema',
    ]);
    expect(run.status).toBe(0);
    const cannot = runOn({ root: false, installed: ['chromium', 'docker-compose'], pythonPackages: false });
    expect(cannot.stderr).toContain('`sudo apt-get install python3-pika python3-cryptography python3-jsonschema`');
    expect(cannot.status).toBe(1);
  });

  it('installs nothing when a Chromium is on PATH under another name and compose is there', () => {
    const run = runOn({ installed: ['chromium-browser', 'docker-compose'] });
    expect(run.apt).toEqual([]);
    expect(run.stdout).toContain('test tools: chromium-browser 1.0');
    expect(run.status).toBe(0);
  });

  it('says in one line what to run where it cannot install, and fails before the tests start', () => {
    for (const machine of [{ root: false }, { aptGet: false }]) {
      const run = runOn({ ...machine, installed: ['docker-compose'] });
      expect(run.apt).toEqual([]);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringContaining('the browser tests need Chromium: run `sudo apt-get install chromium`'),
      ]);
      expect(run.status).toBe(1);
    }
  });

  it('takes CHROMIUM_PATH as it is: a missing file is an error, not a reason to install another', () => {
    const run = runOn({ installed: ['chromium', 'docker-compose'], env: { CHROMIUM_PATH: '/nowhere/chrome' } });
    expect(run.apt).toEqual([]);
    expect(run.stderr).toContain('CHROMIUM_PATH=/nowhere/chrome is not an executable file');
    expect(run.status).toBe(1);
  });

  it('goes on without docker-compose where it cannot install it, and says which check is skipped', () => {
    const run = runOn({ root: false, installed: ['chromium'] });
    expect(run.stdout).toContain('test/deploy skips `docker-compose config`');
    expect(run.status).toBe(0);
  });

  it('is what npm run test:integration does first, and CI installs neither itself', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts['test:integration']).toMatch(/^bash scripts\/test-tools\.sh && /);
    expect(scripts.test).toMatch(/npm run test:integration/);
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).not.toMatch(/apt-get install[^\n]*(chromium|docker-compose)/);
    expect(ci).toMatch(/^npm test$/m);
  });
});
