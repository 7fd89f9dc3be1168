import type { RunningHub } from '../../support/hub.js';
import { USERS } from '../../support/hub.js';

/**
 * The in-process hub keeps idle HTTP connections longer than fetch does, so that fetch is always the one to close
 * them: the tests block the event loop for seconds at times (seeding, register examples, signing thousands of
 * messages), and a server closing a connection while fetch reuses it is a reset that has nothing to do with chaos.
 */
export function keepConnectionsLonger(hub: RunningHub): void {
  (hub.app.getHttpServer() as { keepAliveTimeout: number }).keepAliveTimeout = 120_000;
}

/** What staff at the servicecenter do, over the hub's API, in the chaos scenarios. */
export function frontOffice(hub: RunningHub) {
  return {
    /** a social-assistance query to all three agencies, released on the agreements' legal basis */
    query: (subject: string, deadlineMs?: number) =>
      hub.call('POST', '/api/queries', {
        as: USERS.caseworker,
        body: {
          subject,
          purpose: 'ekonomiskt-bistand',
          agencies: ['fk', 'af', 'skv'],
          categories: ['fk.pagaende-arenden', 'af.inskrivning', 'skv.f-skatt'],
          ...(deadlineMs && { deadlineMs }),
        },
      }),
    /** a referral to FK under the citizen's consent (see `consent`) */
    referral: (subject: string, consentId: string, message = 'Personen vill ansöka om bostadsbidrag.') =>
      hub.call('POST', '/api/referrals', {
        as: USERS.guide,
        body: {
          subject,
          consentId,
          agency: 'fk',
          referralType: 'fk.bostadsbidrag-ansokan',
          purpose: 'vagledning',
          message,
          contactPreference: 'phone',
        },
      }),
    consent: (subject: string) =>
      hub.call('POST', '/api/consents', {
        as: USERS.guide,
        body: {
          subject,
          purposes: ['vagledning'],
          agencies: ['fk'],
          categories: ['fk.pagaende-arenden'],
          method: 'in-person-verbal',
          validUntil: '2027-06-30',
        },
      }),
    referralStatus: async (id: string) =>
      (await hub.call('GET', `/api/referrals/${id}`, { as: USERS.guide })).body?.status as string | undefined,
  };
}
