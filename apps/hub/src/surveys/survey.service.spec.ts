import { HttpException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import type { StaffUser } from '../auth/staff-user.js';
import type { NkiAnswers } from './nki.js';
import type { Kiosk, NewSurveyToken, SurveyRepository, SurveyTokenState } from './survey.repository.js';
import { SurveyService } from './survey.service.js';

const OREBRO = '2120001967';
const GUIDE: StaffUser = { id: 'anna', name: 'Anna', organisation: OREBRO, unit: 'Servicecenter', roles: ['guide'] };
const NOW = new Date('2026-03-02T09:00:00Z');
const GOOD: NkiAnswers = { overall: 9, expectations: 8, ideal: 7 };

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpException) return (err.getResponse() as { error: string }).error;
    throw err;
  }
  throw new Error('expected a refusal');
}

/** The repository as the database behaves, in memory. */
function memoryRepository() {
  const tokens = new Map<string, SurveyTokenState>();
  const answers: Array<NkiAnswers & { unit: string; channel: string; day: string }> = [];
  const pairings = new Map<string, { organisation: string; unit: string; createdBy: string; expiresAt: Date }>();
  const kiosks = new Map<string, Kiosk>();
  const offers = new Map<string, { hash: string; expiresAt: Date }>();
  const repository = {
    addToken: async (t: NewSurveyToken) => void tokens.set(t.tokenHash, { ...t, answered: false }),
    token: async (hash: string) => tokens.get(hash),
    answer: async (hash: string, a: NkiAnswers, now: Date) => {
      const t = tokens.get(hash);
      if (!t || t.answered || t.expiresAt <= now) return false;
      t.answered = true;
      answers.push({ ...a, unit: t.unit, channel: t.channel, day: t.day });
      return true;
    },
    addPairing: async (hash: string, organisation: string, unit: string, createdBy: string, expiresAt: Date) =>
      void pairings.set(hash, { organisation, unit, createdBy, expiresAt }),
    takePairing: async (hash: string, now: Date) => {
      const p = pairings.get(hash);
      pairings.delete(hash);
      return p && p.expiresAt > now ? p : undefined;
    },
    addKiosk: async (hash: string, kiosk: Kiosk) => void kiosks.set(hash, kiosk),
    kiosk: async (hash: string, now: Date) => {
      const k = kiosks.get(hash);
      return k && k.expiresAt > now ? k : undefined;
    },
    hasKiosk: async (o: string, u: string) => [...kiosks.values()].some((k) => k.organisation === o && k.unit === u),
    offer: async (o: string, u: string, hash: string, expiresAt: Date) =>
      void offers.set(`${o}/${u}`, { hash, expiresAt }),
    offered: async (o: string, u: string, now: Date) => {
      const offer = offers.get(`${o}/${u}`);
      return offer && offer.expiresAt > now ? offer.hash : undefined;
    },
    withdrawOffer: async (o: string, u: string) => void offers.delete(`${o}/${u}`),
    nki: async () => [],
  };
  return { repository, tokens, answers, kiosks };
}

