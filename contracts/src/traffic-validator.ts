import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { unframeBundle } from './bundle-format.js';
import { routingKeyRegExp } from './asyncapi.js';
import { serviceParty } from './sender-rules.js';

/** One message as a service handed it to the broker. */
export interface PublishedMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  /** AMQP basic properties by their AMQP names (`message_id`, …), headers apart, absent ones left out */
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
}

export interface TrafficCheck {
  /** the document's message it was checked as, e.g. `query.request.v1`, `bundle` */
  message: string | undefined;
  /** the channel ids whose exchange and routing key it matched */
  channels: string[];
  problems: string[];
  /** the items of a bundle, each checked as if it had come alone */
  items?: TrafficCheck[];
}

const PROPERTY_NAMES: Record<string, string> = {
  messageId: 'message_id',
  correlationId: 'correlation_id',
  type: 'type',
  userId: 'user_id',
  contentType: 'content_type',
  contentEncoding: 'content_encoding',
  replyTo: 'reply_to',
  expiration: 'expiration',
  timestamp: 'timestamp',
  appId: 'app_id',
  priority: 'priority',
  deliveryMode: 'delivery_mode',
};

/** amqplib's publish options as the AMQP properties the broker receives (`persistent` is `delivery_mode`). */
export function publishedProperties(options: Record<string, unknown> = {}): {
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
} {
  const properties: Record<string, unknown> = {};
  for (const [name, amqpName] of Object.entries(PROPERTY_NAMES)) {
    if (options[name] !== undefined) properties[amqpName] = options[name];
  }
  if (options.persistent !== undefined) properties.delivery_mode = options.persistent ? 2 : 1;
  return { properties, headers: (options.headers as Record<string, unknown> | undefined) ?? {} };
}

// the document is read as it comes: its shape is checked by contracts.spec.ts against the AsyncAPI schema
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/**
 * Checks published messages against an AsyncAPI document as this project writes it: the channel is found by the
 * binding's exchange and the address as a routing-key pattern (parameters by `x-pattern`), the message by the AMQP
 * `type` (`bundle`, `error` included); then its AMQP properties (`x-amqp-properties`), headers and payload schemas,
 * the sending side (the operation's tag against `user_id`), and for a bundle each item as if it had come alone.
 * Nothing of the services' own code is used: only the document.
 */
