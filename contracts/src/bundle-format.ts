/**
 * The bundle framing as the contract states it, written from the document's words and independent of the encoder
 * the services use (libs/messaging/src/bundle.ts), whose output its test vector is checked against.
 */

/** The properties an item of a bundle carries, as JSON keys, in the order they are written. */
export const BUNDLE_ITEM_PROPERTIES = ['messageId', 'correlationId', 'type', 'contentType', 'headers'] as const;

/** The AMQP `content_type` of a bundle. */
export const BUNDLE_CONTENT_TYPE = 'application/octet-stream';

export interface BundleVectorItem {
  properties: {
    messageId: string;
    correlationId: string;
    type: string;
    contentType: string;
    headers?: Record<string, string>;
  };
  body: string;
}

/** For each item: uint32 big-endian length, the properties as UTF-8 JSON, uint32 big-endian length, the body. */
export function frameBundle(items: readonly BundleVectorItem[]): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat(
    items.flatMap(({ properties, body }) => {
      const json = Buffer.from(JSON.stringify(properties), 'utf8');
      const content = Buffer.from(body, 'utf8');
      return [u32(json.length), json, u32(content.length), content];
    }),
  );
}

/** Two requests of one bundle, their bodies shortened (a real body is a whole signed envelope). */
export const BUNDLE_VECTOR_ITEMS: readonly BundleVectorItem[] = [
  {
    properties: {
      messageId: 'a55b9c93-2034-48ad-a906-3f010aef07c4',
      correlationId: '12abd3cc-5872-45dd-ae28-1e807bf3b2c7',
      type: 'query.request.v1',
      contentType: 'application/json',
    },
    body: '{"id":"a55b9c93-2034-48ad-a906-3f010aef07c4"}',
  },
  {
    properties: {
      messageId: '0b7e2f4c-9a1d-4c3e-8f5a-6d2b1c0e9f87',
      correlationId: '5d1f0e2a-3b4c-4d5e-9f6a-7b8c9d0e1f2a',
      type: 'query.request.v1',
      contentType: 'application/json',
      headers: { 'x-signature': 'eyJhbGciOiJFZERTQSIsImtpZCI6Imh1YiJ9..c2lnbmF0dXJl' },
    },
    body: '{"id":"0b7e2f4c-9a1d-4c3e-8f5a-6d2b1c0e9f87"}',
  },
];

/** A bundle's items as the framing above reads, or why it cannot be read. */
export function unframeBundle(
  body: Buffer,
): { ok: true; items: Array<{ properties: unknown; body: Buffer }> } | { ok: false; reason: string } {
  const items: Array<{ properties: unknown; body: Buffer }> = [];
  let at = 0;
  const take = (): Buffer | undefined => {
    if (at + 4 > body.length) return undefined;
    const length = body.readUInt32BE(at);
    if (at + 4 + length > body.length) return undefined;
    const slice = body.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return slice;
  };
  while (at < body.length) {
    const properties = take();
    const content = take();
    if (!properties || !content) return { ok: false, reason: `truncated at item ${items.length + 1}` };
    try {
      items.push({ properties: JSON.parse(properties.toString('utf8')), body: content });
    } catch {
      return { ok: false, reason: `the properties of item ${items.length + 1} are not JSON` };
    }
  }
  return items.length ? { ok: true, items } : { ok: false, reason: 'empty bundle' };
}
