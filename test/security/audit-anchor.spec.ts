import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { RunningAdapter } from '@hub/adapter-kit';
import { AuditLog } from '@hub/audit';
import { EXCHANGES, ORGANISATIONS, routingKeys } from '@hub/contracts';
import { AuditCheckpoints } from '../../apps/hub/src/audit/audit-checkpoints.js';
import { parseCheckpoints, witnessUrls } from '../../scripts/audit-verify.js';
import { rehash, tamper } from '../audit/audit-fixtures.js';
import { ADAPTERS, AGENCY_STAFF, startTestAdapter } from '../support/adapters.js';
import { waitForCatalogue } from '../support/catalogues.js';
import { DATABASE_URL, messagingFor, testPool, waitFor } from '../support/env.js';
import { startHub, tokenFor, USERS, type RunningHub, type TestUser } from '../support/hub.js';

const run = promisify(execFile);
const WITNESSES = ['af', 'fk'] as const;
type Witness = (typeof WITNESSES)[number];
const SCRAPE_TOKEN = 'audit-anchor-scrape-token-0123456789abcdef';
const agencyAuditor = (agency: Witness): TestUser => ({
  id: `${agency}.revisor`,
  name: 'Myndighetsrevisor',
  organisation: ORGANISATIONS[agency],
  roles: ['auditor'],
});

/**
 * Finding 9 of issue 15: whoever can write the hub's database could cut the newest audit entries and move the chain
 * head back, and the chain alone (GET /api/audit/verify as it was) still said ok. Now the hub signs its head and
 * sends it to every agency, whose adapter keeps it; verification against a witness's checkpoint shows the cut, and
 * a rewrite.
 */
