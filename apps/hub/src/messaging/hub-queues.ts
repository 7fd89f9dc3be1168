import { EXCHANGES, queueName } from '@hub/contracts';
import type { QueueSpec } from '@hub/messaging';

/** The hub's own consumer queues. A module that handles another event type adds its binding here. */
export const HUB_EVENTS_QUEUE: QueueSpec & { prefetch?: number } = {
  queue: queueName('hub', 'events'),
  kind: 'persistent',
  bindings: [
    { exchange: EXCHANGES.event, routingKey: 'catalogue.announced.*' },
    { exchange: EXCHANGES.event, routingKey: 'referral.status.*' },
    { exchange: EXCHANGES.event, routingKey: 'audit.witnessed.*' },
    // from departments' own case systems: errand.status.<organisationsnummer>.<department>
    { exchange: EXCHANGES.event, routingKey: 'errand.status.*.*' },
  ],
  // status events that arrive together are recorded in one transaction: up to this many
  prefetch: 64,
};

export const HUB_QUEUES: Array<QueueSpec & { prefetch?: number }> = [HUB_EVENTS_QUEUE];
