import { EXCHANGES, queueName } from '@hub/contracts';
import type { QueueSpec } from '@hub/messaging';

/** The hub's own consumer queues. A module that handles another event type adds its binding here. */
export const HUB_EVENTS_QUEUE: QueueSpec = {
  queue: queueName('hub', 'events'),
  kind: 'persistent',
  bindings: [
    { exchange: EXCHANGES.event, routingKey: 'catalogue.announced.*' },
    { exchange: EXCHANGES.event, routingKey: 'referral.status.*' },
  ],
};

export const HUB_QUEUES: QueueSpec[] = [HUB_EVENTS_QUEUE];
