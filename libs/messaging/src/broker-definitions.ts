import { createHash, randomBytes } from 'node:crypto';
import { EXCHANGES, receiversOf, SENDER_RULES } from '@hub/contracts';

export interface ServiceAccount {
  user: string;
  password: string;
  /**
   * 'hub' sends queries, referrals and errands; an agency adapter answers its own and reports status; a department's
   * own system (`department-<organisationsnummer>-<department>`) receives its errands and reports their status
   */
  role: 'hub' | 'agency' | 'department';
  /** for agencies: the agency code in routing keys, e.g. 'fk' */
  agency?: string;
  /** for departments: the municipality's organisationsnummer and the department's short name */
  organisation?: string;
  department?: string;
}

/** RabbitMQ's rabbit_password_hashing_sha256: base64(salt ++ sha256(salt ++ password)) with a 4-byte salt. */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** The topic exchanges: every user gets a topic permission on each, since a missing one means "anything". */
const TOPIC_EXCHANGES = [EXCHANGES.query, EXCHANGES.referral, EXCHANGES.event, EXCHANGES.reply, EXCHANGES.deadLetter];

const NOTHING = '^$';

/**
 * A routing key of the sender rules as a regular expression, for one party. `{agency}` is the agency's own code, or
 * for the hub any agency (or `*` in a binding key); `{organisation}` and `{department}` a department's own, or for
 * the hub any (or `*`); `{referralType}` one word, or `#` in a binding key.
 */
function keyPattern(routingKey: string, account: ServiceAccount): string {
  return routingKey
    .split(/(\{[a-zA-Z]+\})/)
    .map((part) => {
      if (part === '{agency}') return account.agency ? escape(account.agency) : '([a-z][a-z0-9]*|\\*)';
      if (part === '{organisation}') return account.organisation ? escape(account.organisation) : '([0-9]{10}|\\*)';
      if (part === '{department}') {
        return account.department ? escape(account.department) : '([a-z][a-z0-9]*(-[a-z0-9]+)*|\\*)';
      }
      if (part === '{referralType}') return '([a-z0-9][a-z0-9.-]*|#)';
      if (part === '{instance}') return '[A-Za-z0-9-]+';
      return escape(part);
    })
    .join('');
}

const anyOf = (patterns: string[]) => (patterns.length ? `^(${[...new Set(patterns)].join('|')})$` : NOTHING);

/**
 * What one account may do on one topic exchange, from the sender rules: write the keys of what it sends, read (bind)
 * the keys of what is sent to it, and on the dead-letter exchange only its own queues' keys.
 */
function topicPermission(account: ServiceAccount, exchange: string): { write: string; read: string } {
  const own = `q\\.${escape(account.user)}\\..+`;
  if (exchange === EXCHANGES.deadLetter) return { write: `^${own}$`, read: `^${own}$` };
  const sends = SENDER_RULES.filter((r) => r.exchange === exchange && r.sender === account.role);
  const receives = SENDER_RULES.filter((r) => r.exchange === exchange && receiversOf(r).includes(account.role));
  return {
    write: anyOf(sends.map((r) => keyPattern(r.routingKey, account))),
    read: anyOf(receives.map((r) => keyPattern(r.routingKey, account))),
  };
}

/**
 * Broker definitions (users, least-privilege permissions, exchanges) for `rabbitmqctl import_definitions` or the
 * management plugin's load_definitions, derived from the sender rules (contracts/src/sender-rules.ts). A service may
 * configure only its own queues (`q.<user>.*`); it may write only to the exchanges it sends on, with the routing keys
 * of what it sends, and bind only to what is sent to it. Only the hub may write to the default exchange (which
 * reaches every queue by name): it replays parked messages through it. test/security/broker-permissions.spec.ts
 * tries every exchange, key and queue as every user against a real broker.
 */
export function brokerDefinitions(accounts: ServiceAccount[], vhost = '/'): Record<string, unknown> {
  const exchanges = TOPIC_EXCHANGES.map((name) => ({
    name,
    type: 'topic',
    vhost,
    durable: true,
    auto_delete: false,
    internal: false,
    arguments: {},
  }));
  return {
    users: accounts.map((a) => ({
      name: a.user,
      password_hash: rabbitPasswordHash(a.password),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: [],
    })),
    vhosts: [{ name: vhost }],
    permissions: accounts.map((a) => {
      const own = `q\\.${escape(a.user)}\\..+`;
      const topics = TOPIC_EXCHANGES.map((exchange) => ({ exchange, ...topicPermission(a, exchange) }));
      const writes = topics.filter((t) => t.write !== NOTHING).map((t) => escape(t.exchange));
      const reads = topics.filter((t) => t.read !== NOTHING).map((t) => escape(t.exchange));
      // the hub keeps the parking lot: it takes parked messages off every service's parking queues, nothing else
      const queues = a.role === 'hub' ? [own, 'q\\.[^.]+\\.[^.]+\\.parked'] : [own];
      return {
        user: a.user,
        vhost,
        configure: `^${own}$`,
        write: anyOf([own, ...writes, ...(a.role === 'hub' ? ['amq\\.default'] : [])]),
        read: anyOf([...queues, ...reads]),
      };
    }),
    topic_permissions: accounts.flatMap((a) =>
      TOPIC_EXCHANGES.map((exchange) => ({ user: a.user, vhost, exchange, ...topicPermission(a, exchange) })),
    ),
    exchanges,
  };
}
