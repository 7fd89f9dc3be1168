/**
 * What the running system declares on the broker, as the AsyncAPI document states it: queues with their arguments,
 * bindings and prefetch, the broker permissions of each kind of service user, the agencies. Gathered from the code
 * that declares them (contracts/src/system.ts), so that the document cannot say one thing while the services do
 * another.
 */

export interface QueueBindingDescription {
  exchange: string;
  routingKey: string;
}

export interface QueueDescription {
  /** the kind of service that declares and consumes it */
  owner: 'hub' | 'adapter' | 'department';
  /** `q.<service>.<name>`, with `{agency}`, `{organisation}`, `{department}` or `{instance}` where the name varies */
  name: string;
  kind: 'request' | 'persistent' | 'reply';
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: Record<string, unknown>;
  bindings: QueueBindingDescription[];
  /** basic.qos prefetch count of its consumer */
  prefetch?: number;
  /** where what it cannot process is parked */
  parking?: {
    name: string;
    durable: boolean;
    exclusive: boolean;
    autoDelete: boolean;
    arguments: Record<string, unknown>;
    binding: QueueBindingDescription;
  };
}

export interface TopicPermissionDescription {
  exchange: string;
  write: string;
  read: string;
}

/** RabbitMQ permissions (regular expressions) of a service's broker user, `{agency}` standing for its agency code. */
export interface UserPermissionsDescription {
  user: string;
  configure: string;
  write: string;
  read: string;
  topic: TopicPermissionDescription[];
}

export interface AgencyDescription {
  /** the agency code in routing keys and category codes */
  agency: string;
  name: string;
  /** organisationsnummer */
  organisation: string;
  /** its adapter's broker user, `sender.service` and signing key owner */
  service: string;
}

export interface SystemDescription {
  queues: QueueDescription[];
  permissions: {
    hub: UserPermissionsDescription;
    adapter: UserPermissionsDescription;
    department: UserPermissionsDescription;
  };
  agencies: AgencyDescription[];
}
