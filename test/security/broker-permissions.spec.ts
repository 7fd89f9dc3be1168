import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { adapterQueues } from '@hub/adapter-kit';
import { EXCHANGES, ORGANISATIONS, parkingQueueOf, queueOwner } from '@hub/contracts';
import { declareQueue, departmentQueue, devBrokerPassword, loadMessagingConfig, type QueueSpec } from '@hub/messaging';
import { HUB_QUEUES } from '../../apps/hub/src/messaging/hub-queues.js';
import { setupBroker } from '../../scripts/broker-setup.js';
import { DEMO_DEPARTMENTS, demoDepartmentUsers } from '../../scripts/demo-departments.js';
import { ADAPTERS } from '../support/adapters.js';
import { TEST_VHOST, testPool } from '../support/env.js';
import { migrateTestDatabase } from '../support/hub.js';

/**
 * Least privilege, proven on the real broker: every user tries every exchange with every routing key of the topology,
 * binds to each, reads every queue and declares in every namespace, and what the broker lets through must be exactly
 * the set written out below. A topology or permission change that widens it fails here.
 */
const AGENCIES = ['fk', 'af', 'skv'] as const;
const OREBRO = ORGANISATIONS.orebro;
const KARLSKOGA = ORGANISATIONS.karlskoga;
/** the own case system of Örebro's Tekniska förvaltningen, a department of the demo data that `npm run setup` knows */
const TEKNISKA = `department-${OREBRO}-tekniska-forvaltningen`;
const USERS = ['hub', ...AGENCIES.map((a) => `adapter-${a}`), TEKNISKA];
const REPLY_KEY = `q.hub.reply.${randomUUID()}`;
const DEFAULT = '(default)';

const specs: QueueSpec[] = [
  ...HUB_QUEUES,
  ...Object.values(ADAPTERS).flatMap((d) => adapterQueues(d)),
  departmentQueue(OREBRO, 'tekniska-forvaltningen'),
];
const QUEUES = specs.flatMap((s) => [s.queue, parkingQueueOf(s.queue)]);
/** a department's errand key: its own, another department's of the same municipality, another municipality's */
const DEPARTMENT_KEYS = [
  `${OREBRO}.tekniska-forvaltningen`,
  `${OREBRO}.socialforvaltningen`,
  `${KARLSKOGA}.tekniska-forvaltningen`,
];

/** Routing keys each user tries to publish with, and binding keys it tries to bind its own queue with. */
const PUBLISH_KEYS: Record<string, string[]> = {
  [EXCHANGES.query]: [...AGENCIES.map((a) => `query.${a}`), '#'],
  [EXCHANGES.referral]: [
    ...AGENCIES.map((a) => `referral.${a}.${a}.remisstyp`),
    ...DEPARTMENT_KEYS.map((d) => `errand.${d}`),
    '#',
  ],
  [EXCHANGES.event]: [
    ...AGENCIES.flatMap((a) => [`referral.status.${a}`, `catalogue.announced.${a}`, `audit.witnessed.${a}`]),
    ...DEPARTMENT_KEYS.map((d) => `errand.status.${d}`),
    'consent.revoked',
    'agreement.changed',
    'audit.checkpoint',
    '#',
  ],
  [EXCHANGES.reply]: [REPLY_KEY, 'q.adapter-fk.queries', '#'],
  [EXCHANGES.deadLetter]: [...QUEUES.filter((q) => !q.endsWith('.parked')), '#'],
  [DEFAULT]: QUEUES,
};
const BIND_KEYS: Record<string, string[]> = {
  ...PUBLISH_KEYS,
  [EXCHANGES.query]: [...PUBLISH_KEYS[EXCHANGES.query]!, 'query.*'],
  [EXCHANGES.referral]: [
    ...PUBLISH_KEYS[EXCHANGES.referral]!,
    ...AGENCIES.map((a) => `referral.${a}.#`),
    `errand.${OREBRO}.*`,
    'errand.#',
  ],
  [EXCHANGES.event]: [
    ...PUBLISH_KEYS[EXCHANGES.event]!,
    'referral.status.*',
    'catalogue.announced.*',
    'audit.witnessed.*',
    `errand.status.${OREBRO}.*`,
    'errand.status.*.*',
  ],
};
delete BIND_KEYS[DEFAULT];