export class AsyncApiTrafficValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Doc) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    (addFormats as unknown as { default: (ajv: Ajv) => void }).default(this.ajv);
    this.ajv.addSchema({ $id: 'urn:samtjanst-hub:asyncapi-document', components: { schemas: doc.components.schemas } });
  }

  check(published: PublishedMessage): TrafficCheck {
    const type = published.properties.type;
    const name = this.messageName(type);
    if (!name) return { message: undefined, channels: [], problems: [`no message of AMQP type ${String(type)}`] };
    const channels = this.channelsFor(published.exchange, published.routingKey, name);
    const problems: string[] = [];
    if (channels.length === 0) {
      problems.push(`no channel carries ${name} on exchange '${published.exchange}' with key ${published.routingKey}`);
    }
    problems.push(...this.checkSender(channels, name, published.properties.user_id));
    const message = this.doc.components.messages[name];
    problems.push(...this.validate(`${name} properties`, message['x-amqp-properties'], published.properties));
    if (message.headers) problems.push(...this.validate(`${name} headers`, message.headers, published.headers));
    else if (Object.keys(published.headers).length) problems.push(`${name} carries headers`);
    if (name === 'bundle') {
      const unframed = unframeBundle(published.content);
      if (!unframed.ok) return { message: name, channels, problems: [...problems, `bundle: ${unframed.reason}`] };
      const items = unframed.items.map((item, i) => {
        const own = this.validate(`bundle item ${i + 1} properties`, ITEM_PROPERTIES_REF, item.properties);
        const p = (own.length ? {} : item.properties) as Record<string, unknown>;
        const bundle = published.properties;
        const properties = publishedProperties({
          messageId: p.messageId,
          correlationId: p.correlationId,
          type: p.type,
          contentType: p.contentType,
          userId: bundle.user_id,
          replyTo: bundle.reply_to,
          expiration: bundle.expiration,
          deliveryMode: bundle.delivery_mode,
        }).properties;
        const checked = this.check({
          exchange: published.exchange,
          routingKey: published.routingKey,
          content: item.body,
          properties,
          headers: (p.headers as Record<string, unknown> | undefined) ?? {},
        });
        return { ...checked, problems: [...own, ...checked.problems] };
      });
      return { message: name, channels, problems, items };
    }
    let body: unknown;
    try {
      body = JSON.parse(published.content.toString('utf8'));
    } catch {
      return { message: name, channels, problems: [...problems, `${name}: the body is not JSON`] };
    }
    problems.push(...this.validate(`${name} payload`, message.payload, body));
    problems.push(...this.checkEnvelope(name, published, body));
    return { message: name, channels, problems };
  }

  /** The message named in the document for an AMQP type. */
  private messageName(type: unknown): string | undefined {
    const messages = this.doc.components.messages as Record<string, Doc>;
    return Object.keys(messages).find((name) => messages[name].bindings?.amqp?.messageType === type);
  }

  private channelsFor(exchange: string, routingKey: string, name: string): string[] {
    return Object.entries<Doc>(this.doc.channels)
      .filter(([, channel]) => channel.bindings?.amqp?.exchange?.name === exchange && channel.messages?.[name])
      .filter(([, channel]) => routingKeyRegExp(channel.address, channel.parameters ?? {}).test(routingKey))
      .map(([id]) => id);
  }

  /** The party whose operations send it on the channel (or whose reply it is) must be the one that sent it. */
  private checkSender(channels: string[], name: string, user: unknown): string[] {
    const role = typeof user === 'string' ? serviceParty(user)?.role : undefined;
    const party = role && { hub: 'hub', agency: 'adapter', department: 'department' }[role];
    if (!party) return [`user_id ${String(user)} is neither the hub, an adapter nor a department's system`];
    const senders = new Set<string>();
    for (const op of Object.values<Doc>(this.doc.operations)) {
      const tag = op.tags?.[0]?.name;
      const sends = (ref: string, messages: Doc[]) =>
        channels.some((id) => ref === `#/channels/${id}`) && messages.some((m) => m.$ref.endsWith(`/${name}`));
      if (op.action === 'send' && sends(op.channel.$ref, op.messages)) senders.add(tag);
      if (op.action === 'receive' && op.reply && sends(op.reply.channel.$ref, op.reply.messages)) senders.add(tag);
      if (op.action === 'send' && op.reply && sends(op.reply.channel.$ref, op.reply.messages)) {
        senders.add(tag === 'hub' ? 'adapter' : 'hub');
      }
    }
    return channels.length && !senders.has(party) ? [`${name} on ${channels.join(', ')} is not sent by ${party}`] : [];
  }

  private checkEnvelope(name: string, published: PublishedMessage, body: unknown): string[] {
    if (name === 'error-reply') return [];
    const envelope = body as { id?: string; correlationId?: string; type?: string; sender?: { service?: string } };
    const { properties } = published;
    const problems: string[] = [];
    if (envelope.type !== properties.type) problems.push(`${name}: envelope type ${envelope.type}`);
    if (envelope.id !== properties.message_id) problems.push(`${name}: message_id is not the envelope id`);
    if (envelope.sender?.service !== properties.user_id) problems.push(`${name}: user_id is not sender.service`);
    const channel = this.doc.channels[this.channelsFor(published.exchange, published.routingKey, name)[0] ?? ''];
    const agency = channel && routingKeyRegExp(channel.address, channel.parameters ?? {}).exec(published.routingKey);
    const payloadAgency = (body as { payload?: { agency?: unknown } }).payload?.agency;
    if (agency?.groups?.agency && payloadAgency !== undefined && agency.groups.agency !== payloadAgency) {
      problems.push(`${name}: routing key names agency ${agency.groups.agency}, the payload ${String(payloadAgency)}`);
    }
    return problems;
  }

  private validate(what: string, schema: Doc, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(resolveRefs(schema));
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${what}: ${e.instancePath || '/'} ${e.message ?? ''}`);
  }
}

const ITEM_PROPERTIES_REF = { $ref: '#/components/schemas/BundleItemProperties' };

/** Local `#/components/...` references as references into the document added to Ajv. */
function resolveRefs(schema: Doc): Doc {
  return JSON.parse(
    JSON.stringify(schema).replace(
      /"\$ref":"#\/components\//g,
      '"$ref":"urn:samtjanst-hub:asyncapi-document#/components/',
    ),
  ) as Doc;
}
