import { EXCHANGES } from './topology.js';

/**
 * Who a broker user is: the hub, the adapter of one agency (`adapter-<agency>`), or the own case system of one
 * department of a municipality (`department-<organisationsnummer>-<department>`), which receives the errands
 * forwarded to that department and reports their status, as an agency's adapter does with referrals.
 */
export type ServiceParty =
  | { role: 'hub' }
  | { role: 'agency'; agency: string }
  | { role: 'department'; organisation: string; department: string };

/** The broker user of an agency's adapter: its signing key id too. */
export const agencyService = (agency: string) => `adapter-${agency}`;

/** A department's short name in routing keys and its system's broker user: `tekniska-forvaltningen`. */
export const DEPARTMENT_SLUG_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The department's short name from its unit name: lower case, ASCII letters and digits, words joined by `-`. */
export function departmentSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** The broker user of a department's own case system, and its signing key id. */
export const departmentService = (organisation: string, department: string) =>
  `department-${organisation}-${department}`;

const AGENCY_SERVICE = /^adapter-([a-z][a-z0-9]*)$/;
const DEPARTMENT_SERVICE = /^department-([0-9]{10})-([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;

/** The party a broker user speaks for, or undefined for a user that is none of the hub, an adapter, a department. */
export function serviceParty(user: string): ServiceParty | undefined {
  if (user === 'hub') return { role: 'hub' };
  const agency = AGENCY_SERVICE.exec(user)?.[1];
  if (agency) return { role: 'agency', agency };
  const department = DEPARTMENT_SERVICE.exec(user);
  return department ? { role: 'department', organisation: department[1]!, department: department[2]! } : undefined;
}

/**
 * One way a message type may travel: who sends it, the exchange it is published to and its routing key, with
 * `{agency}` standing for the agency the message is for (hub) or from (agency), `{organisation}` and `{department}`
 * for the department. A message sent by an agency names that agency in its payload's `agency` field, and nothing
 * else; one sent by a department's system names its municipality and department in `organisation` and `department`.
 */
export interface SenderRule {
  type: string;
  sender: ServiceParty['role'];
  exchange: string;
  routingKey: string;
  /** who may receive it; by default the hub and the agencies, but not the sender (a department receives only its own) */
  receivers?: readonly ServiceParty['role'][];
}

/** Who may receive what a rule carries. */
export const receiversOf = (rule: SenderRule): readonly ServiceParty['role'][] =>
  rule.receivers ?? (['hub', 'agency'] as const).filter((role) => role !== rule.sender);

/** Routing key of a reply: the requester's own reply queue, `q.hub.reply.<instance>`. */
export const REPLY_ROUTING_KEY = 'q.hub.reply.{instance}';

/**
 * The sender rules: for every message type, who may send it and on which exchange. Consumers refuse (park) what
 * breaks them, whatever the broker let through, and the broker's permissions are derived from the same table
 * (libs/messaging/src/broker-definitions.ts), so that one cannot widen without the other.
 */
export const SENDER_RULES: readonly SenderRule[] = [
  { type: 'query.request.v1', sender: 'hub', exchange: EXCHANGES.query, routingKey: 'query.{agency}' },
  { type: 'query.reply.v1', sender: 'agency', exchange: EXCHANGES.reply, routingKey: REPLY_ROUTING_KEY },
  {
    type: 'referral.created.v1',
    sender: 'hub',
    exchange: EXCHANGES.referral,
    routingKey: 'referral.{agency}.{referralType}',
  },
  // the hub tells the agency of a withdrawal on the referral's own key, so that it queues behind the referral
  {
    type: 'referral.status.v1',
    sender: 'hub',
    exchange: EXCHANGES.referral,
    routingKey: 'referral.{agency}.{referralType}',
  },
  { type: 'referral.status.v1', sender: 'agency', exchange: EXCHANGES.event, routingKey: 'referral.status.{agency}' },
  { type: 'consent.revoked.v1', sender: 'hub', exchange: EXCHANGES.event, routingKey: 'consent.revoked' },
  { type: 'agreement.changed.v1', sender: 'hub', exchange: EXCHANGES.event, routingKey: 'agreement.changed' },
  {
    type: 'catalogue.announced.v1',
    sender: 'agency',
    exchange: EXCHANGES.event,
    routingKey: 'catalogue.announced.{agency}',
  },
  { type: 'audit.checkpoint.v1', sender: 'hub', exchange: EXCHANGES.event, routingKey: 'audit.checkpoint' },
  { type: 'audit.witnessed.v1', sender: 'agency', exchange: EXCHANGES.event, routingKey: 'audit.witnessed.{agency}' },
  // errands forwarded inside a municipality: to the department's own system, as a referral goes to an agency
  {
    type: 'errand.forwarded.v1',
    sender: 'hub',
    exchange: EXCHANGES.referral,
    routingKey: 'errand.{organisation}.{department}',
    receivers: ['department'],
  },
  // the hub tells the department's system of what happened in the hub on the errand's own key, behind the errand
  {
    type: 'errand.status.v1',
    sender: 'hub',
    exchange: EXCHANGES.referral,
    routingKey: 'errand.{organisation}.{department}',
    receivers: ['department'],
  },
  {
    type: 'errand.status.v1',
    sender: 'department',
    exchange: EXCHANGES.event,
    routingKey: 'errand.status.{organisation}.{department}',
    receivers: ['hub'],
  },
];

export type SenderCheck = { ok: true } | { ok: false; reason: string };

export interface ArrivedMessage {
  type: string;
  /** the broker-validated user_id */
  user: string;
  /** the exchange the broker says the message came through ('' for the default exchange) */
  exchange: string;
  payload: unknown;
}

/**
 * Checks a message against the sender rules. The hub alone may also send through the default exchange (an
 * administrator's replay of a parked message to the queue it was parked from): no other user may write there.
 */
export function checkSender(message: ArrivedMessage, rules: readonly SenderRule[] = SENDER_RULES): SenderCheck {
  const party = serviceParty(message.user);
  if (!party) return { ok: false, reason: `${message.user} is neither the hub, an agency's adapter nor a department` };
  const own = rules.filter((r) => r.type === message.type && r.sender === party.role);
  if (!own.length) return { ok: false, reason: `${message.type} may not be sent by ${describe(party)}` };
  const replay = party.role === 'hub' && message.exchange === EXCHANGES.default;
  if (!replay && !own.some((r) => r.exchange === message.exchange)) {
    const expected = own.map((r) => r.exchange).join(' or ');
    return {
      ok: false,
      reason: `${message.type} from ${describe(party)} must come through ${expected}, came through '${message.exchange}'`,
    };
  }
  if (party.role === 'agency') {
    const named = (message.payload as { agency?: unknown } | null)?.agency;
    if (named !== party.agency) {
      return { ok: false, reason: `${message.type} from ${describe(party)} speaks for agency ${String(named)}` };
    }
  }
  if (party.role === 'department') {
    const named = message.payload as { organisation?: unknown; department?: unknown } | null;
    if (named?.organisation !== party.organisation || named?.department !== party.department) {
      return {
        ok: false,
        reason: `${message.type} from ${describe(party)} speaks for department ${String(named?.department)} of ${String(named?.organisation)}`,
      };
    }
  }
  return { ok: true };
}

function describe(party: ServiceParty): string {
  if (party.role === 'hub') return 'the hub';
  if (party.role === 'agency') return `agency ${party.agency}`;
  return `department ${party.department} of ${party.organisation}`;
}
