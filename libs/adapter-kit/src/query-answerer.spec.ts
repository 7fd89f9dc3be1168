import { randomUUID } from 'node:crypto';
import type { AgreementChangedV1, Envelope, QueryRequestV1 } from '@hub/contracts';
import type pg from 'pg';
import type { AgencyAdapterDefinition, RegisterRecord } from './agency-adapter.js';
import { AgreementsById, agreementVersionOf, type AgreementBook } from './agreement-book.js';
import { QueryAnswerer } from './query-answerer.js';

const SUBJECT = '191212121212';
const MUNICIPALITY = { organisation: '2120001967', unit: 'Servicecenter' };

const definition = {
  agency: 'af',
  service: 'adapter-af',
  organisation: '2021002114',
  name: 'Arbetsförmedlingen',
  categories: [{ code: 'af.handlaggare', secrecyClass: 'public', description: 'handläggare' }],
  referralTypes: [],
  fields: { 'af.handlaggare': [{ name: 'kontor', kind: 'other' }] },
  register: {
    lookupMany: async (_pool: pg.Pool, _schema: string, subjects: readonly string[]) =>
      subjects.map((subject): RegisterRecord => ({
        subject,
        protectedIdentity: null,
        categories: { 'af.handlaggare': [{ kontor: 'Örebro' }] },
      })),
  },
} as unknown as AgencyAdapterDefinition;

const announced = (overrides: Partial<AgreementChangedV1> = {}): AgreementChangedV1 => ({
  agreementId: randomUUID(),
  version: 1,
  status: 'active',
  change: 'approved',
  validFrom: '2026-01-01',
  validTo: '2027-12-31',
  parties: [MUNICIPALITY, { organisation: definition.organisation }],
  agency: 'af',
  approvals: [{ organisation: MUNICIPALITY.organisation }, { organisation: definition.organisation }],
  purposes: [
    {
      purpose: 'vagledning',
      categories: ['af.handlaggare'],
      referralTypes: [],
      roles: ['guide'],
      consentRequired: false,
    },
  ],
  ...overrides,
});

function answererHolding(...agreements: AgreementChangedV1[]): QueryAnswerer {
  const byId = new AgreementsById(agreements.map((a) => agreementVersionOf(a)!));
  const book = { named: (ref: never) => byId.named(ref), revokedAt: () => undefined } as unknown as AgreementBook;
  return new QueryAnswerer(definition, {} as pg.Pool, 'af', book, ['hub']);
}

const queryUnder = (agreement: { id: string; version: number } | undefined): Envelope<QueryRequestV1> => ({
  id: randomUUID(),
  correlationId: randomUUID(),
  type: 'query.request.v1',
  sender: { organisation: '0000000000', service: 'hub' },
  ...(agreement && { agreement }),
  purpose: 'vagledning',
  issuedAt: new Date().toISOString(),
  payload: {
    subject: SUBJECT,
    categories: ['af.handlaggare'],
    requester: { ...MUNICIPALITY, staffId: 'anna.guide', roles: ['guide'] },
  },
});

const NOW = new Date('2026-12-01T10:00:00Z');

describe('QueryAnswerer: the agreement a query names', () => {
  it('answers under the named version when the adapter holds it and it is in force', async () => {
    const a = announced();
    const { reply, agreement } = await answererHolding(a).answer(queryUnder({ id: a.agreementId, version: 1 }), NOW);
    expect(reply).toMatchObject({ status: 'ok', released: [{ category: 'af.handlaggare' }] });
    expect(agreement).toEqual({ id: a.agreementId, version: 1 });
  });

  it('denies a query naming an agreement it has never seen, though another is in force', async () => {
    const inForce = announced();
    const answerer = answererHolding(inForce);
    for (const ref of [{ id: randomUUID(), version: 1 }, { id: inForce.agreementId, version: 2 }, undefined]) {
      const { reply } = await answerer.answer(queryUnder(ref), NOW);
      expect(reply).toMatchObject({ status: 'denied', reason: 'no-agreement', released: [] });
    }
  });

  it('denies under a named version that is not in force: suspended, expired, or superseded by a newer one', async () => {
    const suspended = announced({ status: 'suspended' });
    const expired = announced({ validTo: '2026-06-30' });
    const v1 = announced();
    const v2 = { ...v1, version: 2 };
    const answerer = answererHolding(suspended, expired, v1, v2);
    for (const ref of [
      { id: suspended.agreementId, version: 1 },
      { id: expired.agreementId, version: 1 },
      { id: v1.agreementId, version: 1 },
    ]) {
      const { reply } = await answerer.answer(queryUnder(ref), NOW);
      expect(reply).toMatchObject({ status: 'denied', reason: 'agreement-inactive', released: [] });
    }
    const { reply } = await answerer.answer(queryUnder({ id: v1.agreementId, version: 2 }), NOW);
    expect(reply.status).toBe('ok');
  });

  it('denies under a named agreement between other parties than the requester’s', async () => {
    const elsewhere = announced({
      parties: [{ ...MUNICIPALITY, unit: 'Medborgarkontoret' }, { organisation: '2021002114' }],
    });
    const { reply } = await answererHolding(elsewhere, announced()).answer(
      queryUnder({ id: elsewhere.agreementId, version: 1 }),
      NOW,
    );
    expect(reply).toMatchObject({ status: 'denied', reason: 'no-agreement' });
  });
});
