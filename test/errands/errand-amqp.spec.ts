import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import {
  departmentService,
  departmentSlug,
  EXCHANGES,
  messageTypes,
  ORGANISATIONS,
  routingKeys,
  type Envelope,
  type ErrandForwardedV1,
  type ErrandStatusV1,
} from '@hub/contracts';
import {
  brokerDefinitions,
  departmentQueue,
  loadMessagingConfig,
  MessagingClient,
  messagingOptionsFrom,
  PgIdempotencyStore,
} from '@hub/messaging';
import { HUB_EVENTS_QUEUE } from '../../apps/hub/src/messaging/hub-queues.js';
import { quietLogger, rawChannel, TEST_VHOST, testPool, waitFor } from '../support/env.js';
import { migrateTestDatabase, startHub, USERS, type RunningHub, type TestUser } from '../support/hub.js';

const OREBRO = ORGANISATIONS.orebro;

/** A department unit of this run, with its own case system: a broker user and a signing key of its own. */
class DepartmentSystem {
  readonly slug: string;
  readonly service: string;
  readonly password = randomBytes(18).toString('base64url');
  client?: MessagingClient;

  constructor(readonly name: string) {
    this.slug = departmentSlug(name);
    this.service = departmentService(OREBRO, this.slug);
  }

  /** As `npm run setup` would give it: permissions derived from the sender rules, nothing more. */
  createBrokerUser(): void {
    const definitions = brokerDefinitions(
      [
        {
          user: this.service,
          password: this.password,
          role: 'department',
          organisation: OREBRO,
          department: this.slug,
        },
      ],
      TEST_VHOST,
    );
    const [permissions] = definitions.permissions as Array<{ configure: string; write: string; read: string }>;
    rabbitmqctl('add_user', this.service, this.password);
    rabbitmqctl(
      'set_permissions',
      '-p',
      TEST_VHOST,
      this.service,
      permissions!.configure,
      permissions!.write,
      permissions!.read,
    );
    for (const topic of definitions.topic_permissions as Array<{ exchange: string; write: string; read: string }>) {
      rabbitmqctl('set_topic_permissions', '-p', TEST_VHOST, this.service, topic.exchange, topic.write, topic.read);
    }
  }

  async connect(): Promise<MessagingClient> {
    const config = loadMessagingConfig(this.service, {
      ...process.env,
      AMQP_PASSWORD: this.password,
      ORGANISATION: OREBRO,
    });
    this.client = new MessagingClient(messagingOptionsFrom(config, messageTypes), quietLogger);
    await this.client.connect();
    return this.client;
  }

  /** A raw connection as this system's broker user: what a foreign client could do with its login. */
  async raw(): Promise<{ channel: amqp.ConfirmChannel; close: () => Promise<void> }> {
    const url = new URL(loadMessagingConfig('hub').amqpUrl);
    url.username = '';
    url.password = '';
    const connection = await amqp.connect(url.toString(), {
      credentials: amqp.credentials.plain(this.service, this.password),
    } as amqp.SocketOptions);
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    return { channel, close: () => connection.close().catch(() => undefined) };
  }

  status(errandId: string, payload: Partial<ErrandStatusV1>) {
    return this.client!.publish(EXCHANGES.event, routingKeys.errandStatus(OREBRO, this.slug), {
      type: 'errand.status.v1',
      correlationId: errandId,
      payload: {
        errandId,
        organisation: OREBRO,
        department: this.slug,
        status: 'taken',
        at: new Date().toISOString(),
        actor: { organisation: OREBRO, name: 'Tove Teknik', service: this.service },
        ...payload,
      } satisfies ErrandStatusV1,
    });
  }

  async remove(): Promise<void> {
    await this.client?.close();
    try {
      rabbitmqctl('delete_user', this.service);
    } catch {
      // never created
    }
    for (const side of ['private', 'public']) {
      for (const file of [`${this.service}.jwk.json`, `${this.service}.jwks.json`]) {
        rmSync(join('var', 'keys', side, file), { force: true });
      }
    }
  }
}

const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'pipe' });

/**
 * Issue 17: a department with its own case system subscribes over AMQP with the same contract as an agency's
 * referral: it hears of each errand forwarded to it once, moves it along the same lifecycle as the built-in inbox,
 * and hears of every change made in the hub (the inbox, a hand-over, the front office's withdrawal).
 */
