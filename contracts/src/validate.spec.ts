import { Envelope, Sender } from './envelope.js';
import {
  exampleEnvelope,
  messageTypes,
  QueryReplyV1,
  StaffRequester,
  QueryRequestV1,
  ReleasedCategory,
} from './messages/index.js';
import { MessageTypeRegistry } from './registry.js';
import { validateMessage } from './validate.js';

const example = (type: string) => structuredClone(exampleEnvelope(messageTypes.get(type)!)) as Record<string, any>;
const reasonFor = (message: unknown) => {
  const result = validateMessage(message, messageTypes);
  return result.ok ? 'ok' : result.reason;
};

describe('validateMessage', () => {
  it('returns the envelope and payload as instances of their classes', () => {
    const result = validateMessage(example('query.request.v1'), messageTypes);
    if (!result.ok) throw new Error(result.reason);
    expect(result.envelope).toBeInstanceOf(Envelope);
    expect(result.envelope.sender).toBeInstanceOf(Sender);
    expect(result.envelope.payload).toBeInstanceOf(QueryRequestV1);
    expect((result.envelope.payload as QueryRequestV1).requester).toBeInstanceOf(StaffRequester);
  });

  it('turns arrays of nested objects into instances too', () => {
    const result = validateMessage(example('query.reply.v1'), messageTypes);
    if (!result.ok) throw new Error(result.reason);
    const payload = result.envelope.payload as QueryReplyV1;
    expect(payload.released[0]).toBeInstanceOf(ReleasedCategory);
    expect(payload.released[0].data).toEqual({
      records: [{ benefit: 'barnbidrag', amount: 1250, period: '2025-02', paidOn: '2025-02-20' }],
    });
  });

  it('leaves the message it is given unchanged', () => {
    const message = example('referral.created.v1');
    const copy = structuredClone(message);
    validateMessage(message, messageTypes);
    expect(message).toEqual(copy);
  });

  it.each([null, 'query.request.v1', 42, [], undefined])('rejects %p as not a JSON object', (message) => {
    expect(reasonFor(message)).toBe('message: must be a JSON object');
  });

  it('names the path and the rule that failed', () => {
    const message = example('query.request.v1');
    message.payload.subject = '19121212-1212';
    expect(reasonFor(message)).toBe('payload.subject: must match /^[0-9]{12}$/ regular expression');
  });

  it('names unknown properties, nested and in arrays', () => {
    const request = example('query.request.v1');
    request.payload.requester.personnummer = '191212121212';
    expect(reasonFor(request)).toBe('payload.requester.personnummer: unknown property');

    const reply = example('query.reply.v1');
    reply.payload.denied[0].why = 'sekretess';
    expect(reasonFor(reply)).toBe('payload.denied.0.why: unknown property');

    const envelope = example('consent.revoked.v1');
    envelope.signature = 'x';
    expect(reasonFor(envelope)).toBe('signature: unknown property');
  });

  it('reports the type check first, and how many more rules failed', () => {
    const message = example('referral.created.v1');
    message.payload.message = 7;
    message.payload.contactPreference = 'brevduva';
    expect(reasonFor(message)).toBe('payload.message: must be a string (and 3 more)');
  });

  it('rejects an unknown type', () => {
    const message = example('query.request.v1');
    message.type = 'query.request.v9';
    expect(reasonFor(message)).toBe('type: unknown message type query.request.v9');
  });

  it('rejects a malformed type before looking it up', () => {
    const message = example('query.request.v1');
    message.type = 'Query Request';
    expect(reasonFor(message)).toMatch(/^type: must match /);
  });

  it('requires the agreement and the purpose where the type relies on one', () => {
    const withoutAgreement = example('referral.created.v1');
    delete withoutAgreement.agreement;
    expect(reasonFor(withoutAgreement)).toBe('agreement: required for referral.created.v1');

    const withoutPurpose = example('query.request.v1');
    delete withoutPurpose.purpose;
    expect(reasonFor(withoutPurpose)).toBe('purpose: required for query.request.v1');
  });

  it('does not require an agreement where the type does not rely on one', () => {
    const message = example('query.reply.v1');
    delete message.agreement;
    delete message.purpose;
    expect(reasonFor(message)).toBe('ok');
  });

  it('rejects a payload that is not an object, and a missing one', () => {
    const array = example('query.request.v1');
    array.payload = [];
    expect(reasonFor(array)).toBe('payload: must be an object');

    const missing = example('query.request.v1');
    delete missing.payload;
    expect(reasonFor(missing)).toBe('payload: must be an object');
  });

  it("rejects another type's payload", () => {
    const message = example('query.request.v1');
    message.payload = example('query.reply.v1').payload;
    expect(reasonFor(message)).toMatch(/^payload\.\w+: unknown property \(and \d+ more\)$/);
  });

  it('rejects null where a property is optional: the schema does too', () => {
    const message = example('query.request.v1');
    message.payload.consentId = null;
    expect(reasonFor(message)).toBe('payload.consentId: must be a UUID');
  });

  it("requires an actor's name or service", () => {
    const message = example('referral.status.v1');
    delete message.payload.actor.name;
    expect(reasonFor(message)).toBe('ok');
    delete message.payload.actor.service;
    expect(reasonFor(message)).toMatch(/^payload\.actor\.name: must be a string/);
  });

  it('rejects impossible dates and date-times without an offset', () => {
    const message = example('agreement.changed.v1');
    message.payload.validTo = '2026-02-29';
    expect(reasonFor(message)).toBe('payload.validTo: must be a date (YYYY-MM-DD)');
    message.payload.validTo = '2028-02-29';
    expect(reasonFor(message)).toBe('ok');
    message.issuedAt = '2024-12-18T14:30:00';
    expect(reasonFor(message)).toBe('issuedAt: must be an RFC 3339 date-time');
  });

  it('rejects __proto__ and constructor keys, which class-transformer would drop unseen', () => {
    const text = JSON.stringify(example('query.request.v1'));
    expect(reasonFor(JSON.parse(text.replace('"requester":{', '"requester":{"__proto__":{"admin":true},')))).toBe(
      'payload.requester.__proto__: unknown property',
    );
    expect(reasonFor(JSON.parse(text.replace('{"id"', '{"constructor":{},"id"')))).toBe(
      'constructor: unknown property',
    );
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('rejects data nested deeper than any contract needs, without overflowing the stack', () => {
    const message = example('query.reply.v1');
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = [deep];
    message.payload.released[0].data = { deep };
    expect(reasonFor(message)).toMatch(/^payload\.released\.0\.data\.deep(\.0)+: nested deeper than 32 levels$/);
  });

  it('uses the registry it is given', () => {
    const onlyReplies = new MessageTypeRegistry([messageTypes.get('query.reply.v1')!]);
    expect(validateMessage(example('query.reply.v1'), onlyReplies).ok).toBe(true);
    expect(validateMessage(example('query.request.v1'), onlyReplies)).toEqual({
      ok: false,
      reason: 'type: unknown message type query.request.v1',
    });
  });
});
