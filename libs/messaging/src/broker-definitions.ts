import { createHash, randomBytes } from 'node:crypto';
import { EXCHANGES } from '@hub/contracts';

export interface ServiceAccount {
  user: string;
  password: string;
  /** 'hub' sends queries and referrals; an agency adapter answers its own and reports status */
  role: 'hub' | 'agency';
  /** for agencies: the agency code in routing keys, e.g. 'fk' */
  agency?: string;
}

/** RabbitMQ's rabbit_password_hashing_sha256: base64(salt ++ sha256(salt ++ password)) with a 4-byte salt. */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/**
 * Broker definitions (users, least-privilege permissions, exchanges) for `rabbitmqctl import_definitions` or
 * the management plugin's load_definitions. Topic permissions bind each agency to its own routing keys, so an
 * adapter can neither read another agency's queries nor publish status for another agency's referrals.
 */
export function brokerDefinitions(accounts: ServiceAccount[], vhost = '/'): Record<string, unknown> {
  const exchanges = [
    ...[EXCHANGES.query, EXCHANGES.referral, EXCHANGES.event].map((name) => ({ name, type: 'topic' })),
    { name: EXCHANGES.deadLetter, type: 'direct' },
  ].map((exchange) => ({ ...exchange, vhost, durable: true, auto_delete: false, internal: false, arguments: {} }));
  const x = (name: string) => escape(name);
  return {
    users: accounts.map((a) => ({
      name: a.user,
      password_hash: rabbitPasswordHash(a.password),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: [],
    })),
    vhosts: [{ name: vhost }],
    permissions: accounts.map((a) => {
      const own = `q\\.${escape(a.user)}\\..*`;
      const sends = a.role === 'hub' ? [EXCHANGES.query, EXCHANGES.referral, EXCHANGES.event] : [EXCHANGES.event];
      // the hub keeps the parking lot: it takes parked messages off every service's parking queues, nothing else
      const reads = a.role === 'hub' ? `${own}|q\\.[^.]+\\.[^.]+\\.parked` : own;
      return {
        user: a.user,
        vhost,
        configure: `^${own}$`,
        write: `^(${own}|${[...sends, EXCHANGES.deadLetter, 'amq.default'].map(x).join('|')})$`,
        read: `^(${reads}|${[EXCHANGES.query, EXCHANGES.referral, EXCHANGES.event, EXCHANGES.deadLetter].map(x).join('|')})$`,
      };
    }),
    topic_permissions: accounts.flatMap((a) => {
      if (a.role === 'hub') {
        return [
          { user: a.user, vhost, exchange: EXCHANGES.query, write: '^query\\..+$', read: '^$' },
          { user: a.user, vhost, exchange: EXCHANGES.referral, write: '^referral\\..+$', read: '^$' },
          { user: a.user, vhost, exchange: EXCHANGES.event, write: '.*', read: '.*' },
        ];
      }
      const agency = escape(a.agency ?? '');
      return [
        { user: a.user, vhost, exchange: EXCHANGES.query, write: '^$', read: `^query\\.${agency}$` },
        { user: a.user, vhost, exchange: EXCHANGES.referral, write: '^$', read: `^referral\\.${agency}\\..+$` },
        {
          user: a.user,
          vhost,
          exchange: EXCHANGES.event,
          write: `^(referral\\.status|catalogue\\.announced|audit\\.witnessed)\\.${agency}$`,
          read: '^(consent\\.revoked|agreement\\.changed|audit\\.checkpoint)$',
        },
      ];
    }),
    exchanges,
  };
}
