import { createHash, createHmac } from 'node:crypto';
import { jest } from '@jest/globals';
import { HttpException, Logger } from '@nestjs/common';
import type { AuditLog } from '@hub/audit';
import type { Queryable, Transactions } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Subjects } from '../core/subjects.js';
import type { OrganisationRepository } from '../organisations/organisation.repository.js';
import type { StartConsentSigningDto } from './consent.dto.js';
import type { ConsentRecord } from './consent.repository.js';
import type { ConsentService } from './consent.service.js';
import type { ConsentSigning, ConsentSigningRepository } from './consent-signing.repository.js';
import { ConsentSigningService, REQUIRED_LOA } from './consent-signing.service.js';
import type { CollectedSigning, EidClient, VerifiedSignature } from './eid-client.js';

beforeAll(() => Logger.overrideLogger(false));

const GUIDE: StaffUser = {
  id: 'anna.guide',
  name: 'Anna Vägledare',
  organisation: '2120001967',
  unit: 'Servicecenter',
  roles: ['guide'],
};
const SUBJECT = '191212121212';
const keyOf = (personnummer: string) => createHash('sha256').update(`key:${personnummer}`).digest('hex');

const body: StartConsentSigningDto = {
  subject: '19121212-1212',
  purposes: ['vagledning'],
  agencies: ['fk'],
  categories: ['fk.utbetalningar'],
  validUntil: '2099-01-01',
};

function setup() {
  const tx = { query: jest.fn() } as unknown as Queryable;
  const rows = new Map<string, ConsentSigning>();
  const repository = {
    insert: jest.fn(async (signing: ConsentSigning) => void rows.set(signing.id, { ...signing })),
    find: jest.fn(async (id: string) => rows.get(id)),
    findForUpdate: jest.fn(async (id: string) => rows.get(id)),
    finish: jest.fn(async (id: string, status: ConsentSigning['status'], consentId: string | null) => {
      Object.assign(rows.get(id)!, { status, consentId });
    }),
  };
  const stored: Array<{ consent: ConsentRecord; inTransaction: boolean }> = [];
  const consents = {
    checkTerms: jest.fn(() => '2026-03-05'),
    storeSigned: jest.fn(async (consent: ConsentRecord, _user: StaffUser, db: Queryable) => {
      stored.push({ consent, inTransaction: db === tx });
      return {};
    }),
  };
  let collected: CollectedSigning = { orderId: 'order-1', status: 'pending', hintCode: 'outstandingTransaction' };
  let verified: VerifiedSignature | Error = new Error('not signed');
  const eid = {
    startSigning: jest.fn(async (_text: string, _pnr: string) => ({
      orderId: 'order-1',
      qrStartToken: 'token-1',
      qrStartSecret: 'secret-1',
      qrBaseUrl: 'http://eid.test/app',
      expiresAt: '2099-01-01T00:00:00.000Z',
    })),
    collect: jest.fn(async () => collected),
    cancel: jest.fn(async () => undefined),
    verify: jest.fn(async () => {
      if (verified instanceof Error) throw verified;
      return verified;
    }),
  };
  const audited: Array<Record<string, unknown>> = [];
  const service = new ConsentSigningService(
    repository as unknown as ConsentSigningRepository,
    consents as unknown as ConsentService,
    eid as unknown as EidClient,
    { run: jest.fn((work: (tx: Queryable) => Promise<unknown>) => work(tx)) } as unknown as Transactions,
    {
      catalogue: () => ({
        name: 'Försäkringskassan',
        categories: [{ code: 'fk.utbetalningar', description: 'Utbetalningar de senaste 12 månaderna' }],
      }),
    } as unknown as CatalogueService,
    { find: async () => ({ name: 'Örebro kommun' }) } as unknown as OrganisationRepository,
    {
      parse: (input: string) => ({
        personnummer: SUBJECT,
        key: keyOf(input.replace('-', '')),
        keys: [keyOf(input.replace('-', ''))],
      }),
    } as unknown as Subjects,
    { append: jest.fn(async (entry: Record<string, unknown>) => void audited.push(entry)) } as unknown as AuditLog,
  );
  return {
    service,
    eid,
    stored,
    audited,
    rows,
    complete(signer: string, overrides: Partial<VerifiedSignature> = {}) {
      const text = [...rows.values()][0]!.text;
      const textSha256 = createHash('sha256').update(text, 'utf8').digest('hex');
      collected = {
        orderId: 'order-1',
        status: 'complete',
        completionData: {
          user: { personnummer: signer, name: 'Tolvan' },
          signature: 'jws',
          textSha256,
          loa: REQUIRED_LOA,
          signedAt: '2026-03-05T09:00:00Z',
        },
      };
      verified = { order: 'order-1', personnummer: signer, textSha256, acr: REQUIRED_LOA, ...overrides };
    },
    refuse() {
      collected = { orderId: 'order-1', status: 'failed', hintCode: 'userCancel' };
    },
  };
}