describe('anchored audit log: the agencies witness the hub’s audit head', () => {
  const pool = testPool();
  let hub: RunningHub;
  let checkpoints: AuditCheckpoints;
  let log: AuditLog;
  const adapters = {} as Record<Witness, RunningAdapter>;

  beforeAll(async () => {
    hub = await startHub();
    checkpoints = hub.app.get(AuditCheckpoints);
    log = hub.app.get(AuditLog);
    for (const agency of WITNESSES) {
      const since = new Date();
      adapters[agency] = await startTestAdapter(ADAPTERS[agency], { METRICS_TOKEN: SCRAPE_TOKEN });
      await adapters[agency].announced;
      await waitForCatalogue(hub, USERS.guide, agency, ADAPTERS[agency].name);
      // an earlier suite's catalogue satisfies the wait above: the announcement's own audit entry must be in before
      // each test starts a fresh log, or it lands in that log and moves the head the test expects
      await waitFor(
        async () =>
          (
            await pool.query(`SELECT 1 FROM audit.entry WHERE kind = 'catalogue' AND actor = $1 AND at >= $2`, [
              `adapter-${agency}`,
              since,
            ])
          ).rowCount! > 0,
        20_000,
        `the audited announcement of ${agency}`,
      );
    }
  }, 60_000);

  beforeEach(() => freshLogAndWitnesses());

  afterAll(async () => {
    // later suites on this database verify the chain: leave it intact, with no witness of a longer log
    await freshLogAndWitnesses();
    for (const agency of WITNESSES) await adapters[agency]?.close();
    await hub?.close();
    await pool.end();
  });

  it('shows the end of the log cut and the head moved back, against each witness’s checkpoint', async () => {
    const { position, hash } = await auditAndWitness();
    expect(await verify()).toMatchObject({
      ok: true,
      outcome: 'ok',
      head: { position, hash },
      checkpoints: WITNESSES.map((witness) => ({ witness, position, hash, outcome: 'ok' })),
    });

    const cut = position - 2;
    await tamper(pool, `DELETE FROM audit.entry WHERE seq > $1`, [cut]);
    const [last] = (await pool.query(`SELECT hash FROM audit.entry WHERE seq = $1`, [cut])).rows;
    await tamper(pool, `UPDATE audit.chain_head SET seq = $1, hash = $2`, [cut, last.hash]);
    // what verification said before checkpoints: the chain alone is consistent again
    await expect(log.verify()).resolves.toMatchObject({ ok: true, rows: cut });

    const held = await witnessCopy('fk');
    expect(held).toMatchObject({ position, hash, verdict: 'consistent' });
    expect(await verify({ position: String(held.position), hash: held.hash })).toMatchObject({
      ok: false,
      outcome: 'truncated',
      rows: cut,
      head: { position: cut, hash: last.hash },
      checkpoints: [{ witness: null, position, outcome: 'truncated' }],
    });
    expect(await verify()).toMatchObject({
      ok: false,
      outcome: 'truncated',
      checkpoints: WITNESSES.map((witness) => ({ witness, position, outcome: 'truncated' })),
    });

    // The hub's own copies of the cosignatures can be cut as well; the witnesses' cannot.
    await pool.query('DELETE FROM hub.audit_witness');
    expect(await verify()).toMatchObject({ ok: true, checkpoints: [] });
    const cli = await auditVerifyCli(['--witness', adapters.af.url], agencyAuditor('af'));
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/^audit log TRUNCATED: the chain is intact \(\d+ rows/);
    expect(cli.stdout).toContain(`TRUNCATED against ${adapters.af.url} (signed by hub)`);
    expect(cli.stdout).toContain(`the log ends at entry ${cut}, the checkpoint is at ${position}`);

    // The hub, unaware, publishes the head it now has: each witness keeps it as evidence of a rollback.
    await checkpoints.publish();
    for (const agency of WITNESSES) {
      await waitFor(async () => (await witnessList(agency)).some((c) => c.verdict === 'rollback'), 10_000);
      expect(await witnessCopy(agency)).toMatchObject({ position, hash });
    }
    await waitFor(
      async () => (await pool.query(`SELECT 1 FROM hub.audit_witness WHERE verdict = 'rollback'`)).rowCount === 2,
      10_000,
      'the rollback cosignatures',
    );
  }, 60_000);

  it('keeps no cosignature of a checkpoint the hub never published: an agency cannot make the log look forked', async () => {
    const { position } = await auditAndWitness();
    const fk = messagingFor('adapter-fk');
    await fk.connect();
    try {
      const madeUp = { checkpointId: randomUUID(), position, hash: 'f'.repeat(64) };
      const published = (await pool.query(`SELECT message_id, hash FROM hub.audit_checkpoint`)).rows[0];
      const claims = [madeUp, { ...madeUp, checkpointId: published.message_id }];
      const ids: string[] = [];
      for (const claim of claims) {
        const id = await fk.publish(EXCHANGES.event, routingKeys.auditWitnessed('fk'), {
          type: 'audit.witnessed.v1',
          payload: { agency: 'fk', verdict: 'fork', ...claim },
        });
        ids.push(id);
      }
      // both were handled (not parked: they keep the sender rules) and neither was kept
      await waitFor(
        async () =>
          (await pool.query(`SELECT 1 FROM messaging.processed_message WHERE message_id = ANY($1::uuid[])`, [ids]))
            .rowCount === 2,
        10_000,
        'the cosignatures to be handled',
      );
      expect((await pool.query(`SELECT 1 FROM hub.audit_witness WHERE hash = $1`, [madeUp.hash])).rowCount).toBe(0);
      expect(await verify()).toMatchObject({ ok: true, outcome: 'ok' });
    } finally {
      await fk.close();
    }
  }, 30_000);

  it('shows the log rewritten from one entry on, every later hash recomputed, as a fork', async () => {
    const { position, hash } = await auditAndWitness();
    const from = position - 2;
    await tamper(pool, `UPDATE audit.entry SET outcome = 'denied' WHERE seq = $1`, [from]);
    let prev = (await pool.query(`SELECT hash FROM audit.entry WHERE seq = $1`, [from - 1])).rows[0].hash as string;
    for (let seq = from; seq <= position; seq++) {
      await tamper(pool, `UPDATE audit.entry SET prev_hash = $1 WHERE seq = $2`, [prev, seq]);
      prev = await rehash(pool, 'audit', seq);
      await tamper(pool, `UPDATE audit.entry SET hash = $1 WHERE seq = $2`, [prev, seq]);
    }
    await tamper(pool, `UPDATE audit.chain_head SET hash = $1`, [prev]);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, rows: position });

    const held = await witnessCopy('af');
    expect(await verify({ position: String(held.position), hash: held.hash })).toMatchObject({
      ok: false,
      outcome: 'forked',
      head: { position, hash: prev },
      checkpoints: [
        { position, hash, outcome: 'forked', detail: `entry ${position} has another hash than the checkpoint` },
      ],
    });
    expect(await verify()).toMatchObject({
      outcome: 'forked',
      checkpoints: WITNESSES.map((witness) => ({ witness, outcome: 'forked' })),
    });
    const cli = await auditVerifyCli(['--checkpoint', JSON.stringify(held), '--json'], agencyAuditor('af'));
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout)).toMatchObject({ outcome: 'forked', checkpoints: [{ outcome: 'forked' }] });

    // The rewritten head, at the same position with another hash, is a fork to every witness.
    await checkpoints.publish();
    for (const agency of WITNESSES) {
      await waitFor(async () => (await witnessList(agency)).some((c) => c.verdict === 'fork'), 10_000);
    }
  }, 60_000);

  it('publishes a checkpoint only when the head moved, and the witnesses take each one once', async () => {
    const first = await auditAndWitness();
    await expect(checkpoints.publish()).resolves.toBeUndefined();
    const second = await auditAndWitness();
    expect(second.position).toBeGreaterThan(first.position);
    for (const agency of WITNESSES) {
      const list = await witnessList(agency);
      expect(list.map((c) => [c.position, c.verdict])).toEqual([
        [second.position, 'consistent'],
        [first.position, 'consistent'],
      ]);
    }
    const witnessed = await hub.call('GET', '/api/audit/witnesses', { as: USERS.auditor });
    expect(witnessed.body).toEqual(
      WITNESSES.map((agency) => expect.objectContaining({ agency, position: second.position, verdict: 'consistent' })),
    );
  }, 60_000);

  it('keeps the hub’s signed message, which anyone can check with the hub’s public key', async () => {
    const { position, hash } = await auditAndWitness();
    const held = await witnessCopy('fk');
    const body = JSON.parse(Buffer.from(held.message.body, 'base64').toString('utf8'));
    expect(body).toMatchObject({
      type: 'audit.checkpoint.v1',
      sender: { service: 'hub' },
      payload: { position, hash },
    });
    expect(held.message.signature).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
    const cli = await auditVerifyCli(['--witness', adapters.fk.url], agencyAuditor('fk'));
    expect(cli).toMatchObject({ code: 0 });
    expect(cli.stdout).toContain(`OK against ${adapters.fk.url} (signed by hub)`);
  }, 60_000);

  it('refuses a malformed checkpoint with 400, and the checkpoints to anyone but auditors', async () => {
    const hash = 'a'.repeat(64);
    for (const query of [
      `position=abc&hash=${hash}`,
      `position=-1&hash=${hash}`,
      `position=1.5&hash=${hash}`,
      `position=${'9'.repeat(16)}&hash=${hash}`,
      `position=5&hash=${'A'.repeat(64)}`,
      `position=5&hash=abc`,
      `position=5`,
      `hash=${hash}`,
      `position=5&hash=${hash}&witness=fk`,
    ]) {
      const answer = await hub.call('GET', `/api/audit/verify?${query}`, { as: USERS.auditor });
      expect([query, answer.status, answer.body.error]).toEqual([query, 400, 'invalid-request']);
    }
    expect((await hub.call('GET', '/api/audit/witnesses', { as: USERS.guide })).status).toBe(403);
    const url = `${adapters.fk.url}/api/audit-checkpoints/latest`;
    expect((await fetch(url)).status).toBe(401);
    const caseworker = await tokenFor(AGENCY_STAFF.fk.caseworker);
    expect((await fetch(url, { headers: { authorization: `Bearer ${caseworker}` } })).status).toBe(403);
    const otherAgency = await tokenFor(agencyAuditor('af'));
    expect((await fetch(url, { headers: { authorization: `Bearer ${otherAgency}` } })).status).toBe(403);
    expect((await fetch(url, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } })).status).toBe(404);

    expect(parseCheckpoints(['--json', '--checkpoint', JSON.stringify({ position: 7, hash, verdict: 'x' })])).toEqual([
      { position: 7, hash, witness: 'checkpoint 1' },
    ]);
    for (const bad of [
      '7',
      '{"position":7}',
      `{"position":-1,"hash":"${hash}"}`,
      `{"position":"7","hash":"${hash}"}`,
    ]) {
      expect(() => parseCheckpoints(['--checkpoint', bad])).toThrow(/--checkpoint/);
    }
    expect(witnessUrls(['--witness', 'http://127.0.0.1:3201/'])).toEqual(['http://127.0.0.1:3201']);
    expect(() => witnessUrls(['--witness', 'file:///etc/passwd'])).toThrow(/--witness takes/);
  });

  /** An empty, intact log, and no checkpoints held anywhere. */
  async function freshLogAndWitnesses(): Promise<void> {
    await pool.query('DROP SCHEMA IF EXISTS audit CASCADE');
    await new AuditLog(pool).migrate();
    await pool.query('DELETE FROM hub.audit_witness; DELETE FROM hub.audit_checkpoint');
    for (const agency of WITNESSES) await pool.query(`DELETE FROM ${agency}.audit_checkpoint`);
  }

  /** Audited activity (auditors' lookups), then a checkpoint, once every witness has cosigned it. */
  async function auditAndWitness(): Promise<{ position: number; hash: string }> {
    for (const subject of ['19121212-1212', '198112289874', '19121212-1212', '198112289874']) {
      const report = await hub.call('POST', '/api/audit/access-report', { as: USERS.auditor, body: { subject } });
      expect(report.status).toBe(200);
    }
    const published = await checkpoints.publish();
    expect(published).toEqual({ position: expect.any(Number), hash: expect.any(String) });
    const { position, hash } = published!;
    expect(position).toBeGreaterThanOrEqual(4);
    for (const agency of WITNESSES) {
      await waitFor(async () => (await witnessCopy(agency, true))?.position === position, 10_000, `${agency} witness`);
    }
    await waitFor(
      async () => {
        const { body } = await hub.call('GET', '/api/audit/witnesses', { as: USERS.auditor });
        return WITNESSES.every((agency) => body.some((w: any) => w.agency === agency && w.position === position));
      },
      10_000,
      'the cosignatures at the hub',
    );
    return { position, hash };
  }

  async function witnessCopy(agency: Witness, mayBeMissing = false): Promise<any> {
    const response = await fetch(`${adapters[agency].url}/api/audit-checkpoints/latest`, {
      headers: { authorization: `Bearer ${await tokenFor(agencyAuditor(agency))}` },
    });
    if (response.status === 404 && mayBeMissing) return undefined;
    expect(response.status).toBe(200);
    return response.json();
  }

  async function witnessList(agency: Witness): Promise<Array<{ position: number; verdict: string }>> {
    const response = await fetch(`${adapters[agency].url}/api/audit-checkpoints`, {
      headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return response.json() as Promise<Array<{ position: number; verdict: string }>>;
  }

  async function verify(query?: { position: string; hash: string }): Promise<any> {
    const path = query ? `/api/audit/verify?${new URLSearchParams(query)}` : '/api/audit/verify';
    const { status, body } = await hub.call('GET', path, { as: USERS.auditor });
    expect(status).toBe(200);
    return body;
  }

  /** `npm run audit:verify` as built (the integration run builds first), on the test database. */
  async function auditVerifyCli(args: string[], as: TestUser): Promise<{ code: number; stdout: string }> {
    const env = { ...process.env, DATABASE_URL, WITNESS_TOKEN: await tokenFor(as) };
    try {
      const { stdout } = await run(process.execPath, ['dist/scripts/audit-verify.js', ...args], { env });
      return { code: 0, stdout };
    } catch (err) {
      const failed = err as { code: number; stdout: string; stderr: string };
      if (failed.code !== 1) throw new Error(`audit:verify exited ${failed.code}: ${failed.stderr}`, { cause: err });
      return { code: failed.code, stdout: failed.stdout };
    }
  }
});
