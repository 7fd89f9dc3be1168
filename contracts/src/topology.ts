/**
 * Where messages travel on the broker. Part of the contract: an adapter written in another language binds
 * its queues with these names and keys (see contracts/generated/asyncapi.json).
 */
export const EXCHANGES = {
  /** topic; routing key `query.<agency>`; request/reply over direct reply-to, non-persistent, with expiry */
  query: 'hub.query',
  /**
   * topic; routing key `referral.<agency>.<referral-type>`, and `errand.<organisationsnummer>.<department>` for
   * errands forwarded to a department's own system; persistent, confirmed
   */
  referral: 'hub.referral',
  /** topic; routing key = message kind, e.g. `referral.status.fk`, `consent.revoked`; persistent, confirmed */
  event: 'hub.event',
  /**
   * topic; dead letters and parked messages, routing key = the queue they came from. A topic exchange so that topic
   * permissions hold each service to its own queues' keys: nobody can bind to, or write into, another's parking.
   */
  deadLetter: 'hub.dlx',
  /** topic; replies to queries, routing key = the requester's reply queue (`q.hub.reply.<instance>`) */
  reply: 'hub.reply',
  /** RabbitMQ's nameless default exchange: only the hub writes to it, to replay a parked message to its queue */
  default: '',
} as const;

/**
 * The reply queue of one requester instance: exclusive to its connection, bound to `hub.reply` under its own name.
 * Not RabbitMQ's direct reply-to, whose replies go through the default exchange, which reaches every queue by name.
 */
export const replyQueueName = (service: string, instance: string) => `q.${service}.reply.${instance}`;

export const routingKeys = {
  query: (agency: string) => `query.${agency}`,
  referral: (agency: string, referralType: string) => `referral.${agency}.${referralType}`,
  referralStatus: (agency: string) => `referral.status.${agency}`,
  consentRevoked: () => 'consent.revoked',
  agreementChanged: () => 'agreement.changed',
  catalogueAnnounced: (agency: string) => `catalogue.announced.${agency}`,
  auditCheckpoint: () => 'audit.checkpoint',
  auditWitnessed: (agency: string) => `audit.witnessed.${agency}`,
  errandForwarded: (organisation: string, department: string) => `errand.${organisation}.${department}`,
  errandStatus: (organisation: string, department: string) => `errand.status.${organisation}.${department}`,
};

/** The parking queue of a consumer queue: parked (dead-lettered) messages with their reason. */
export const parkingQueueOf = (queue: string) => `${queue}.parked`;

/** AMQP headers the hub sets. */
export const HEADERS = {
  signature: 'x-signature',
  parkedReason: 'x-parked-reason',
  parkedAt: 'x-parked-at',
  parkedFrom: 'x-parked-from',
  /** on a parked message: the broker user the parking consumer received it from (believed only of the hub) */
  originalUser: 'x-original-user-id',
  deliveryCount: 'x-delivery-count',
  /** on an error reply: why the responder could not answer */
  error: 'x-error',
} as const;

/** Every queue a service owns is named `q.<service>.<name>`; broker permissions rely on the prefix. */
export const queueName = (service: string, name: string) => `q.${service}.${name}`;

/** The service that owns a queue named by `queueName` (its parking queue too). */
export const queueOwner = (queue: string) => queue.split('.')[1] ?? '';

/** AMQP `type` of a reply that carries no envelope, only the reason in the `x-error` header */
export const ERROR_REPLY_TYPE = 'error';

/**
 * AMQP `type` of a bundle: several requests to one routing key (or the replies to a bundle) in one AMQP message, each
 * with its own properties and body, as if sent alone. See libs/messaging/src/bundle.ts for the framing.
 */
export const BUNDLE_TYPE = 'bundle';