describe('ConsentSigningService', () => {
  it('starts an order with the consent text for the subject, and answers the QR code of this second', async () => {
    const t = setup();
    const started = await t.service.start(body, GUIDE);
    const [text, personnummer] = t.eid.startSigning.mock.calls[0]!;
    expect(personnummer).toBe(SUBJECT);
    expect(text).toContain('Jag (personnummer 19121212-****) samtycker till att Örebro kommun, Servicecenter');
    expect(text).toContain('- Försäkringskassan: Utbetalningar de senaste 12 månaderna');
    const qr = new URL(started.qrData!);
    expect(`${qr.origin}${qr.pathname}`).toBe('http://eid.test/app');
    expect(qr.searchParams.get('t')).toBe('token-1');
    const seconds = qr.searchParams.get('s')!;
    expect(qr.searchParams.get('c')).toBe(createHmac('sha256', 'secret-1').update(seconds).digest('hex'));
    expect(started).toMatchObject({ status: 'pending', openedInApp: false, text });
    expect(t.stored).toEqual([]);
  });

  it('stores the consent with its signature, the text’s hash and the LoA once the subject signed', async () => {
    const t = setup();
    const started = await t.service.start(body, GUIDE);
    t.complete(SUBJECT);
    const done = await t.service.status(started.id, GUIDE);
    expect(done.status).toBe('complete');
    expect(t.stored).toHaveLength(1);
    const { consent, inTransaction } = t.stored[0]!;
    expect(inTransaction).toBe(true);
    expect(consent).toMatchObject({
      method: 'e-legitimation',
      subjectKey: keyOf(SUBJECT),
      recordedBy: 'anna.guide',
      signed: { signature: 'jws', textSha256: started.textSha256, loa: REQUIRED_LOA, signingId: started.id },
    });
    expect(done.consentId).toBe(consent.id);
    // asked again: nothing more is stored
    expect((await t.service.status(started.id, GUIDE)).status).toBe('complete');
    expect(t.stored).toHaveLength(1);
  });

  it.each([
    ['someone other than the subject signed', '198112189876', {}, 'other-signer'],
    ['the signature names another text', SUBJECT, { textSha256: 'f'.repeat(64) }, 'invalid-signature'],
    ['the signature is of a lower LoA', SUBJECT, { acr: 'http://id.elegnamnden.se/loa/1.0/loa2' }, 'invalid-signature'],
    ['the signature is of another order', SUBJECT, { order: 'order-2' }, 'invalid-signature'],
  ])('stores nothing and fails, audited, when %s', async (_case, signer, overrides, failure) => {
    const t = setup();
    const started = await t.service.start(body, GUIDE);
    t.complete(signer, overrides);
    expect(await t.service.status(started.id, GUIDE)).toMatchObject({ status: 'failed', failure });
    expect(t.stored).toEqual([]);
    expect(t.audited).toEqual([expect.objectContaining({ outcome: 'signature-refused' })]);
  });

  it('fails, storing nothing, when the citizen refused', async () => {
    const t = setup();
    const started = await t.service.start(body, GUIDE);
    t.refuse();
    expect(await t.service.status(started.id, GUIDE)).toMatchObject({ status: 'failed', failure: 'refused' });
    expect(t.stored).toEqual([]);
  });

  it('answers 404 for another unit’s signing, and 409 to cancel a finished one', async () => {
    const t = setup();
    const started = await t.service.start(body, GUIDE);
    const other = t.service.status(started.id, { ...GUIDE, unit: 'Socialkontoret' });
    await expect(other).rejects.toMatchObject({ status: 404 });
    expect((await t.service.cancel(started.id, GUIDE)).status).toBe('cancelled');
    expect(t.eid.cancel).toHaveBeenCalledWith('order-1');
    const again = await t.service.cancel(started.id, GUIDE).catch((err: HttpException) => err);
    expect((again as HttpException).getResponse()).toMatchObject({ error: 'signing-finished' });
  });
});
