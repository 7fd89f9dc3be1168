import { jest } from '@jest/globals';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import type { StaffUser } from '../auth/staff-user.js';
import type {
  PartyComplaintCounts,
  OverdueCounts,
  PartyFollowUpRepository,
  PartyName,
  PartyQueryCounts,
  PartyReferralCounts,
} from './party-follow-up.repository.js';
import { PartyFollowUpService } from './party-follow-up.service.js';

const FK = '2021005521';
const OREBRO = '2120001967';
const PARTIES: PartyName[] = [
  { number: FK, name: 'Försäkringskassan', kind: 'agency', agencyCode: 'fk' },
  { number: OREBRO, name: 'Örebro kommun', kind: 'municipality', agencyCode: null },
];
const NOW = new Date('2026-12-01T10:00:00Z');
const KEY = { municipality: OREBRO, unit: 'Servicecenter', agency: 'fk' };

const QUERIES: PartyQueryCounts = {
  results: 12,
  byPurpose: [{ ...KEY, purpose: 'vagledning', results: 12, answered: 8, denied: 4 }],
  byCategory: [{ ...KEY, category: 'fk.utbetalningar', released: 0, denied: 5 }],
  denialReasons: [{ ...KEY, reason: 'consent-missing', count: 4 }],
};
const REFERRALS: PartyReferralCounts = {
  sent: 6,
  byType: [
    {
      ...KEY,
      referralType: 'fk.bostadsbidrag-ansokan',
      sent: 6,
      answered: 4,
      answeredInTime: 3,
      answerMedianHours: 2.5,
      agreedHours: 72,
    },
  ],
};
const OVERDUE: OverdueCounts[] = [{ ...KEY, referralType: 'fk.bostadsbidrag-ansokan', count: 2 }];

const COMPLAINTS: PartyComplaintCounts = {
  byTopic: [
    {
      municipality: OREBRO,
      topic: 'myndigheter.forsakringskassan',
      topicName: 'Försäkringskassan',
      kind: 'klagomal',
      count: 5,
    },
    {
      municipality: OREBRO,
      topic: 'myndigheter.forsakringskassan',
      topicName: 'Försäkringskassan',
      kind: 'synpunkt',
      count: 1,
    },
  ],
  byParty: [
    {
      municipality: OREBRO,
      partyKind: 'agency',
      party: FK,
      partyName: 'Försäkringskassan',
      kind: 'klagomal',
      count: 5,
      answered: 2,
    },
  ],
};

const manager = (organisation: string, unit?: string): StaffUser => ({
  id: 'm',
  name: 'M',
  organisation,
  ...(unit && { unit }),
  roles: ['manager'],
});

function setup() {
  const repository = {
    queries: jest.fn(async (..._args: unknown[]) => QUERIES),
    referrals: jest.fn(async (..._args: unknown[]) => REFERRALS),
    overdue: jest.fn(async (..._args: unknown[]) => OVERDUE),
    complaints: jest.fn(async (..._args: unknown[]) => COMPLAINTS),
    parties: jest.fn(async () => PARTIES),
  };
  return { service: new PartyFollowUpService(repository as unknown as PartyFollowUpRepository), repository };
}

describe('PartyFollowUpService', () => {
  it("scopes an agency's manager to the agency's agreements, whatever unit the token names", async () => {
    const t = setup();
    const view = await t.service.forCaller({ from: '2026-11-01', to: '2026-11-30' }, manager(FK, 'Något'), NOW);
    const period = { from: '2026-11-01', to: '2026-11-30', days: 30 };
    expect(t.repository.queries).toHaveBeenCalledWith({ kind: 'agency', organisation: FK }, period);
    expect(t.repository.referrals).toHaveBeenCalledWith({ kind: 'agency', organisation: FK }, period);
    expect(t.repository.overdue).toHaveBeenCalledWith({ kind: 'agency', organisation: FK }, NOW);
    expect(view.scope).toEqual({ organisation: FK, name: 'Försäkringskassan', kind: 'agency', unit: null });
  });

  it("scopes a municipal manager to the municipality, the token's unit when it names one", async () => {
    const t = setup();
    await t.service.forCaller({}, manager(OREBRO, 'Servicecenter'), NOW);
    expect(t.repository.queries).toHaveBeenCalledWith(
      { kind: 'municipality', organisation: OREBRO, unit: 'Servicecenter' },
      { from: '2026-11-02', to: '2026-12-01', days: 30 },
    );
  });

  it('suppresses every count from 1 to 4 and a median of fewer than 5 answers, and names the parties', async () => {
    const t = setup();
    const view = await t.service.forCaller({}, manager(FK), NOW);
    const names = { ...KEY, municipalityName: 'Örebro kommun', agencyName: 'Försäkringskassan' };
    expect(view.smallNumberThreshold).toBe(5);
    expect(view.queries).toEqual({
      results: 12,
      byPurpose: [{ ...names, purpose: 'vagledning', results: 12, answered: 8, denied: null }],
      byCategory: [{ ...names, category: 'fk.utbetalningar', released: 0, denied: 5 }],
      denialReasons: [{ ...names, reason: 'consent-missing', count: null }],
    });
    expect(view.referrals).toEqual({
      sent: 6,
      byType: [
        {
          ...names,
          referralType: 'fk.bostadsbidrag-ansokan',
          sent: 6,
          answered: null,
          answeredInTime: null,
          answerMedianHours: null,
          agreedHours: 72,
        },
      ],
      overdue: { count: null, byType: [{ ...names, referralType: 'fk.bostadsbidrag-ansokan', count: null }] },
    });
  });

  it("counts the complaints of the party's scope by topic and party, small numbers suppressed", async () => {
    const t = setup();
    const view = await t.service.forCaller({ from: '2026-11-01', to: '2026-11-30' }, manager(FK), NOW);
    expect(t.repository.complaints).toHaveBeenCalledWith(
      { kind: 'agency', organisation: FK },
      { from: '2026-11-01', to: '2026-11-30', days: 30 },
    );
    // 6 − 5 would give the one suggestion back: the 5 complaints of the topic are hidden too, and say so
    expect(view.complaints).toEqual({
      total: 6,
      byTopic: [
        expect.objectContaining({ municipalityName: 'Örebro kommun', kind: 'klagomal', count: null }),
        expect.objectContaining({ municipalityName: 'Örebro kommun', kind: 'synpunkt', count: null }),
      ],
      byParty: [expect.objectContaining({ party: FK, partyName: 'Försäkringskassan', count: 5, answered: null })],
    });
    expect(view.secondarySuppressed).toEqual(['complaints.byTopic.0.count']);
  });

  it('refuses a malformed period with 400 invalid-period, reading nothing', async () => {
    const t = setup();
    const err = await t.service.forCaller({ from: '2026-02-30' }, manager(FK), NOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect(t.repository.queries).not.toHaveBeenCalled();
  });

  it("reports a party's whole traffic, units and all, and 404 for an organisation that is not registered", async () => {
    const t = setup();
    const period = { from: '2026-11-01', to: '2026-11-30', days: 30 };
    await t.service.forParty(OREBRO, period, NOW);
    expect(t.repository.queries).toHaveBeenCalledWith(
      { kind: 'municipality', organisation: OREBRO, unit: null },
      period,
    );
    await expect(t.service.forParty('2120001942', period, NOW)).rejects.toBeInstanceOf(NotFoundException);
  });
});
