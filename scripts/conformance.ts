/**
 * `npm run conformance -- --agency <code> [options]`: the conformance kit against whatever adapter answers for the
 * agency on the broker, acting as the hub. See docs/agency-adapter-guide.md, "The conformance kit".
 */
import 'reflect-metadata';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AGENCY_CODE_PATTERN, ORGANISATIONS } from '@hub/contracts';
import { devBrokerPassword, devSecretsFile } from '@hub/messaging';
import { discoverAdapters } from './adapters.js';
import {
  commandAdapter,
  DEFAULT_SUBJECT,
  formatCheck,
  formatSummary,
  runConformance,
} from './conformance/conformance-kit.js';

const USAGE = `usage: npm run conformance -- --agency <code> [options]

  --agency <code>          the agency code of the adapter under test (routing keys, catalogue), e.g. skv
  --organisation <orgnr>   its organisationsnummer (default: apps/adapter-<code>/adapter.json)
  --start <command>        start the adapter with this shell command once the kit listens, stop it at the end;
                           without it, start (or restart) the adapter yourself when the kit asks
  --subject <personnummer> a person the adapter's test register holds, 12 digits (default ${DEFAULT_SUBJECT})
  --referral-queue <name>  the adapter's referral queue (default q.adapter-<code>.referrals)
  --sign-requests          sign queries too, as a hub with SIGN_REQUESTS=true does
  --announce-timeout <s>   how long to wait for the catalogue (default 60)
  --lifecycle-timeout <s>  how long a referral may take to be finished (default 15)

The kit connects as the hub: AMQP_URL (default amqp://127.0.0.1:5672, a vhost as its path), AMQP_PASSWORD (default
the hub's password from ${devSecretsFile()}), KEYS_DIR with the hub's private key and the adapter's public key
(default var/keys).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      agency: { type: 'string' },
      organisation: { type: 'string' },
      start: { type: 'string' },
      subject: { type: 'string' },
      'referral-queue': { type: 'string' },
      'sign-requests': { type: 'boolean', default: false },
      'announce-timeout': { type: 'string', default: '60' },
      'lifecycle-timeout': { type: 'string', default: '15' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.agency) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const agency = values.agency;
  if (!AGENCY_CODE_PATTERN.test(agency)) throw new Error(`--agency ${agency} is not an agency code`);
  const organisation =
    values.organisation ??
    discoverAdapters().find((a) => a.agency === agency)?.organisation ??
    (ORGANISATIONS as Record<string, string>)[agency];
  if (!organisation || !/^[0-9]{10}$/.test(organisation))
    throw new Error(`no organisationsnummer known for ${agency}: give --organisation`);
  const password = process.env.AMQP_PASSWORD ?? devBrokerPassword('hub');
  if (!password) throw new Error(`AMQP_PASSWORD is not set and ${devSecretsFile()} has no hub password`);
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672';
  const seconds = (value: string, name: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a number of seconds`);
    return n * 1000;
  };
  console.log(`Conformance of adapter-${agency} (${organisation}) on ${amqpUrl.replace(/\/\/[^@/]*@/, '//')}`);
  const report = await runConformance({
    agency,
    organisation,
    amqpUrl,
    password,
    keysDir: resolve(process.env.KEYS_DIR ?? 'var/keys'),
    signRequests: values['sign-requests'],
    ...(values.subject && { subject: values.subject }),
    ...(values['referral-queue'] && { referralQueue: values['referral-queue'] }),
    announceTimeoutMs: seconds(values['announce-timeout'], 'announce-timeout'),
    lifecycleTimeoutMs: seconds(values['lifecycle-timeout'], 'lifecycle-timeout'),
    ...(values.start && { startAdapter: commandAdapter(values.start) }),
    onWaiting: (message) => console.log(`… ${message}`),
    onCheck: (check) => console.log(formatCheck(check)),
  });
  console.log(formatSummary(report));
  return report.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`conformance: ${err.message}`);
    process.exit(2);
  },
);
