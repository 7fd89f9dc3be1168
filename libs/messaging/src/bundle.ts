import { randomUUID } from 'node:crypto';
import type * as amqp from 'amqplib';
import { BUNDLE_CONTENT_TYPE, BUNDLE_TYPE } from '@hub/contracts';

/** The properties an item of a bundle keeps of its own; the rest (user, reply-to) are the bundle's. */
export interface BundleItemProperties {
  messageId?: string;
  correlationId?: string;
  type?: string;
  contentType?: string;
  headers?: Record<string, unknown>;
}

export interface BundleItem {
  properties: BundleItemProperties;
  content: Buffer;
}

/**
 * Frames items into one body (contracts/src/bundle-format.ts states it): for each, a 4-byte big-endian length and its properties as JSON, then a 4-byte length and its
 * body, byte for byte (so that a signature over the body still holds).
 */
export function encodeBundle(items: readonly BundleItem[]): Buffer {
  const parts: Buffer[] = [];
  for (const { properties: p, content } of items) {
    const own: BundleItemProperties = {
      messageId: p.messageId,
      correlationId: p.correlationId,
      type: p.type,
      contentType: p.contentType,
      ...(p.headers && { headers: p.headers }),
    };
    const props = Buffer.from(JSON.stringify(own));
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(props.length);
    const body = Buffer.allocUnsafe(4);
    body.writeUInt32BE(content.length);
    parts.push(head, props, body, content);
  }
  return Buffer.concat(parts);
}

/** One AMQP message carrying `items`, sent by `service`; the caller adds reply-to, expiry and the like. */
export function bundleMessage(
  items: readonly BundleItem[],
  service: string,
): { content: Buffer; properties: amqp.Options.Publish } {
  return {
    content: encodeBundle(items),
    properties: {
      messageId: randomUUID(),
      type: BUNDLE_TYPE,
      userId: service,
      contentType: BUNDLE_CONTENT_TYPE,
    },
  };
}

export type Unbundled = { ok: true; items: BundleItem[] } | { ok: false; reason: string };

/** The items of a bundle's body, or why it is not one; at most `maxItems`. */
export function decodeBundle(content: Buffer, maxItems = 1_000): Unbundled {
  const items: BundleItem[] = [];
  let at = 0;
  const take = (what: string): Buffer | string => {
    if (at + 4 > content.length) return `bundle ends inside the length of ${what} ${items.length + 1}`;
    const length = content.readUInt32BE(at);
    at += 4;
    if (at + length > content.length) return `bundle ends inside ${what} ${items.length + 1}`;
    const slice = content.subarray(at, at + length);
    at += length;
    return slice;
  };
  while (at < content.length) {
    if (items.length === maxItems) return { ok: false, reason: `bundle holds more than ${maxItems} items` };
    const props = take('the properties of item');
    if (typeof props === 'string') return { ok: false, reason: props };
    const body = take('the body of item');
    if (typeof body === 'string') return { ok: false, reason: body };
    let properties: unknown;
    try {
      properties = JSON.parse(props.toString('utf8'));
    } catch {
      return { ok: false, reason: `the properties of item ${items.length + 1} are not JSON` };
    }
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
      return { ok: false, reason: `the properties of item ${items.length + 1} are not an object` };
    }
    items.push({ properties: pickProperties(properties as Record<string, unknown>), content: body });
  }
  if (items.length === 0) return { ok: false, reason: 'empty bundle' };
  return { ok: true, items };
}

/** An item as the AMQP message it stands for: its own properties, the bundle's user, reply-to and delivery. */
export function itemMessage<M extends amqp.Message>(bundle: M, item: BundleItem): M {
  return {
    ...bundle,
    content: item.content,
    properties: {
      ...bundle.properties,
      messageId: item.properties.messageId,
      correlationId: item.properties.correlationId,
      type: item.properties.type,
      contentType: item.properties.contentType,
      headers: item.properties.headers ?? {},
    },
  };
}

/** Only the fields an item may carry, of the right types: a bundle cannot smuggle in a user or a reply-to. */
function pickProperties(raw: Record<string, unknown>): BundleItemProperties {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const headers = raw.headers;
  return {
    messageId: text(raw.messageId),
    correlationId: text(raw.correlationId),
    type: text(raw.type),
    contentType: text(raw.contentType),
    ...(typeof headers === 'object' && headers !== null && !Array.isArray(headers)
      ? { headers: headers as Record<string, unknown> }
      : {}),
  };
}
