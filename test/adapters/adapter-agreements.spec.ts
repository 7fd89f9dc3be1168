import { randomUUID } from 'node:crypto';
import { AgreementBook, type RunningAdapter } from '@hub/adapter-kit';
import type { AgreementChangedV1, Envelope } from '@hub/contracts';
import { ADAPTERS, AGENCY_STAFF, agreementAnnouncement, callAdapter, startTestAdapter } from '../support/adapters.js';
import { DATABASE_URL, testPool, waitFor } from '../support/env.js';
import { migrateTestDatabase, startHub, tokenFor, USERS, type RunningHub } from '../support/hub.js';
import { demoTerms } from '../support/system.js';

/**
 * How an adapter learns the agreements: from agreement.changed events on its queue, and, for what it missed while
 * it was not running (its queue gone, so the hub's events went nowhere), from the hub's answer to its start.
 */
describe('an adapter that starts after the hub published an agreement', () => {
  const pool = testPool();
  let hub: RunningHub;
  let adapter: RunningAdapter | undefined;

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query(
      'TRUNCATE hub.agreement_event, hub.agreement_version, hub.agreement, hub.agency_catalogue CASCADE',
    );
    await pool.query('TRUNCATE fk.agreement_version').catch(() => undefined);
    hub = await startHub({ env: { DEMO_AGREEMENTS: 'false' } });
    // the adapter has run once, so the hub knows its catalogue; then it stops and its queues go
    adapter = await startTestAdapter(ADAPTERS.fk);
    await adapter.announced;
    await waitFor(async () => {
      const { body } = await hub.call('GET', '/api/catalogues', { as: USERS.guide });
      return Array.isArray(body) && body.some((c: { agency: string }) => c.agency === 'fk');
    });
    await adapter.close();
    adapter = undefined;
  }, 60_000);

  afterAll(async () => {
    await adapter?.close();
    await hub?.close();
    await pool.end();
  });

  it('gets it promptly', async () => {
    const created = await hub.call('POST', '/api/agreements', { as: USERS.municipalityAdmin, body: demoTerms('fk') });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await hub.call('POST', `/api/agreements/${id}/propose`, { as: USERS.municipalityAdmin, body: {} });
    const approved = await hub.call('POST', `/api/agreements/${id}/approve`, { as: AGENCY_STAFF.fk.admin, body: {} });
    expect(approved.body.status).toBe('active');

    const started = Date.now();
    adapter = await startTestAdapter(ADAPTERS.fk);
    const token = await tokenFor(AGENCY_STAFF.fk.caseworker);
    await waitFor(
      async () => {
        const { body } = await callAdapter(adapter!, 'GET', '/api/agreements', { token });
        return body.some((v: { id: string; status: string }) => v.id === id && v.status === 'active');
      },
      5_000,
      'the adapter to enforce the agreement',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});

describe("the adapter's agreement book, when the hub's announcements of one version cross", () => {
  const pool = testPool();
  const schema = 'book_order_test';
  const quiet = { log: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
  const book = new AgreementBook(pool, DATABASE_URL, schema, 'fk', quiet);

  beforeAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await book.migrate();
    await book.start();
  });

  afterAll(async () => {
    await book.stop();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  const envelope = (payload: AgreementChangedV1, issuedAt: string) =>
    ({ id: randomUUID(), issuedAt, payload }) as unknown as Envelope<AgreementChangedV1>;
  const record = async (e: Envelope<AgreementChangedV1>) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const kept = await book.record(client, e);
      await client.query('COMMIT');
      return kept;
    } finally {
      client.release();
    }
  };
  const statusOf = (id: string) => book.versions().find((v) => v.id === id)?.status;

  const versions = () => {
    const approved = agreementAnnouncement('fk');
    const proposed: AgreementChangedV1 = {
      ...approved,
      status: 'proposed',
      change: 'republished',
      approvals: approved.approvals.slice(0, 1),
    };
    return { id: approved.agreementId, approved, proposed };
  };

  it('keeps the approval when a republication read before it is issued after it', async () => {
    const { id, approved, proposed } = versions();
    expect(await record(envelope(approved, '2026-03-01T10:00:00.100Z'))).toBe(true);
    // read while the version was still proposed, sent 5 ms after the approval's own event
    expect(await record(envelope(proposed, '2026-03-01T10:00:00.105Z'))).toBe(false);
    await waitFor(() => statusOf(id) !== undefined, 5_000, 'the book to reload');
    expect(statusOf(id)).toBe('active');
  });

  it('takes the approval when it arrives after such a republication', async () => {
    const { id, approved, proposed } = versions();
    expect(await record(envelope(proposed, '2026-03-01T10:00:00.105Z'))).toBe(true);
    expect(await record(envelope(approved, '2026-03-01T10:00:00.100Z'))).toBe(true);
    await waitFor(() => statusOf(id) === 'active', 5_000, 'the book to reload');
  });

  it('still orders a suspension and a resumption by when they were issued, and keeps a termination', async () => {
    const { id, approved } = versions();
    const suspended: AgreementChangedV1 = { ...approved, status: 'suspended', change: 'suspended' };
    const terminated: AgreementChangedV1 = { ...approved, status: 'terminated', change: 'terminated' };
    expect(await record(envelope(suspended, '2026-03-01T10:00:01Z'))).toBe(true);
    expect(await record(envelope(approved, '2026-03-01T10:00:00Z'))).toBe(false);
    expect(await record(envelope(terminated, '2026-03-01T10:00:02Z'))).toBe(true);
    expect(await record(envelope({ ...approved, change: 'republished' }, '2026-03-01T10:00:03Z'))).toBe(false);
    await waitFor(() => statusOf(id) === 'terminated', 5_000, 'the book to reload');
  });
});
