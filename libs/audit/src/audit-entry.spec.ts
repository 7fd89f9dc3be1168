import { AuditEntryError, prepareEntry, type AuditEntryInput } from './audit-entry.js';

const minimal: AuditEntryInput = { kind: 'agreement', actorKind: 'service', actor: 'hub', outcome: 'approved' };

describe('preparing an audit entry', () => {
  it('fills every optional field with null or an empty list, so the hash never sees a missing field', () => {
    expect(prepareEntry(minimal)).toEqual({
      ...minimal,
      organisation: null,
      unit: null,
      agreementId: null,
      agreementVersion: null,
      purpose: null,
      subjectKey: null,
      categoriesRequested: [],
      categoriesReleased: [],
      categoriesDenied: [],
      correlationId: null,
      protectedIdentity: false,
      details: {},
    });
  });

  it('keeps details in their JSON form, which is what jsonb stores', () => {
    const prepared = prepareEntry({ ...minimal, details: { when: new Date(0), gone: undefined, n: [1, undefined] } });
    expect(prepared.details).toEqual({ when: '1970-01-01T00:00:00.000Z', n: [1, null] });
  });

  it('keeps only category and reason of a denied category', () => {
    const denied = [{ category: 'fk.bostadsbidrag', reason: 'legal-basis-missing', extra: 1 }];
    expect(prepareEntry({ ...minimal, categoriesDenied: denied }).categoriesDenied).toEqual([
      { category: 'fk.bostadsbidrag', reason: 'legal-basis-missing' },
    ]);
  });

  it.each<[string, Partial<AuditEntryInput> | Record<string, unknown>, RegExp]>([
    ['a personnummer as subject key', { subjectKey: '191212121212' }, /never a personnummer/],
    ['an upper-case subject key', { subjectKey: 'AB'.repeat(32) }, /subjectKey/],
    ['an unknown kind', { kind: 'login' }, /kind must be one of/],
    ['an unknown actor kind', { actorKind: 'robot' }, /actorKind/],
    ['no actor', { actor: '' }, /actor must be a non-empty string/],
    ['no outcome', { outcome: undefined }, /outcome is required/],
    ['an agreement id without version', { agreementId: 'a-1' }, /go together/],
    ['a version without agreement id', { agreementVersion: 1 }, /go together/],
    ['version 0', { agreementId: 'a-1', agreementVersion: 0 }, /positive integer/],
    ['NUL in text', { unit: 'Service\u0000center' }, /NUL/],
    ['a lone surrogate', { purpose: 'x\uD800' }, /unpaired surrogate/],
    ['NUL deep in details', { details: { a: [{ b: '\u0000' }] } }, /details\.a\[0\]\.b/],
    ['a bigint in details', { details: { n: 1n } }, /details must be JSON/],
    ['a list as details', { details: [] as unknown as Record<string, unknown> }, /details must be an object/],
    ['a category that is not text', { categoriesReleased: [1] as unknown as string[] }, /categoriesReleased\[0\]/],
    ['a denied category without reason', { categoriesDenied: [{ category: 'x' }] }, /reason is required/],
    ['a protected-identity flag that is not boolean', { protectedIdentity: 'yes' }, /boolean/],
  ])('refuses %s', (_name, change, message) => {
    const attempt = () => prepareEntry({ ...minimal, ...change } as AuditEntryInput);
    expect(attempt).toThrow(AuditEntryError);
    expect(attempt).toThrow(message);
  });
});
