import { EXCHANGES, queueName, routingKeys } from '@hub/contracts';
import type { QueueSpec } from '@hub/messaging';
import type { AgencyAdapterDefinition } from './agency-adapter.js';

/** The adapter's three queues: queries (request/reply), referrals and notices from the hub (persistent). */
export function adapterQueues(definition: AgencyAdapterDefinition): Array<QueueSpec & { prefetch?: number }> {
  const { service, agency } = definition;
  return [
    {
      queue: queueName(service, 'queries'),
      kind: 'request',
      bindings: [{ exchange: EXCHANGES.query, routingKey: routingKeys.query(agency) }],
      // answers wait on simulated latency and the register, not on the CPU: keep many in hand
      prefetch: 128,
    },
    {
      queue: queueName(service, 'referrals'),
      kind: 'persistent',
      bindings: [{ exchange: EXCHANGES.referral, routingKey: `referral.${agency}.#` }],
      // referrals that arrive together are stored in one transaction: up to this many
      prefetch: 64,
    },
    {
      queue: queueName(service, 'events'),
      kind: 'persistent',
      bindings: [
        { exchange: EXCHANGES.event, routingKey: routingKeys.consentRevoked() },
        { exchange: EXCHANGES.event, routingKey: routingKeys.agreementChanged() },
        { exchange: EXCHANGES.event, routingKey: routingKeys.auditCheckpoint() },
      ],
      prefetch: 16,
    },
  ];
}