describe('SurveyService', () => {
  let memory: ReturnType<typeof memoryRepository>;
  let audited: AuditEntryInput[];
  let service: SurveyService;

  beforeEach(() => {
    memory = memoryRepository();
    audited = [];
    const audit = { append: async (e: AuditEntryInput) => void audited.push(e) } as unknown as AuditLog;
    service = new SurveyService(memory.repository as unknown as SurveyRepository, audit);
  });

  const contact = (channel = 'telefon') => ({ organisation: OREBRO, unit: 'Servicecenter', channel, createdAt: NOW });

  it('issues a random 22-character token per contact, keeps only its hash with unit, channel and day', async () => {
    const a = await service.issue(contact(), NOW);
    const b = await service.issue(contact(), NOW);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.path).toBe(`/enkat/${a.token}`);
    expect(a.expiresAt).toBe('2026-03-16T09:00:00.000Z');
    const [[hash, stored]] = [...memory.tokens.entries()];
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(a.token);
    expect(stored).toMatchObject({ unit: 'Servicecenter', channel: 'telefon', day: '2026-03-02', answered: false });
  });

  it('takes one answer per token and refuses the second with survey-answered', async () => {
    const { token } = await service.issue(contact(), NOW);
    await expect(service.survey(token, NOW)).resolves.toMatchObject({ unit: 'Servicecenter' });
    await service.answer(token, GOOD, NOW);
    expect(memory.answers).toEqual([{ ...GOOD, unit: 'Servicecenter', channel: 'telefon', day: '2026-03-02' }]);
    await expect(refusal(service.answer(token, GOOD, NOW))).resolves.toBe('survey-answered');
    await expect(refusal(service.survey(token, NOW))).resolves.toBe('survey-answered');
    expect(memory.answers).toHaveLength(1);
  });

  it('refuses an unknown token with not-found and an expired one with survey-expired', async () => {
    await expect(refusal(service.answer('x'.repeat(22), GOOD, NOW))).resolves.toBe('not-found');
    const { token } = await service.issue(contact(), NOW);
    const later = new Date(NOW.getTime() + 15 * 86_400_000);
    await expect(refusal(service.answer(token, GOOD, later))).resolves.toBe('survey-expired');
    expect(memory.answers).toEqual([]);
  });

  it('pairs a kiosk with a one-time code, audited, and lets a guide offer the unit’s own token to it', async () => {
    const { code } = await service.createPairing(GUIDE, NOW);
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const kiosk = await service.pair(code.toLowerCase(), NOW);
    expect(kiosk.unit).toBe('Servicecenter');
    await expect(refusal(service.pair(code, NOW))).resolves.toBe('kiosk-not-paired');
    expect(audited.map((e) => e.outcome)).toEqual(['pairing-created', 'paired']);
    expect(audited[1]).toMatchObject({ kind: 'survey-kiosk', actor: 'anna', unit: 'Servicecenter' });

    await expect(service.kioskOffer(kiosk.kioskKey, NOW)).resolves.toEqual({ waiting: false, unit: 'Servicecenter' });
    const { token } = await service.issue(contact('besok'), NOW);
    await service.offer(token, GUIDE, NOW);
    await expect(service.kioskOffer(kiosk.kioskKey, NOW)).resolves.toMatchObject({ waiting: true });
    await service.kioskAnswer(kiosk.kioskKey, GOOD, NOW);
    expect(memory.answers).toHaveLength(1);
    await expect(service.kioskOffer(kiosk.kioskKey, NOW)).resolves.toMatchObject({ waiting: false });
    await expect(refusal(service.kioskAnswer(kiosk.kioskKey, GOOD, NOW))).resolves.toBe('not-found');
    await expect(refusal(service.offer(token, GUIDE, NOW))).resolves.toBe('survey-answered');
  });

  it('answers another unit’s token as an unknown one, and needs a paired kiosk and a kiosk key', async () => {
    const { token } = await service.issue(contact('besok'), NOW);
    const other = { ...GUIDE, unit: 'Medborgarkontor Vivalla' };
    await expect(refusal(service.offer(token, other, NOW))).resolves.toBe('not-found');
    await expect(refusal(service.offer(token, { ...GUIDE, organisation: '2120001991' }, NOW))).resolves.toBe(
      'not-found',
    );
    await expect(refusal(service.offer(token, GUIDE, NOW))).resolves.toBe('no-kiosk');
    await expect(refusal(service.kioskOffer(undefined, NOW))).resolves.toBe('kiosk-not-paired');
    await expect(refusal(service.kioskOffer('made-up', NOW))).resolves.toBe('kiosk-not-paired');
    await expect(refusal(service.createPairing({ ...GUIDE, unit: undefined }, NOW))).resolves.toBe('no-unit');
  });

  it('reports NKI of the caller’s scope with per-channel figures, suppressed below five answers', async () => {
    const nki = jestLike([
      { channel: null, answers: 7, mean: 70, stddev: 10 },
      { channel: 'telefon', answers: 3, mean: 60, stddev: 5 },
      { channel: 'besok', answers: 4, mean: 77.5, stddev: 5 },
    ]);
    memory.repository.nki = nki.fn as never;
    const view = await service.nki({ from: '2026-03-01', to: '2026-03-02' }, GUIDE, NOW);
    expect(nki.calls).toEqual([[OREBRO, 'Servicecenter', { from: '2026-03-01', to: '2026-03-02', days: 2 }]]);
    expect(view).toMatchObject({ answers: 7, suppressed: false, nki: 70, scope: { unit: 'Servicecenter' } });
    expect(view.byChannel.map((c) => [c.channel, c.answers, c.nki])).toEqual([
      ['besok', 4, null],
      ['telefon', 3, null],
    ]);
    await expect(refusal(service.nki({ from: '2026-03-05', to: '2026-03-01' }, GUIDE, NOW))).resolves.toBe(
      'invalid-period',
    );
  });

  it("gives the follow-up's targets the index of a scope and period, none below five answers", async () => {
    const period = { from: '2026-03-01', to: '2026-03-31', days: 31 };
    const enough = jestLike([{ channel: null, answers: 5, mean: 76.25, stddev: 4 }]);
    memory.repository.nki = enough.fn as never;
    await expect(service.nkiIndex(OREBRO, null, period)).resolves.toBe(76.3);
    expect(enough.calls).toEqual([[OREBRO, null, period]]);
    memory.repository.nki = jestLike([{ channel: null, answers: 4, mean: 90, stddev: 1 }]).fn as never;
    await expect(service.nkiIndex(OREBRO, 'Servicecenter', period)).resolves.toBeNull();
    memory.repository.nki = jestLike([]).fn as never;
    await expect(service.nkiIndex(OREBRO, 'Servicecenter', period)).resolves.toBeNull();
  });

  it('cleans up tokens expired over a week ago, batch by batch until a batch is not full', async () => {
    const calls: Array<{ before: Date; limit: number }> = [];
    const left = [1000, 1000, 37];
    const repository = {
      deleteExpired: async (before: Date, limit: number) => {
        calls.push({ before, limit });
        return left.shift() ?? 0;
      },
    };
    const cleaner = new SurveyService(repository as unknown as SurveyRepository, {} as AuditLog);
    await expect(cleaner.cleanUp(NOW)).resolves.toBe(2037);
    expect(calls).toEqual(Array(3).fill({ before: new Date('2026-02-23T09:00:00Z'), limit: 1000 }));
  });
});

function jestLike<R>(result: R) {
  const calls: unknown[][] = [];
  return { calls, fn: async (...args: unknown[]) => (calls.push(args.slice(0, 3)), result) };
}
