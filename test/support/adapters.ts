import { randomUUID } from 'node:crypto';
import { adapterQueues, startAdapter, type AgencyAdapterDefinition, type RunningAdapter } from '@hub/adapter-kit';
import {
  EXCHANGES,
  ORGANISATIONS,
  routingKeys,
  type AgreementChangedV1,
  type ConsentSnapshot,
  type Purpose,
  type QueryReplyV1,
  type QueryRequestV1,
  type ReferralCreatedV1,
} from '@hub/contracts';
import type { GatherResult, MessagingClient } from '@hub/messaging';
import { agencyDataOf, examplePeople, REGISTERS, type ExamplePeople, type Population } from '@hub/registers';
import type pg from 'pg';
import { AF_ADAPTER } from '../../apps/adapter-af/src/af.adapter.js';
import { FK_ADAPTER } from '../../apps/adapter-fk/src/fk.adapter.js';
import { SKV_ADAPTER } from '../../apps/adapter-skv/src/skv.adapter.js';
import { DATABASE_URL, deleteQueues, waitFor } from './env.js';
import { TEST_AUTH, tokenFor, type TestUser } from './hub.js';

export const ADAPTERS = { fk: FK_ADAPTER, af: AF_ADAPTER, skv: SKV_ADAPTER };

/** Agency staff for the caseworker APIs. */
export const AGENCY_STAFF: Record<'fk' | 'af' | 'skv', { caseworker: TestUser; admin: TestUser }> = {
  fk: {
    caseworker: { id: 'fia.fk', name: 'Fia Handläggare', organisation: ORGANISATIONS.fk, roles: ['caseworker'] },
    admin: { id: 'fredrik.fk', name: 'Fredrik FK', organisation: ORGANISATIONS.fk, roles: ['agency-admin'] },
  },
  af: {
    caseworker: { id: 'arne.af', name: 'Arne Handläggare', organisation: ORGANISATIONS.af, roles: ['caseworker'] },
    admin: { id: 'alva.af', name: 'Alva AF', organisation: ORGANISATIONS.af, roles: ['agency-admin'] },
  },
  skv: {
    caseworker: { id: 'siv.skv', name: 'Siv Handläggare', organisation: ORGANISATIONS.skv, roles: ['caseworker'] },
    admin: { id: 'stig.skv', name: 'Stig SKV', organisation: ORGANISATIONS.skv, roles: ['agency-admin'] },
  },
};

/** An adapter as it runs in production, on the test database, trusting the tests' token issuer. */
export async function startTestAdapter(
  definition: AgencyAdapterDefinition,
  env: Record<string, string> = {},
  /** keepQueues: another instance beside a running one, on the same queues (competing consumers) */
  options: { keepQueues?: boolean } = {},
): Promise<RunningAdapter> {
  // the adapter's durable queues would otherwise hold (and later collect) other suites' messages
  const queues = adapterQueues(definition).map((q) => q.queue);
  if (!options.keepQueues) await deleteQueues(definition.service, queues);
  const trust = TEST_AUTH.trust();
  let adapter: RunningAdapter;
  try {
    adapter = await startAdapter(definition, {
      env: {
        ...process.env,
        DATABASE_URL,
        PORT: '0',
        AUTH_ISSUER: TEST_AUTH.issuer,
        AUTH_AUDIENCE: TEST_AUTH.audience,
        AUTH_JWKS_FILE: trust.jwksFile,
        CASEWORKER: 'manual',
        FAULT_LATENCY_MEDIAN_MS: '0',
        FAULT_LATENCY_P99_MS: '0',
        ...env,
      },
      logger: ['error'],
    });
  } catch (err) {
    trust.release();
    throw err;
  }
  return {
    ...adapter,
    async close() {
      try {
        await adapter.close();
        if (!options.keepQueues) await deleteQueues(definition.service, queues);
      } finally {
        trust.release();
      }
    },
  };
}

/** Named people of the seeded register, and its population, to tell what a lookup must answer. */
export async function registerExamples(
  pool: pg.Pool,
  definition: AgencyAdapterDefinition,
): Promise<{ people: ExamplePeople; population: Population; data: ReturnType<typeof agencyDataOf> }> {
  const register = REGISTERS[definition.agency as 'fk'];
  const state = await register.seedState(pool, definition.agency);
  if (!state) throw new Error(`the ${definition.agency} register is not seeded`);
  const data = agencyDataOf(state);
  return { people: examplePeople(data), population: data.population, data };
}

