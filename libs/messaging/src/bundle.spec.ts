import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as amqp from 'amqplib';
import { BUNDLE_ITEM_PROPERTIES, BUNDLE_TYPE, BUNDLE_VECTOR_ITEMS, type BundleVectorItem } from '@hub/contracts';
import { bundleMessage, decodeBundle, encodeBundle, itemMessage, type BundleItem } from './bundle.js';

const item = (n: number, extra: Partial<BundleItem['properties']> = {}): BundleItem => ({
  properties: { messageId: `m-${n}`, correlationId: `c-${n}`, type: 'query.request.v1', ...extra },
  content: Buffer.from(JSON.stringify({ n, text: 'räksmörgås "quoted" \\ and \u0000' })),
});

describe('bundle framing', () => {
  it('gives back every item in order, bodies byte for byte', () => {
    const items = [item(1), item(2, { headers: { 'x-signature': 'abc..def' } }), item(3)];
    const decoded = decodeBundle(encodeBundle(items));
    expect(decoded).toEqual({ ok: true, items });
  });

  it('keeps only the properties an item may carry of its own', () => {
    const smuggled = {
      properties: { ...item(1).properties, userId: 'hub', replyTo: 'elsewhere' } as BundleItem['properties'],
      content: Buffer.from('{}'),
    };
    const decoded = decodeBundle(encodeBundle([smuggled]));
    expect(decoded.ok && decoded.items[0]!.properties).toEqual(item(1).properties);
  });

  it.each([
    ['an empty body', Buffer.alloc(0), 'empty bundle'],
    ['a cut length', Buffer.from([0, 0]), 'bundle ends inside the length of the properties of item 1'],
    ['a length past the end', Buffer.from([0, 0, 0, 9, 123]), 'bundle ends inside the properties of item 1'],
    ['properties that are not JSON', frame('{nope', '{}'), 'the properties of item 1 are not JSON'],
    ['properties that are an array', frame('[1]', '{}'), 'the properties of item 1 are not an object'],
    ['a missing body', encodeBundle([item(1)]).subarray(0, -3), 'bundle ends inside the body of item 1'],
  ])('refuses %s with a reason', (_what, body, reason) => {
    expect(decodeBundle(body)).toEqual({ ok: false, reason });
  });

  it('refuses more items than allowed', () => {
    const body = encodeBundle([item(1), item(2), item(3)]);
    expect(decodeBundle(body, 2)).toEqual({ ok: false, reason: 'bundle holds more than 2 items' });
    expect(decodeBundle(body, 3).ok).toBe(true);
  });

  it('makes each item a message with the bundle’s user and reply-to and its own id, type and headers', () => {
    const bundle = {
      content: Buffer.from('bundle'),
      fields: { deliveryTag: 7 },
      properties: { userId: 'hub', replyTo: 'amq.rabbitmq.reply-to.x', type: 'bundle', messageId: 'b-1', headers: {} },
    } as unknown as amqp.ConsumeMessage;
    const message = itemMessage(bundle, item(2, { headers: { 'x-signature': 's' } }));
    expect(message.content).toEqual(item(2).content);
    expect(message.fields).toBe(bundle.fields);
    expect(message.properties).toMatchObject({
      userId: 'hub',
      replyTo: 'amq.rabbitmq.reply-to.x',
      messageId: 'm-2',
      correlationId: 'c-2',
      type: 'query.request.v1',
      headers: { 'x-signature': 's' },
    });
  });
});

function frame(properties: string, body: string): Buffer {
  const p = Buffer.from(properties);
  const b = Buffer.from(body);
  const out = Buffer.alloc(8 + p.length + b.length);
  out.writeUInt32BE(p.length, 0);
  p.copy(out, 4);
  out.writeUInt32BE(b.length, 4 + p.length);
  b.copy(out, 8 + p.length);
  return out;
}

describe('the bundle test vector of the AsyncAPI document', () => {
  const doc = JSON.parse(
    readFileSync(fileURLToPath(new URL('../../../contracts/generated/asyncapi.json', import.meta.url)), 'utf8'),
  );
  const vector = doc['x-bundle'].testVector as { items: BundleVectorItem[]; hex: string };
  const asItems = (items: BundleVectorItem[]) =>
    items.map((item) => ({ properties: item.properties, content: Buffer.from(item.body, 'utf8') }));

  it('is what the encoder the services use writes', () => {
    expect(encodeBundle(asItems(vector.items)).toString('hex')).toBe(vector.hex);
    expect(vector.items).toEqual(BUNDLE_VECTOR_ITEMS);
  });

  it('decodes to its items', () => {
    const decoded = decodeBundle(Buffer.from(vector.hex, 'hex'));
    expect(decoded).toEqual({ ok: true, items: asItems(vector.items) });
  });

  it('states the big-endian length prefix, the content type and the item property names the encoder uses', () => {
    expect(doc['x-bundle']).toMatchObject({
      type: BUNDLE_TYPE,
      contentType: bundleMessage([], 'hub').properties.contentType,
      itemProperties: [...BUNDLE_ITEM_PROPERTIES],
    });
    expect(doc['x-bundle'].lengthPrefix).toMatch(/big-endian/);
    const encoded = encodeBundle(asItems(vector.items.slice(1)));
    const length = encoded.readUInt32BE(0);
    expect(Object.keys(JSON.parse(encoded.subarray(4, 4 + length).toString('utf8')))).toEqual([
      ...BUNDLE_ITEM_PROPERTIES,
    ]);
    expect(bundleMessage([], 'hub').properties).not.toHaveProperty('correlationId');
  });
});
