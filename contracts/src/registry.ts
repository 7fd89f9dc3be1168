/** How a message type travels. */
export type Delivery =
  /** request in a request/reply exchange: non-persistent, with an expiry, answered on direct reply-to */
  | 'request'
  /** the reply to a request */
  | 'reply'
  /** persistent, publisher-confirmed, consumed idempotently by message id */
  | 'persistent';

/** Who publishes a message type; the other side consumes it. */
export type Party = 'hub' | 'adapter' | 'department';

export interface MessageTypeSpec<P extends object = object> {
  /** `<domain>.<name>.v<major>` */
  type: string;
  /** the class-validator class of the payload */
  payload: new () => P;
  delivery: Delivery;
  /** an envelope of this type must name the agreement (id and version) and the purpose it relies on */
  requiresAgreement: boolean;
  /** the exchange it is published to and a routing key pattern, for AsyncAPI */
  exchange: string;
  routingKey: string;
  summary: string;
  /** who publishes it; when both do, each consumes the other's */
  publishers?: readonly Party[];
  /** for a request: the message type that answers it */
  replyType?: string;
  /** a valid example payload: documentation, and checked by the contract tests */
  example: P;
}

export class MessageTypeRegistry {
  private readonly byType = new Map<string, MessageTypeSpec>();

  constructor(specs: readonly MessageTypeSpec[]) {
    for (const spec of specs) {
      if (this.byType.has(spec.type)) throw new Error(`message type ${spec.type} registered twice`);
      this.byType.set(spec.type, spec);
    }
  }

  get(type: string): MessageTypeSpec | undefined {
    return this.byType.get(type);
  }

  all(): MessageTypeSpec[] {
    return [...this.byType.values()];
  }
}