export const SERVICECENTER = { organisation: ORGANISATIONS.orebro, unit: 'Servicecenter' };

/** An agreement as the hub announces it, for tests that speak for the hub on the broker. */
export function agreementAnnouncement(
  agency: keyof typeof ADAPTERS,
  overrides: Partial<AgreementChangedV1> = {},
): AgreementChangedV1 {
  const definition = ADAPTERS[agency];
  const codes = definition.categories.filter((c) => c.secrecyClass !== 'never').map((c) => c.code);
  return {
    agreementId: randomUUID(),
    version: 1,
    status: 'active',
    change: 'approved',
    validFrom: '2026-01-01',
    validTo: '2027-12-31',
    parties: [SERVICECENTER, { organisation: definition.organisation }],
    agency,
    approvals: [
      { organisation: SERVICECENTER.organisation, approvedBy: 'maria.admin' },
      { organisation: definition.organisation, approvedBy: AGENCY_STAFF[agency].admin.id! },
    ],
    purposes: [
      {
        purpose: 'vagledning',
        categories: codes,
        referralTypes: definition.referralTypes.map((r) => r.code),
        roles: ['guide'],
        consentRequired: false,
      },
      {
        purpose: 'ekonomiskt-bistand',
        categories: codes,
        referralTypes: [],
        roles: ['caseworker'],
        consentRequired: false,
        legalBasis: { reference: 'SFS 2001:453 11 kap. 11 §' },
      },
    ],
    ...overrides,
  };
}

/** Waits until the adapter enforces the agreement: it has received and kept the hub's announcement. */
export async function agreementKept(
  adapter: RunningAdapter,
  agency: keyof typeof ADAPTERS,
  agreementId: string,
  timeoutMs?: number,
): Promise<void> {
  const token = await tokenFor(AGENCY_STAFF[agency].caseworker);
  await waitFor(
    async () =>
      (await callAdapter(adapter, 'GET', '/api/agreements', { token })).body.some(
        (v: { id: string }) => v.id === agreementId,
      ),
    timeoutMs,
    `the ${agency} adapter to keep agreement ${agreementId}`,
  );
}

export async function announceAgreement(hub: MessagingClient, agreement: AgreementChangedV1): Promise<void> {
  await hub.publish(
    EXCHANGES.event,
    routingKeys.agreementChanged(),
    { type: 'agreement.changed.v1', payload: agreement },
    { broadcast: true },
  );
}

export function consentFor(agency: string, categories: string[], overrides: Partial<ConsentSnapshot> = {}) {
  return {
    id: randomUUID(),
    ...SERVICECENTER,
    purposes: ['vagledning'] as Purpose[],
    agencies: [agency],
    categories,
    method: 'in-person-written' as const,
    recordedBy: 'anna.guide',
    validFrom: '2026-11-01',
    validUntil: '2027-10-31',
    ...overrides,
  };
}

/** A query as the hub sends it, straight to the agency's routing key. */
export function query(
  hub: MessagingClient,
  agency: string,
  agreement: { id: string; version: number },
  payload: Omit<QueryRequestV1, 'requester'> & { requester?: QueryRequestV1['requester'] },
  purpose: Purpose = 'vagledning',
  deadlineMs = 3_000,
): Promise<GatherResult<QueryReplyV1>> {
  return hub.request<QueryReplyV1>(
    {
      name: agency,
      exchange: EXCHANGES.query,
      routingKey: routingKeys.query(agency),
      message: {
        type: 'query.request.v1',
        purpose,
        agreement,
        payload: { requester: { ...SERVICECENTER, staffId: 'anna.guide', roles: ['guide'] }, ...payload },
      },
    },
    deadlineMs,
  );
}

export function referral(
  agency: keyof typeof ADAPTERS,
  subject: string,
  overrides: Partial<ReferralCreatedV1> = {},
): ReferralCreatedV1 {
  return {
    referralId: randomUUID(),
    agency,
    referralType: ADAPTERS[agency].referralTypes[0].code,
    subject,
    message: 'Personen behöver hjälp och vill bli kontaktad.',
    contactPreference: 'phone',
    requester: { ...SERVICECENTER, staffId: 'anna.guide', roles: ['guide'] },
    respondBy: new Date(Date.now() + 72 * 3_600_000).toISOString(),
    ...overrides,
  };
}

/** Calls an adapter's caseworker API. */
export async function callAdapter(
  adapter: RunningAdapter,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${adapter.url}${path}`, {
    method,
    headers: {
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
