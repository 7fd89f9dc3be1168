import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { adapterQueues, type AgencyAdapterDefinition } from '@hub/adapter-kit';
import { agencyDataOf, examplePeople, REGISTERS, type AgencyRegister, type ExamplePeople } from '@hub/registers';
import { devBrokerPassword } from '@hub/messaging';
import { PM_ADAPTER } from '../../apps/adapter-pm/src/pm.adapter.js';
import { pmRegister } from '../../apps/adapter-pm/src/pm-register.js';
import {
  commandAdapter,
  CHECKS,
  formatCheck,
  runConformance,
  type ConformanceOptions,
  type ConformanceReport,
} from '../../scripts/conformance/conformance-kit.js';
import { EXCHANGES, routingKeys, type QueryReplyV1 } from '@hub/contracts';
import { ADAPTERS, startTestAdapter } from '../support/adapters.js';
import { deleteQueues, messagingFor, testPool } from '../support/env.js';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672';
const KEYS_DIR = resolve('var/keys');

/** The simulated caseworker at a pace that finishes a referral within a second, declining none. */
const FAST_CASEWORKER = {
  CASEWORKER: 'simulated',
  CASEWORKER_ACCEPT_AFTER_MS: '150',
  CASEWORKER_START_AFTER_MS: '150',
  CASEWORKER_CLOSE_AFTER_MS: '150',
  CASEWORKER_DECLINE_RATE: '0',
};

function kitOptions(agency: string, organisation: string): ConformanceOptions {
  return {
    agency,
    organisation,
    amqpUrl: AMQP_URL,
    password: devBrokerPassword('hub')!,
    keysDir: KEYS_DIR,
    announceTimeoutMs: 60_000,
    lifecycleTimeoutMs: 10_000,
    // one line per check in the test's output, as the command prints them
    onCheck: (check) => process.stderr.write(`  ${agency}: ${formatCheck(check)}\n`),
  };
}

/** Every check listed, and each one passed: the failures named with their detail otherwise. */
function expectConforms(report: ConformanceReport): void {
  expect(report.checks.map((c) => c.name)).toEqual([...CHECKS]);
  expect(report.checks.filter((c) => !c.ok).map(formatCheck)).toEqual([]);
}

/**
 * The conformance kit (scripts/conformance) acting as the hub against each of our mock adapters and against the
 * Python example (examples/python-adapter): all must pass every check.
 */
describe('the conformance kit', () => {
  const pool = testPool();

  afterAll(async () => {
    await pool.end();
  });

  const mocks: Array<[string, AgencyAdapterDefinition, (people: ExamplePeople) => { subject: string }]> = [
    ['fk', ADAPTERS.fk, (p) => p.withBostadsbidrag],
    ['af', ADAPTERS.af, (p) => p.jobSeeker],
    ['skv', ADAPTERS.skv, (p) => p.ordinary],
    ['pm', PM_ADAPTER, (p) => p.retired],
  ];

  it.each(mocks)(
    'passes against the mock adapter of %s',
    async (agency, definition, person) => {
      const store: Pick<AgencyRegister, 'seedState'> = agency === 'pm' ? pmRegister : REGISTERS[agency as 'fk'];
      const report = await runConformance({
        ...kitOptions(agency, definition.organisation),
        startAdapter: async () => {
          const adapter = await startTestAdapter(definition, FAST_CASEWORKER);
          return { stop: () => adapter.close() };
        },
        // a person of the seeded register with records in the categories that hold addresses
        subject: async () => person(examplePeople(agencyDataOf((await store.seedState(pool, agency))!))).subject,
      });
      expectConforms(report);
    },
    90_000,
  );

  it('passes against the Python example adapter', async () => {
    const python = process.env.TEST_PYTHON ?? '/usr/bin/python3';
    if (!existsSync(python)) throw new Error('the Python example needs /usr/bin/python3 (scripts/test-tools.sh)');
    // it takes Skatteverket's broker user and queues here; the mock's are gone with its run
    const service = 'adapter-skv';
    await deleteQueues(
      service,
      adapterQueues(ADAPTERS.skv).map((q) => q.queue),
    );
    try {
      const report = await runConformance({
        ...kitOptions('skv', ADAPTERS.skv.organisation),
        startAdapter: commandAdapter(`exec ${python} examples/python-adapter/adapter.py`, {
          ...process.env,
          AMQP_URL,
          AGENCY: 'skv',
          ORGANISATION: ADAPTERS.skv.organisation,
          AMQP_USER: service,
          AMQP_PASSWORD: devBrokerPassword(service)!,
          SIGNING_KEY: resolve(KEYS_DIR, 'private', `${service}.jwk.json`),
          HUB_JWKS: resolve(KEYS_DIR, 'public', 'hub.jwks.json'),
          CASEWORKER_STEP_SECONDS: '0.15',
        }),
      });
      expectConforms(report);
    } finally {
      await deleteQueues(
        service,
        adapterQueues(ADAPTERS.skv).map((q) => q.queue),
      );
    }
  }, 90_000);

  it('fails an adapter that answers every query and takes no referral, naming what it got wrong', async () => {
    const service = 'adapter-skv';
    const queue = 'q.adapter-skv.queries';
    await deleteQueues(service, [...adapterQueues(ADAPTERS.skv).map((q) => q.queue)]);
    const released: QueryReplyV1['released'] = [
      { category: 'skv.folkbokforing', data: { records: [{ address: 'Storgatan 1', civilStatus: 'ogift' }] } },
    ];
    const report = await runConformance({
      ...kitOptions('skv', ADAPTERS.skv.organisation),
      lifecycleTimeoutMs: 1_000,
      stepTimeoutMs: 1_000,
      startAdapter: async () => {
        const careless = messagingFor(service);
        await careless.connect();
        await careless.consume({
          queue: { queue, kind: 'request', bindings: [{ exchange: EXCHANGES.query, routingKey: 'query.skv' }] },
          handlers: new Map([
            [
              'query.request.v1',
              async () => ({
                type: 'query.reply.v1',
                payload: { agency: 'skv', status: 'ok', found: true, protectedIdentity: false, released, denied: [] },
              }),
            ],
          ]),
        });
        await careless.publish(EXCHANGES.event, routingKeys.catalogueAnnounced('skv'), {
          type: 'catalogue.announced.v1',
          payload: {
            agency: 'skv',
            organisation: ADAPTERS.skv.organisation,
            name: 'Slarvmyndigheten',
            categories: [
              {
                code: 'skv.folkbokforing',
                secrecyClass: 'consent',
                description: 'Adress',
                fields: [
                  { name: 'address', kind: 'address' },
                  { name: 'civilStatus', kind: 'other' },
                ],
              },
            ],
            referralTypes: [{ code: 'skv.adressandring', description: 'Adressändring', responseTimeHours: 120 }],
          },
        });
        return {
          stop: async () => {
            await careless.close();
            await deleteQueues(service, [queue]);
          },
        };
      },
    });
    expect(report.checks.filter((c) => c.ok).map((c) => c.name)).toEqual([
      'catalogue announced',
      'query answered within the deadline',
    ]);
    const detail = Object.fromEntries(report.checks.map((c) => [c.name, c.detail]));
    expect(detail['expired agreement → refused']).toContain('answered ok with 1 categories released');
    expect(detail['protected identity → no address fields']).toBe('the reply does not say protectedIdentity: true');
    expect(report.failed).toBe(CHECKS.length - 2);
  }, 60_000);
});