/** The whole of what each user may do, written out by hand: the policy, not a copy of the code that makes it. */
function expected(user: string): string[] {
  if (user === 'hub') {
    return [
      ...AGENCIES.map((a) => `publish hub.query query.${a}`),
      ...AGENCIES.map((a) => `publish hub.referral referral.${a}.${a}.remisstyp`),
      // errands, and what happens to them in the hub, to any department of any municipality
      ...DEPARTMENT_KEYS.map((d) => `publish hub.referral errand.${d}`),
      'publish hub.event consent.revoked',
      'publish hub.event agreement.changed',
      'publish hub.event audit.checkpoint',
      'publish hub.dlx q.hub.events',
      // the hub replays parked messages to their queues through the default exchange: only the hub may write there
      ...QUEUES.map((q) => `publish ${DEFAULT} ${q}`),
      ...AGENCIES.flatMap((a) => [
        `bind hub.event referral.status.${a}`,
        `bind hub.event catalogue.announced.${a}`,
        `bind hub.event audit.witnessed.${a}`,
      ]),
      'bind hub.event referral.status.*',
      'bind hub.event catalogue.announced.*',
      'bind hub.event audit.witnessed.*',
      // every department's status reports
      ...DEPARTMENT_KEYS.map((d) => `bind hub.event errand.status.${d}`),
      `bind hub.event errand.status.${OREBRO}.*`,
      'bind hub.event errand.status.*.*',
      `bind hub.reply ${REPLY_KEY}`,
      'bind hub.dlx q.hub.events',
      // its own queues, and every service's parking queue (the parking lot)
      ...QUEUES.filter((q) => queueOwner(q) === 'hub' || q.endsWith('.parked')).map((q) => `read ${q}`),
      'declare q.hub.*',
    ];
  }
  const own = QUEUES.filter((q) => queueOwner(q) === user);
  if (user === TEKNISKA) {
    // its own errands and their status only: no other department's, no municipality's, no agency's traffic
    return [
      `publish hub.event errand.status.${OREBRO}.tekniska-forvaltningen`,
      ...own.filter((q) => !q.endsWith('.parked')).map((q) => `publish hub.dlx ${q}`),
      `bind hub.referral errand.${OREBRO}.tekniska-forvaltningen`,
      ...own.filter((q) => !q.endsWith('.parked')).map((q) => `bind hub.dlx ${q}`),
      ...own.map((q) => `read ${q}`),
      `declare q.${user}.*`,
    ];
  }
  const agency = user.slice('adapter-'.length);
  return [
    `publish hub.event referral.status.${agency}`,
    `publish hub.event catalogue.announced.${agency}`,
    `publish hub.event audit.witnessed.${agency}`,
    `publish hub.reply ${REPLY_KEY}`,
    ...own.filter((q) => !q.endsWith('.parked')).map((q) => `publish hub.dlx ${q}`),
    `bind hub.query query.${agency}`,
    `bind hub.referral referral.${agency}.${agency}.remisstyp`,
    `bind hub.referral referral.${agency}.#`,
    'bind hub.event consent.revoked',
    'bind hub.event agreement.changed',
    'bind hub.event audit.checkpoint',
    ...own.filter((q) => !q.endsWith('.parked')).map((q) => `bind hub.dlx ${q}`),
    ...own.map((q) => `read ${q}`),
    `declare q.${user}.*`,
  ];
}

async function connect(user: string, password = loadMessagingConfig(user).password): Promise<amqp.ChannelModel> {
  const { amqpUrl } = loadMessagingConfig('hub');
  const connection = await amqp.connect(amqpUrl, {
    noDelay: true,
    credentials: amqp.credentials.plain(user, password),
  } as amqp.SocketOptions);
  connection.on('error', () => undefined);
  return connection;
}

/** Whether the broker lets `act` through on a fresh channel: false when it refuses access, an error otherwise. */
async function allowed(connection: amqp.ChannelModel, act: (c: amqp.ConfirmChannel) => unknown): Promise<boolean> {
  const channel = await connection.createConfirmChannel();
  let refused: Error | undefined;
  channel.on('error', (err: Error) => (refused = err));
  try {
    await act(channel);
    await channel.waitForConfirms();
  } catch (err) {
    refused ??= err as Error;
  }
  if (!refused) {
    await channel.close().catch(() => undefined);
    return true;
  }
  if (!/ACCESS.REFUSED/.test(refused.message)) throw refused;
  return false;
}

