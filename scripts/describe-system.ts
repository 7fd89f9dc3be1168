import {
  brokerDefinitions,
  DEFAULT_PREFETCH,
  departmentQueue,
  PARKING_QUEUE_ARGUMENTS,
  PARKING_QUEUE_OPTIONS,
  queueOptions,
  REPLY_QUEUE_OPTIONS,
  type QueueSpec,
} from '@hub/messaging';
import type { AgencyAdapterDefinition } from '../libs/adapter-kit/src/agency-adapter.js';
import { adapterQueues } from '../libs/adapter-kit/src/adapter-queues.js';
import { HUB_QUEUES } from '../apps/hub/src/messaging/hub-queues.js';
import { discoverAdapters } from './adapters.js';
import type {
  QueueDescription,
  SystemDescription,
  UserPermissionsDescription,
} from '../contracts/src/system-description.js';
import { agencyService, departmentService } from '../contracts/src/sender-rules.js';
import { EXCHANGES, parkingQueueOf, replyQueueName } from '../contracts/src/topology.js';

/**
 * The system as the services declare it, read from their own code: the adapter kit's and the hub's queue lists,
 * the queue arguments and the broker permissions of libs/messaging, the agencies found under apps/. For the
 * AsyncAPI document (generate.ts); an adapter's names are given for agency `{agency}`.
 */
export function describeSystem(root = process.cwd()): SystemDescription {
  const template = { agency: AGENCY, service: agencyService(AGENCY) } as AgencyAdapterDefinition;
  const queues: QueueDescription[] = [
    ...HUB_QUEUES.map((spec) => consumerQueue('hub', spec)),
    {
      owner: 'hub',
      name: replyQueueName('hub', INSTANCE),
      kind: 'reply',
      durable: REPLY_QUEUE_OPTIONS.durable,
      exclusive: REPLY_QUEUE_OPTIONS.exclusive,
      autoDelete: REPLY_QUEUE_OPTIONS.autoDelete,
      arguments: { ...REPLY_QUEUE_OPTIONS.arguments },
      bindings: [{ exchange: EXCHANGES.reply, routingKey: replyQueueName('hub', INSTANCE) }],
    },
    ...adapterQueues(template).map((spec) => consumerQueue('adapter', spec)),
    consumerQueue('department', departmentQueue(ORGANISATION, DEPARTMENT)),
  ];
  const definitions = brokerDefinitions([
    { user: 'hub', password: '-', role: 'hub' },
    { user: template.service, password: '-', role: 'agency', agency: AGENCY },
    {
      user: departmentService(ORGANISATION, DEPARTMENT),
      password: '-',
      role: 'department',
      organisation: ORGANISATION,
      department: DEPARTMENT,
    },
  ]) as {
    permissions: Array<{ user: string; configure: string; write: string; read: string }>;
    topic_permissions: Array<{ user: string; exchange: string; write: string; read: string }>;
  };
  const permissionsOf = (user: string): UserPermissionsDescription => {
    const { configure, write, read } = definitions.permissions.find((p) => p.user === user)!;
    const topic = definitions.topic_permissions
      .filter((p) => p.user === user)
      .map(({ exchange, write, read }) => ({ exchange, write, read }));
    return { user, configure, write, read, topic };
  };
  const agencies = discoverAdapters(root)
    .map(({ agency, name, organisation, service }) => ({ agency, name, organisation, service }))
    .sort((a, b) => a.agency.localeCompare(b.agency, 'en'));
  return placeholders({
    queues,
    permissions: {
      hub: permissionsOf('hub'),
      adapter: permissionsOf(template.service),
      department: permissionsOf(departmentService(ORGANISATION, DEPARTMENT)),
    },
    agencies,
  });
}

// Stand-ins that survive regular-expression escaping, replaced by `{agency}` and `{instance}` at the end.
const AGENCY = 'zzagencyzz';
const INSTANCE = 'zzinstancezz';
const ORGANISATION = '9999999999';
const DEPARTMENT = 'zzdepartmentzz';

function placeholders(system: SystemDescription): SystemDescription {
  return JSON.parse(
    JSON.stringify(system)
      .replaceAll(AGENCY, '{agency}')
      .replaceAll(INSTANCE, '{instance}')
      .replaceAll(ORGANISATION, '{organisation}')
      .replaceAll(DEPARTMENT, '{department}'),
  ) as SystemDescription;
}

function consumerQueue(owner: QueueDescription['owner'], spec: QueueSpec & { prefetch?: number }): QueueDescription {
  const parking = parkingQueueOf(spec.queue);
  return {
    owner,
    name: spec.queue,
    kind: spec.kind,
    ...queueOptions(spec),
    bindings: spec.bindings.map(({ exchange, routingKey }) => ({ exchange, routingKey })),
    prefetch: spec.prefetch ?? DEFAULT_PREFETCH,
    parking: {
      name: parking,
      ...PARKING_QUEUE_OPTIONS,
      arguments: { ...PARKING_QUEUE_ARGUMENTS },
      binding: { exchange: EXCHANGES.deadLetter, routingKey: spec.queue },
    },
  };
}
