import type { RunningAdapter } from '@hub/adapter-kit';
import { ORGANISATIONS } from '@hub/contracts';
import { ADAPTERS, AGENCY_STAFF, callAdapter, startTestAdapter } from './adapters.js';
import { testPool, waitFor } from './env.js';
import { migrateTestDatabase, startHub, tokenFor, USERS, type RunningHub, type StartHubOptions } from './hub.js';

export type Agency = keyof typeof ADAPTERS;
export const AGENCIES: Agency[] = ['fk', 'af', 'skv'];

/** The demo agreement terms per agency: guidance on consent, social assistance on a legal basis. */
export function demoTerms(agency: Agency) {
  const definition = ADAPTERS[agency];
  const codes = definition.categories.filter((c) => c.secrecyClass !== 'never').map((c) => c.code);
  return {
    title: `Samtjänst Servicecenter – ${definition.name}`,
    validFrom: '2026-01-01',
    validTo: '2027-12-31',
    municipality: { organisation: ORGANISATIONS.orebro, unit: 'Servicecenter' },
    agency: { organisation: definition.organisation },
    purposes: {
      vagledning: {
        categories: codes,
        referralTypes: definition.referralTypes.map((r) => r.code),
        roles: ['guide', 'caseworker'],
        consentRequired: false,
      },
      'ekonomiskt-bistand': {
        categories: codes,
        referralTypes: [],
        roles: ['caseworker'],
        consentRequired: false,
        legalBasis: { reference: 'SFS 2001:453 11 kap. 11 §', text: 'Uppgiftsskyldighet till socialnämnden' },
      },
    },
  };
}

export interface RunningSystem {
  hub: RunningHub;
  adapters: Record<Agency, RunningAdapter>;
  agreements: Record<Agency, string>;
  close(): Promise<void>;
}

/**
 * The whole system on the test database: the hub and the three adapters, and an agreement with each agency
 * registered, proposed by Örebro kommun and approved by the agency over the hub's API, as people would do it.
 */
export interface SystemOptions {
  hub?: StartHubOptions;
  /** the hub registers the demo agreements itself (DEMO_AGREEMENTS=true), as `npm start` has it */
  demoAgreements?: boolean;
  /** a caseworker's token for an adapter told to trust another issuer (AUTH_ISSUER in its env) */
  caseworkerToken?: (agency: Agency) => Promise<string>;
}

export async function startSystem(
  adapterEnv: Partial<Record<Agency, Record<string, string>>> = {},
  options: SystemOptions = {},
): Promise<RunningSystem> {
  await migrateTestDatabase();
  const pool = testPool();
  await pool.query(
    `TRUNCATE hub.agreement_event, hub.agreement_version, hub.agreement, hub.consent, hub.agency_catalogue,
       hub.protected_subject, hub.referral_event, hub.referral CASCADE`,
  );
  // what earlier suites left in the adapters' own schemas (agreements the hub no longer has, referrals)
  for (const agency of AGENCIES) {
    await pool
      .query(
        `TRUNCATE ${agency}.agreement_version, ${agency}.revoked_consent, ${agency}.referral_event, ${agency}.referral`,
      )
      .catch(() => undefined);
  }
  await pool.end();
  const hub = await startHub({
    ...options.hub,
    env: { DEMO_AGREEMENTS: options.demoAgreements ? 'true' : 'false', ...options.hub?.env },
  });
  const adapters = {} as Record<Agency, RunningAdapter>;
  const agreements = {} as Record<Agency, string>;
  const close = async () => {
    for (const agency of AGENCIES) await adapters[agency]?.close();
    await hub.close();
  };
  // a system that failed to start is stopped, so that its services do not go on consuming beside later suites' own
  try {
    for (const agency of AGENCIES) adapters[agency] = await startTestAdapter(ADAPTERS[agency], adapterEnv[agency]);
    await Promise.all(AGENCIES.map((agency) => adapters[agency].announced));
    for (const agency of options.demoAgreements ? [] : AGENCIES) {
      if (agency === AGENCIES[0]) {
        await waitFor(async () => {
          const { body } = await hub.call('GET', '/api/catalogues', { as: USERS.guide });
          return Array.isArray(body) && AGENCIES.every((a) => body.some((c: { agency: string }) => c.agency === a));
        });
      }
      const created = await hub.call('POST', '/api/agreements', {
        as: USERS.municipalityAdmin,
        body: demoTerms(agency),
      });
      if (created.status !== 201) throw new Error(`agreement with ${agency}: ${JSON.stringify(created.body)}`);
      const id = created.body.id as string;
      await hub.call('POST', `/api/agreements/${id}/propose`, { as: USERS.municipalityAdmin, body: {} });
      const approved = await hub.call('POST', `/api/agreements/${id}/approve`, {
        as: AGENCY_STAFF[agency].admin,
        body: {},
      });
      if (approved.body.status !== 'active')
        throw new Error(`agreement with ${agency}: ${JSON.stringify(approved.body)}`);
      agreements[agency] = id;
    }
    for (const agency of AGENCIES) {
      const token = await (options.caseworkerToken?.(agency) ?? tokenFor(AGENCY_STAFF[agency].caseworker));
      await waitFor(
        async () => {
          const { status, body } = await callAdapter(adapters[agency], 'GET', '/api/agreements', { token });
          if (status !== 200) throw new Error(`${agency} adapter answered ${status}: ${JSON.stringify(body)}`);
          const active = body.find(
            (v: { id: string; status: string }) =>
              v.status === 'active' && (options.demoAgreements ? v.id !== undefined : v.id === agreements[agency]),
          );
          if (active) agreements[agency] = active.id;
          return active !== undefined;
        },
        15_000,
        `${agency} to enforce the agreement`,
      );
    }
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  return {
    hub,
    adapters,
    agreements,
    close,
  };
}