async function whatIsAllowed(user: string): Promise<string[]> {
  const connection = await connect(user);
  const done: string[] = [];
  try {
    for (const [exchange, keys] of Object.entries(PUBLISH_KEYS)) {
      for (const key of keys) {
        const name = exchange === DEFAULT ? EXCHANGES.default : exchange;
        if (await allowed(connection, (c) => c.publish(name, key, Buffer.from('{}'))))
          done.push(`publish ${exchange} ${key}`);
      }
    }
    const probe = `q.${user}.permission-probe`;
    const holder = await connection.createChannel();
    await holder.assertQueue(probe, { exclusive: true, autoDelete: true });
    for (const [exchange, keys] of Object.entries(BIND_KEYS)) {
      for (const key of keys) {
        if (await allowed(connection, (c) => c.bindQueue(probe, exchange, key))) done.push(`bind ${exchange} ${key}`);
      }
    }
    for (const queue of QUEUES) {
      // consuming is reading; closing the channel unacknowledged gives back whatever it received
      if (await allowed(connection, (c) => c.consume(queue, () => undefined))) done.push(`read ${queue}`);
    }
    for (const owner of USERS) {
      const queue = `q.${owner}.declared-by-${user}`;
      if (await allowed(connection, (c) => c.assertQueue(queue, { exclusive: true })))
        done.push(`declare q.${owner}.*`);
    }
    await holder.close().catch(() => undefined);
  } finally {
    await connection.close().catch(() => undefined);
  }
  return done;
}

describe('broker permissions: each user may do exactly what its role needs', () => {
  afterAll(async () => {
    // the department's queue would keep every errand other suites forward to Tekniska förvaltningen
    const connection = await connect(TEKNISKA);
    const channel = await connection.createChannel();
    for (const queue of QUEUES.filter((q) => queueOwner(q) === TEKNISKA)) await channel.deleteQueue(queue);
    await connection.close();
  });

  beforeAll(async () => {
    // every queue of the topology exists, declared by its owner as the services declare them
    for (const owner of USERS) {
      const connection = await connect(owner);
      const channel = await connection.createChannel();
      for (const spec of specs.filter((s) => queueOwner(s.queue) === owner)) await declareQueue(channel, spec);
      await connection.close();
    }
  }, 60_000);

  it.each(USERS)(
    '%s',
    async (user) => {
      expect((await whatIsAllowed(user)).sort()).toEqual(expected(user).sort());
    },
    60_000,
  );

  it('gives every department of the demo data a broker user for its own system, and keeps its password', async () => {
    await migrateTestDatabase();
    const pool = testPool();
    const { rows } = await pool.query<{ organisation: string; name: string }>(
      `SELECT organisation, name FROM hub.unit
        WHERE kind = 'department' AND registered_by = 'migration' AND organisation = ANY($1)`,
      [[OREBRO, KARLSKOGA]],
    );
    await pool.end();
    const key = (d: { organisation: string; name: string }) => `${d.organisation} ${d.name}`;
    expect(rows.map(key).sort()).toEqual(DEMO_DEPARTMENTS.map(key).sort());

    const departments = demoDepartmentUsers();
    expect(departments.map((d) => d.user)).toContain(TEKNISKA);
    const before = new Map(departments.map((d) => [d.user, devBrokerPassword(d.user)]));
    const passwords = setupBroker(process.cwd(), [TEST_VHOST]);
    for (const { user } of departments) {
      expect({ user, password: passwords[user] }).toEqual({ user, password: before.get(user) });
      expect(existsSync(join('var', 'keys', 'public', `${user}.jwks.json`))).toBe(true);
      await (await connect(user)).close();
    }
  }, 60_000);

  it("takes every permission from guest, the broker's default administrator, in each vhost it sets up", async () => {
    // as a fresh broker has it on `/`
    execFileSync('rabbitmqctl', ['set_permissions', '-p', TEST_VHOST, 'guest', '.*', '.*', '.*'], { stdio: 'pipe' });
    const before = await connect('guest', 'guest');
    await before.close();
    setupBroker(process.cwd(), [TEST_VHOST]);
    await expect(connect('guest', 'guest')).rejects.toThrow(/ACCESS.REFUSED|refused|got <ConnectionClose/i);
  }, 60_000);
});