describe("errands to a department's own system over AMQP", () => {
  const pool = testPool();
  const run = randomInt(100_000, 999_999);
  const teknik = new DepartmentSystem(`Teknikförvaltning ${run}`);
  const other = new DepartmentSystem(`Kulturförvaltning ${run}`);
  let hub: RunningHub;
  let departmentId: string;
  let otherDepartmentId: string;
  const received: Array<Envelope<ErrandForwardedV1>> = [];
  /** errand.status.v1 from the hub, as each department's system received it */
  const told = new Map<DepartmentSystem, Array<Envelope<ErrandStatusV1>>>([
    [teknik, []],
    [other, []],
  ]);
  const forwardedToOther: Array<Envelope<ErrandForwardedV1>> = [];
  let failFirst = true;
  /** staff of the department working it in the hub's inbox, beside its own system */
  const inboxUser = (d: DepartmentSystem): TestUser => ({
    id: `${d.slug}.staff`,
    name: `Handläggare ${d.name}`,
    organisation: OREBRO,
    unit: d.name,
    roles: ['department'],
  });
  const statusesOf = (d: DepartmentSystem, errandId: string) =>
    told.get(d)!.filter((e) => e.payload.errandId === errandId);
  const forward = async () => {
    const created = await hub.call('POST', '/api/errands', {
      as: USERS.guide,
      body: {
        topic: 'gata-park.gatubelysning',
        departmentId,
        message: 'Gatlyktan på Drottninggatan blinkar.',
        citizen: { name: 'Eva Svensson' },
        preferredChannel: 'phone',
      },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  const errand = async (id: string) => (await hub.call('GET', `/api/errands/${id}`, { as: USERS.guide })).body;
  const handledByHub = (messageId: string) =>
    waitFor(
      async () =>
        (
          await pool.query('SELECT 1 FROM messaging.processed_message WHERE consumer = $1 AND message_id = $2', [
            HUB_EVENTS_QUEUE.queue,
            messageId,
          ])
        ).rowCount === 1 ||
        (await pool.query('SELECT 1 FROM hub.parked_message WHERE message_id = $1', [messageId])).rowCount === 1,
      15_000,
      `message ${messageId} handled`,
    );

  beforeAll(async () => {
    await migrateTestDatabase();
    for (const d of [teknik, other]) {
      await pool.query(
        `INSERT INTO hub.unit (organisation, name, kind, display_name, registered_by)
         VALUES ($1, $2, 'department', $2, 'test') ON CONFLICT DO NOTHING`,
        [OREBRO, d.name],
      );
      d.createBrokerUser();
    }
    hub = await startHub();
    const list = await hub.call('GET', '/api/errands/departments', { as: USERS.guide });
    departmentId = list.body.find((d: { name: string }) => d.name === teknik.name).id;
    otherDepartmentId = list.body.find((d: { name: string }) => d.name === other.name).id;

    const client = await teknik.connect();
    await client.consume({
      queue: departmentQueue(OREBRO, teknik.slug),
      prefetch: 4,
      retryBaseDelayMs: 50,
      idempotency: new PgIdempotencyStore(pool),
      handlers: new Map([
        [
          'errand.forwarded.v1',
          async (envelope: Envelope) => {
            // the system fails on its first try: the broker delivers the errand again
            if (failFirst) {
              failFirst = false;
              throw new Error('case system briefly down');
            }
            received.push(envelope as Envelope<ErrandForwardedV1>);
          },
        ],
        ['errand.status.v1', async (envelope: Envelope) => void told.get(teknik)!.push(envelope as never)],
      ]),
    });
    const otherClient = await other.connect();
    await otherClient.consume({
      queue: departmentQueue(OREBRO, other.slug),
      prefetch: 4,
      retryBaseDelayMs: 50,
      idempotency: new PgIdempotencyStore(pool),
      handlers: new Map([
        ['errand.forwarded.v1', async (envelope: Envelope) => void forwardedToOther.push(envelope as never)],
        ['errand.status.v1', async (envelope: Envelope) => void told.get(other)!.push(envelope as never)],
      ]),
    });
  }, 90_000);

  afterAll(async () => {
    await hub?.close();
    await teknik.remove();
    await other.remove();
    // closed, so that other suites find the demo's departments only
    await pool.query(`UPDATE hub.unit SET closed_at = now() WHERE organisation = $1 AND name = ANY($2)`, [
      OREBRO,
      [teknik.name, other.name],
    ]);
    await pool.end();
  }, 60_000);

  let id: string;

  it('sends the errand to the department’s system once, also when the system fails and when it comes again', async () => {
    // a tap on the department's own key, to publish the very same message again as the outbox would after a crash
    const tap = await teknik.raw();
    const tapQueue = `q.${teknik.service}.tap`;
    await tap.channel.assertQueue(tapQueue, { exclusive: true });
    await tap.channel.bindQueue(tapQueue, EXCHANGES.referral, routingKeys.errandForwarded(OREBRO, teknik.slug));

    const created = await hub.call('POST', '/api/errands', {
      as: USERS.guide,
      body: {
        topic: 'gata-park.gatubelysning',
        departmentId,
        message: 'Lampan vid busshållplatsen på Storgatan är släckt sedan en vecka.',
        citizen: { name: 'Eva Svensson', phone: '070-123 45 67' },
        preferredChannel: 'phone',
      },
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    await waitFor(() => received.length === 1, 15_000, 'the errand at the department');
    expect(received[0]!.payload).toMatchObject({
      errandId: id,
      organisation: OREBRO,
      department: teknik.slug,
      departmentName: teknik.name,
      topic: 'gata-park.gatubelysning',
      citizen: { name: 'Eva Svensson', phone: '070-123 45 67' },
      forwardedBy: { organisation: OREBRO, unit: 'Servicecenter', staffId: USERS.guide.id },
    });
    expect(received[0]!.sender.service).toBe('hub');

    let copy: amqp.GetMessage | false = false;
    await waitFor(async () => Boolean((copy = await tap.channel.get(tapQueue, { noAck: true }))), 5_000, 'the tap');
    const again = await rawChannel('hub');
    const { fields, properties, content } = copy as unknown as amqp.GetMessage;
    again.channel.publish(fields.exchange, fields.routingKey, content, {
      messageId: properties.messageId,
      correlationId: properties.correlationId,
      type: properties.type,
      userId: 'hub',
      contentType: properties.contentType,
      headers: properties.headers,
      persistent: true,
    });
    await again.channel.waitForConfirms();
    await again.close();
    await tap.close();
    await waitFor(
      () => (teknik.client!.consumerStats()[departmentQueue(OREBRO, teknik.slug).queue]?.duplicates ?? 0) >= 1,
      10_000,
      'the copy dropped',
    );
    expect(received).toHaveLength(1);
  }, 60_000);

  it("refuses another department's system, whether it speaks for its own department or for this one", async () => {
    const ownKey = await other.status(id, { status: 'taken' });
    await handledByHub(ownKey);
    // it may write only its own routing key, and the hub holds the payload to the broker-validated sender
    const claimed = await other.client!.publish(EXCHANGES.event, routingKeys.errandStatus(OREBRO, other.slug), {
      type: 'errand.status.v1',
      correlationId: id,
      payload: {
        errandId: id,
        organisation: OREBRO,
        department: teknik.slug,
        status: 'taken',
        at: new Date().toISOString(),
        actor: { organisation: OREBRO, name: 'Inte Tove' },
      } satisfies ErrandStatusV1,
    });
    await handledByHub(claimed);
    const parked = await pool.query('SELECT reason FROM hub.parked_message WHERE message_id = $1', [claimed]);
    expect(parked.rows).toEqual([{ reason: expect.stringContaining('sender rule') }]);
    expect(await errand(id)).toMatchObject({ status: 'sent', department: teknik.name });

    // nor may it write to the department's own key: the broker closes its channel
    const raw = await other.raw();
    raw.channel.publish(EXCHANGES.event, routingKeys.errandStatus(OREBRO, teknik.slug), Buffer.from('{}'), {
      userId: other.service,
    });
    await expect(raw.channel.waitForConfirms()).rejects.toBeDefined();
    await raw.close();
    expect(await errand(id)).toMatchObject({ status: 'sent' });
  }, 60_000);

  it("moves the errand taken → answered → closed from the department's system; the guide reads the answer", async () => {
    await handledByHub(await teknik.status(id, { status: 'taken' }));
    expect(await errand(id)).toMatchObject({ status: 'taken', takenBy: 'Tove Teknik' });
    // an answer without text, and closing twice, change nothing
    await handledByHub(await teknik.status(id, { status: 'answered' }));
    expect((await errand(id)).status).toBe('taken');
    await handledByHub(
      await teknik.status(id, { status: 'answered', answer: 'Lampan byts inom tre arbetsdagar. /Tekniska' }),
    );
    await handledByHub(await teknik.status(id, { status: 'closed' }));
    await handledByHub(await teknik.status(id, { status: 'closed' }));
    const view = await errand(id);
    expect(view).toMatchObject({
      status: 'closed',
      answer: 'Lampan byts inom tre arbetsdagar. /Tekniska',
      answeredBy: 'Tove Teknik',
    });
    expect(view.timeline.map((e: { event: string }) => e.event)).toEqual(['sent', 'taken', 'answered', 'closed']);
  }, 60_000);

  it("tells the department's system of every move made in the hub's inbox, with the answer", async () => {
    const errandId = await forward();
    const staff = inboxUser(teknik);
    expect((await hub.call('POST', `/api/errands/${errandId}/take`, { as: staff, body: {} })).status).toBe(200);
    const answer = 'Lampan byts på fredag. /Tekniska';
    const answered = await hub.call('POST', `/api/errands/${errandId}/answer`, { as: staff, body: { answer } });
    expect(answered.status).toBe(200);
    expect((await hub.call('POST', `/api/errands/${errandId}/close`, { as: staff, body: {} })).status).toBe(200);

    await waitFor(() => statusesOf(teknik, errandId).length === 3, 15_000, 'three statuses at the system');
    const statuses = statusesOf(teknik, errandId);
    expect(statuses.map((e) => e.payload.status).sort()).toEqual(['answered', 'closed', 'taken']);
    for (const envelope of statuses) {
      expect(envelope.sender).toEqual({ organisation: OREBRO, service: 'hub' });
      expect(envelope.correlationId).toBe(errandId);
      expect(envelope.payload).toMatchObject({
        organisation: OREBRO,
        department: teknik.slug,
        actor: { organisation: OREBRO, name: staff.name },
      });
    }
    const byStatus = Object.fromEntries(statuses.map((e) => [e.payload.status, e.payload]));
    expect(byStatus.taken!.answer).toBeUndefined();
    expect(byStatus.answered!.answer).toBe(answer);
    expect(byStatus.closed!.answer).toBe(answer);
    // the hub applies none of them again: the system hears, the timeline has each step once
    const view = await errand(errandId);
    expect(view.timeline.map((e: { event: string }) => e.event)).toEqual(['sent', 'taken', 'answered', 'closed']);
  }, 60_000);

  it('tells the department that had the errand of a hand-over, and the one it went to of the errand', async () => {
    const errandId = await forward();
    const handed = await hub.call('POST', `/api/errands/${errandId}/hand-over`, {
      as: inboxUser(teknik),
      body: { departmentId: otherDepartmentId, note: 'Gäller kulturhuset' },
    });
    expect(handed.status).toBe(200);
    await waitFor(() => statusesOf(teknik, errandId).length === 1, 15_000, 'the hand-over at the first system');
    expect(statusesOf(teknik, errandId)[0]!.payload).toMatchObject({
      status: 'handed-over',
      department: teknik.slug,
      note: 'Gäller kulturhuset',
      handedOverTo: other.name,
    });
    await waitFor(
      () => forwardedToOther.some((e) => e.payload.errandId === errandId),
      15_000,
      'the errand at the other system',
    );
    expect(forwardedToOther.find((e) => e.payload.errandId === errandId)!.payload).toMatchObject({
      department: other.slug,
      handedOverFrom: teknik.name,
    });
    expect(statusesOf(other, errandId)).toEqual([]);
  }, 60_000);

  it("tells the department's system of the front office's withdrawal; the hub refuses its later moves", async () => {
    const errandId = await forward();
    await handledByHub(await teknik.status(errandId, { status: 'taken' }));
    const withdrawn = await hub.call('POST', `/api/errands/${errandId}/withdraw`, {
      as: USERS.guide,
      body: { reason: 'Invånaren har löst det själv.' },
    });
    expect(withdrawn.status).toBe(200);
    await waitFor(() => statusesOf(teknik, errandId).length === 1, 15_000, 'the withdrawal at the system');
    const [notice] = statusesOf(teknik, errandId);
    expect(notice!.sender.service).toBe('hub');
    expect(notice!.payload).toMatchObject({
      errandId,
      organisation: OREBRO,
      department: teknik.slug,
      status: 'withdrawn',
      note: 'Invånaren har löst det själv.',
      actor: { organisation: OREBRO, name: USERS.guide.name },
    });

    const late = await teknik.status(errandId, { status: 'answered', answer: 'Lampan är bytt.' });
    const claimed = await teknik.status(errandId, { status: 'withdrawn' });
    await handledByHub(late);
    await handledByHub(claimed);
    const view = await errand(errandId);
    expect(view).toMatchObject({ status: 'withdrawn' });
    expect(view.answer).toBeUndefined();
    expect(view.timeline.map((e: { event: string }) => e.event)).toEqual(['sent', 'taken', 'withdrawn']);
    const { rows } = await pool.query<{ outcome: string; actor_kind: string; details: { status: string } }>(
      `SELECT outcome, actor_kind, details FROM audit.entry WHERE kind = 'errand' AND correlation_id = $1 ORDER BY seq`,
      [errandId],
    );
    const entries = rows.map(
      (r) => `${r.actor_kind} ${r.outcome}${r.outcome === 'refused' ? ` ${r.details.status}` : ''}`,
    );
    expect(entries.slice(0, 3)).toEqual(['staff sent', 'service taken', 'staff withdrawn']);
    // the two refusals may be judged in either order
    expect(entries.slice(3).sort()).toEqual(['service refused answered', 'service refused withdrawn']);
  }, 60_000);
});
