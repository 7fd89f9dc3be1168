/**
 * The conformance kit: black-box checks of an agency's adapter, in any language, over AMQP. It acts as the hub would
 * (the hub's broker user and signing key), announces its own test agreements and consents to the adapter, and judges
 * only what comes back on the broker. See docs/agency-adapter-guide.md.
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  EXCHANGES,
  HEADERS,
  ORGANISATIONS,
  queueName,
  routingKeys,
  type AgreementChangedV1,
  type CatalogueAnnouncedV1,
  type ConsentRevokedV1,
  type ConsentSnapshot,
  type Envelope,
  type Purpose,
  type QueryReplyV1,
  type QueryRequestV1,
  type ReasonCode,
  type ReferralCreatedV1,
  type ReferralStatus,
  type ReferralStatusV1,
} from '@hub/contracts';
import type { GatherResult } from '@hub/messaging';
import { swedishDay } from '@hub/policy';
import { agencyEventOutcome } from '../../apps/hub/src/referrals/referral-lifecycle.js';
import { HubSide, type Heard, type HubSideOptions } from './hub-side.js';

export const CHECKS = [
  'catalogue announced',
  'query answered within the deadline',
  'no agreement → refused',
  'purpose not covered → refused',
  'expired agreement → refused',
  'consent revoked → refused',
  'protected identity → no address fields',
  'referral lifecycle events signed and ordered',
  'a withdrawal honoured',
  'a redelivered referral processed once',
  'a malformed message parked with a reason',
] as const;

export type CheckName = (typeof CHECKS)[number];

export interface CheckResult {
  name: CheckName;
  ok: boolean;
  detail: string;
  ms: number;
}

export interface ConformanceReport {
  agency: string;
  checks: CheckResult[];
  passed: number;
  failed: number;
}

export interface RunningUnderTest {
  stop(): Promise<void>;
  /** resolves with a description when the adapter ends by itself */
  exited?: Promise<string>;
}

export interface ConformanceOptions extends Omit<HubSideOptions, 'signRequests'> {
  signRequests?: boolean;
  /** a person the adapter's test register holds (12 digits); or how to find one once the adapter has started */
  subject?: string | (() => Promise<string>);
  /** the adapter's referral queue, whose parking queue the malformed message must reach */
  referralQueue?: string;
  announceTimeoutMs?: number;
  queryDeadlineMs?: number;
  /** how long a referral may take to reach a final status; one still open then passes if all else holds */
  lifecycleTimeoutMs?: number;
  /** how long to wait for each single answer on the broker: a status event, a parked message (default 10 s) */
  stepTimeoutMs?: number;
  /** starts the adapter under test once the kit listens for its announcement; stopped at the end */
  startAdapter?: () => Promise<RunningUnderTest>;
  onCheck?: (check: CheckResult) => void;
  onWaiting?: (message: string) => void;
}

/** Skatteverket's well-known test personnummer, for an adapter whose test register holds it. */
export const DEFAULT_SUBJECT = '191212121212';

const SERVICECENTER = { organisation: ORGANISATIONS.orebro, unit: 'Servicecenter' };
const REQUESTER = { ...SERVICECENTER, staffId: 'conformance.guide', roles: ['guide' as const] };
const FINAL: readonly ReferralStatus[] = ['declined', 'closed', 'cancelled'];
const JUSTIFICATION = 'Konformitetstest: uppgiften behövs för vägledningen i ärendet.';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const day = (offsetDays: number) => swedishDay(new Date(Date.now() + offsetDays * 86_400_000));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

type Verdict = { ok: boolean; detail: string };

/** Runs every check against the adapter that answers for `options.agency`; never throws for a failed check. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const agency = options.agency;
  const deadlineMs = options.queryDeadlineMs ?? 3_000;
  const lifecycleMs = options.lifecycleTimeoutMs ?? 15_000;
  const hub = new HubSide({ ...options, signRequests: options.signRequests ?? false });
  const checks: CheckResult[] = [];
  const record = (name: CheckName, verdict: Verdict, startedAt: number) => {
    const check = { name, ...verdict, ms: Date.now() - startedAt };
    checks.push(check);
    options.onCheck?.(check);
  };
  const run = async (name: CheckName, check: () => Promise<Verdict>) => {
    const startedAt = Date.now();
    let verdict: Verdict;
    try {
      verdict = await check();
    } catch (err) {
      verdict = { ok: false, detail: `the kit failed: ${(err as Error).message}` };
    }
    record(name, verdict, startedAt);
  };
  let adapter: RunningUnderTest | undefined;
  try {
    await hub.start();
    const announceStarted = Date.now();
    if (options.startAdapter) adapter = await options.startAdapter();
    else options.onWaiting?.(`waiting for adapter-${agency} to announce its catalogue: start (or restart) it now`);
    let ended: string | undefined;
    void adapter?.exited?.then((how) => (ended = how));
    const heard = await hub.waitFor(
      (all) => all.find((h) => h.type === 'catalogue.announced.v1') ?? (ended ? null : undefined),
      options.announceTimeoutMs ?? 60_000,
    );
    const catalogueVerdict = heard
      ? judgeCatalogue(heard, options)
      : {
          ok: false,
          detail: ended ? `the adapter ${ended} before it announced` : judgeCatalogue(undefined, options).detail,
        };
    record('catalogue announced', catalogueVerdict, announceStarted);
    const catalogue = catalogueVerdict.ok ? hub.catalogue(heard!)! : undefined;
    if (!catalogue) {
      for (const name of CHECKS.slice(1))
        record(name, { ok: false, detail: 'not run: no valid catalogue' }, Date.now());
      return report(agency, checks);
    }
    const subject =
      typeof options.subject === 'function' ? await options.subject() : (options.subject ?? DEFAULT_SUBJECT);
    const fixture = new Fixture(hub, catalogue, subject, deadlineMs, options.stepTimeoutMs ?? 10_000);
    await fixture.announce();
    const kept = await fixture.agreementKept(15_000);

    await run('query answered within the deadline', async () => {
      if (!kept.ok) return kept;
      return fixture.answered();
    });
    await run('no agreement → refused', async () =>
      refused(await fixture.ask({ agreement: { id: randomUUID(), version: 1 } }), 'no-agreement'),
    );
    await run('purpose not covered → refused', async () =>
      refused(await fixture.ask({ purpose: 'etablering' }), 'purpose-not-covered'),
    );
    await run('expired agreement → refused', () =>
      fixture.refusedWithin(() => fixture.ask({ agreement: fixture.expiredRef }), 'agreement-inactive', 3_000),
    );
    await run('consent revoked → refused', () =>
      fixture.refusedWithin(() => fixture.ask({ consent: fixture.revokedConsent }), 'consent-missing', 3_000),
    );
    await run('protected identity → no address fields', () => fixture.protectedIdentity());

    // the referral checks wait on the adapter's pace: side by side
    const referralChecks: Array<[CheckName, () => Promise<Verdict>]> = [
      ['referral lifecycle events signed and ordered', () => fixture.lifecycle(lifecycleMs)],
      ['a withdrawal honoured', () => fixture.withdrawal()],
      ['a redelivered referral processed once', () => fixture.redelivery()],
      [
        'a malformed message parked with a reason',
        () => fixture.malformed(options.referralQueue ?? queueName(`adapter-${agency}`, 'referrals')),
      ],
    ];
    const startedAt = Date.now();
    const verdicts = await Promise.all(
      referralChecks.map(([, check]) =>
        // a publish the broker refuses (no queue bound for the referral's key) is the adapter's to answer for
        check().catch((err: Error) => ({ ok: false, detail: `could not hand over: ${err.message}` })),
      ),
    );
    referralChecks.forEach(([name], i) => record(name, verdicts[i]!, startedAt));
    return report(agency, checks);
  } finally {
    await adapter?.stop().catch(() => undefined);
    await hub.close();
  }
}

function report(agency: string, checks: CheckResult[]): ConformanceReport {
  const passed = checks.filter((c) => c.ok).length;
  return { agency, checks, passed, failed: checks.length - passed };
}

function judgeCatalogue(heard: Heard | undefined, options: ConformanceOptions): Verdict {
  if (!heard) return { ok: false, detail: `no catalogue.announced.${options.agency} within the time` };
  if (!heard.envelope) return { ok: false, detail: `the hub would park it: ${heard.problem}` };
  const catalogue = heard.envelope.payload as CatalogueAnnouncedV1;
  if (catalogue.organisation !== options.organisation)
    return { ok: false, detail: `organisation ${catalogue.organisation}, expected ${options.organisation}` };
  const usable = catalogue.categories.filter((c) => c.secrecyClass !== 'never');
  if (usable.length === 0) return { ok: false, detail: 'no category that may ever be released' };
  if (catalogue.referralTypes.length === 0)
    return { ok: false, detail: 'no referral type: referrals cannot be checked' };
  return {
    ok: true,
    detail: `${catalogue.categories.length} categories and ${catalogue.referralTypes.length} referral type(s), signed`,
  };
}

function refused(result: GatherResult<QueryReplyV1>, expected: ReasonCode): Verdict {
  if (result.status !== 'ok') return { ok: false, detail: describeFailure(result) };
  const reply = result.reply.payload;
  if (reply.status === 'denied' && reply.released.length === 0 && reply.reason === expected)
    return { ok: true, detail: `denied, ${expected}, in ${result.latencyMs} ms` };
  return {
    ok: false,
    detail: `answered ${reply.status}${reply.reason ? ` (${reply.reason})` : ''} with ${reply.released.length} categories released; expected denied, ${expected}`,
  };
}

function describeFailure(result: GatherResult<QueryReplyV1>): string {
  if (result.status === 'timeout') return `no answer within the deadline (${result.latencyMs} ms)`;
  if (result.status === 'error') return `error: ${result.error}`;
  return 'answered';
}

interface AskOptions {
  agreement?: { id: string; version: number };
  purpose?: Purpose;
  consent?: ConsentSnapshot;
  protectedIdentityKnown?: boolean;
}

/** The kit's test agreements, consents and referrals for one agency's catalogue, and the checks that use them. */
class Fixture {
  readonly agency: string;
  readonly agreement: AgreementChangedV1;
  readonly expired: AgreementChangedV1;
  readonly consent: ConsentSnapshot;
  readonly revokedConsent: ConsentSnapshot;
  readonly categories: string[];
  readonly referralType: string;
  private readonly fieldKinds = new Map<string, Map<string, string>>();

  constructor(
    private readonly hub: HubSide,
    private readonly catalogue: CatalogueAnnouncedV1,
    private readonly subject: string,
    private readonly deadlineMs: number,
    private readonly stepMs: number,
  ) {
    this.agency = catalogue.agency;
    this.categories = catalogue.categories.filter((c) => c.secrecyClass !== 'never').map((c) => c.code);
    this.referralType = catalogue.referralTypes[0]!.code;
    for (const c of catalogue.categories) this.fieldKinds.set(c.code, new Map(c.fields.map((f) => [f.name, f.kind])));
    // consent required and a legal basis cited: every category is released with the consent and refused without it
    const terms = {
      purpose: 'vagledning' as const,
      categories: this.categories,
      referralTypes: catalogue.referralTypes.map((r) => r.code),
      roles: ['guide' as const],
      consentRequired: true,
      legalBasis: { reference: 'Konformitetstest, ingen verklig författning' },
    };
    const version = (validFrom: string, validTo: string): AgreementChangedV1 => ({
      agreementId: randomUUID(),
      version: 1,
      status: 'active',
      change: 'approved',
      validFrom,
      validTo,
      parties: [SERVICECENTER, { organisation: catalogue.organisation }],
      agency: this.agency,
      approvals: [
        {
          organisation: SERVICECENTER.organisation,
          approvedBy: 'conformance.admin',
          approvedAt: new Date().toISOString(),
        },
        {
          organisation: catalogue.organisation,
          approvedBy: 'conformance.agency-admin',
          approvedAt: new Date().toISOString(),
        },
      ],
      purposes: [terms],
    });
    this.agreement = version(day(-30), day(365));
    // still `active` as stored: past its last day, the adapter must refuse it whatever the status says
    this.expired = version(day(-400), day(-2));
    const consent = (): ConsentSnapshot => ({
      id: randomUUID(),
      ...SERVICECENTER,
      purposes: ['vagledning'],
      agencies: [this.agency],
      categories: this.categories,
      method: 'in-person-written',
      recordedBy: 'conformance.guide',
      validFrom: day(-10),
      validUntil: day(300),
    });
    this.consent = consent();
    this.revokedConsent = consent();
  }

  get agreementRef() {
    return { id: this.agreement.agreementId, version: this.agreement.version };
  }

  get expiredRef() {
    return { id: this.expired.agreementId, version: this.expired.version };
  }

  /** What the hub tells an adapter when it announces its catalogue, and a revocation. */
  async announce(): Promise<void> {
    const messaging = this.hub.messaging;
    for (const agreement of [this.agreement, this.expired]) {
      await messaging.publish(
        EXCHANGES.event,
        routingKeys.agreementChanged(),
        { type: 'agreement.changed.v1', payload: agreement },
        { broadcast: true },
      );
    }
    const revocation: ConsentRevokedV1 = {
      consentId: this.revokedConsent.id,
      subjectKey: createHmac('sha256', randomBytes(32)).update(this.subject).digest('hex'),
      ...SERVICECENTER,
      revokedAt: new Date().toISOString(),
      revokedBy: 'conformance.guide',
    };
    await messaging.publish(
      EXCHANGES.event,
      routingKeys.consentRevoked(),
      { type: 'consent.revoked.v1', payload: revocation },
      { broadcast: true },
    );
  }

  ask(options: AskOptions = {}, correlationId: string = randomUUID()): Promise<GatherResult<QueryReplyV1>> {
    const consent = options.consent ?? this.consent;
    const payload: QueryRequestV1 = {
      subject: this.subject,
      categories: this.categories,
      requester: REQUESTER,
      consentId: consent.id,
      consent,
      ...(options.protectedIdentityKnown && { protectedIdentityKnown: true, justification: JUSTIFICATION }),
    };
    return this.hub.messaging.request<QueryReplyV1>(this.target(payload, options, correlationId), this.deadlineMs);
  }

  private target(payload: QueryRequestV1, options: AskOptions, correlationId: string) {
    return {
      name: this.agency,
      exchange: EXCHANGES.query,
      routingKey: routingKeys.query(this.agency),
      responder: this.hub.service,
      message: {
        type: 'query.request.v1',
        correlationId,
        purpose: options.purpose ?? 'vagledning',
        agreement: options.agreement ?? this.agreementRef,
        payload,
      },
    };
  }

  /** Asks until the adapter answers under the test agreement: it has kept the announcement. */
  async agreementKept(timeoutMs: number): Promise<Verdict> {
    const until = Date.now() + timeoutMs;
    let last: GatherResult<QueryReplyV1> | undefined;
    while (Date.now() < until) {
      last = await this.ask();
      if (last.status === 'ok' && last.reply.payload.reason !== 'no-agreement') return { ok: true, detail: '' };
      await sleep(200);
    }
    const why =
      last?.status === 'ok'
        ? `still no-agreement ${seconds(timeoutMs)} after agreement.changed.v1 (does it keep the hub's announcements?)`
        : describeFailure(last!);
    return { ok: false, detail: why };
  }

  /** One query alone, then three to the same key in one turn, which travel as one bundle. */
  async answered(): Promise<Verdict> {
    const alone = await this.ask();
    const correlationIds = [randomUUID(), randomUUID(), randomUUID()];
    const bundled = await this.hub.messaging.scatterGather<QueryReplyV1>(
      correlationIds.map((id) => this.target(this.queryPayload(), {}, id)),
      this.deadlineMs,
    );
    const results: Array<[string, GatherResult<QueryReplyV1>, string | undefined]> = [
      ['alone', alone, undefined],
      ...bundled.map((r, i): [string, GatherResult<QueryReplyV1>, string] => [
        `bundled ${i + 1}`,
        r,
        correlationIds[i]!,
      ]),
    ];
    for (const [what, result, correlationId] of results) {
      if (result.status !== 'ok') return { ok: false, detail: `${what}: ${describeFailure(result)}` };
      const reply = result.reply.payload;
      if (reply.status !== 'ok')
        return { ok: false, detail: `${what}: answered ${reply.status} (${reply.reason ?? 'no reason'}), expected ok` };
      if (reply.agency !== this.agency) return { ok: false, detail: `${what}: the reply speaks for ${reply.agency}` };
      if (correlationId && result.reply.correlationId !== correlationId)
        return { ok: false, detail: `${what}: the reply's correlationId is not the request's` };
      const stray = reply.released.find((r) => !this.categories.includes(r.category));
      if (stray) return { ok: false, detail: `${what}: released ${stray.category}, which was not asked for` };
    }
    const released = alone.status === 'ok' ? alone.reply.payload.released.length : 0;
    const latencies = results.map(([, r]) => r.latencyMs);
    return {
      ok: true,
      detail: `alone in ${latencies[0]} ms (${released} categories released), a bundle of 3 in ${Math.max(...latencies.slice(1))} ms; deadline ${this.deadlineMs} ms`,
    };
  }

  private queryPayload(): QueryRequestV1 {
    return {
      subject: this.subject,
      categories: this.categories,
      requester: REQUESTER,
      consentId: this.consent.id,
      consent: this.consent,
    };
  }

  /** Asks until refused for the reason (an announcement the adapter is still taking in), for at most `graceMs`. */
  async refusedWithin(
    ask: () => Promise<GatherResult<QueryReplyV1>>,
    expected: ReasonCode,
    graceMs: number,
  ): Promise<Verdict> {
    const until = Date.now() + graceMs;
    for (;;) {
      const verdict = refused(await ask(), expected);
      if (verdict.ok || Date.now() >= until) return verdict;
      await sleep(200);
    }
  }

  async protectedIdentity(): Promise<Verdict> {
    const result = await this.ask({ protectedIdentityKnown: true });
    if (result.status !== 'ok') return { ok: false, detail: describeFailure(result) };
    const reply = result.reply.payload;
    if (reply.status === 'denied' && reply.reason !== 'protected-identity')
      return { ok: false, detail: `denied (${reply.reason}); expected an answer without address fields` };
    if (!reply.protectedIdentity) return { ok: false, detail: 'the reply does not say protectedIdentity: true' };
    if (!reply.handlingInstruction) return { ok: false, detail: 'the reply carries no handlingInstruction' };
    const leaked: string[] = [];
    let records = 0;
    for (const released of reply.released) {
      const kinds = this.fieldKinds.get(released.category);
      const list = (released.data as { records?: unknown }).records;
      if (!Array.isArray(list)) return { ok: false, detail: `${released.category}: data.records is not a list` };
      for (const item of list as Array<Record<string, unknown>>) {
        records++;
        for (const field of Object.keys(item)) {
          const kind = kinds?.get(field) ?? 'undeclared';
          if (kind !== 'other') leaked.push(`${released.category}.${field} (${kind})`);
        }
      }
    }
    if (leaked.length) return { ok: false, detail: `released ${[...new Set(leaked)].join(', ')}` };
    const declared = [...this.fieldKinds.values()].flatMap((m) => [...m.values()]).filter((k) => k !== 'other');
    return {
      ok: true,
      detail: `${reply.status}, ${records} records without address or location fields${declared.length ? '' : ' (the catalogue declares none)'}`,
    };
  }

  private referral(referralId: string): ReferralCreatedV1 {
    const hours = this.catalogue.referralTypes[0]!.responseTimeHours;
    return {
      referralId,
      agency: this.agency,
      referralType: this.referralType,
      subject: this.subject,
      message: 'Konformitetstest: personen vill bli kontaktad om sitt ärende.',
      contactPreference: 'phone',
      consentId: this.consent.id,
      consent: this.consent,
      requester: REQUESTER,
      respondBy: new Date(Date.now() + hours * 3_600_000).toISOString(),
    };
  }

  private referralMessage(referralId: string) {
    return {
      type: 'referral.created.v1',
      correlationId: referralId,
      purpose: 'vagledning' as const,
      agreement: this.agreementRef,
      payload: this.referral(referralId),
    };
  }

  private get referralKey(): string {
    return routingKeys.referral(this.agency, this.referralType);
  }

  private async sendReferral(referralId: string): Promise<void> {
    await this.hub.messaging.publish(EXCHANGES.referral, this.referralKey, this.referralMessage(referralId));
  }

  private statuses(referralId: string): ReferralStatus[] {
    return this.hub
      .statusesOf(referralId)
      .map((h) => (h.envelope?.payload as ReferralStatusV1 | undefined)?.status)
      .filter((s): s is ReferralStatus => s !== undefined);
  }

  private waitForStatus(referralId: string, wanted: (s: ReferralStatus) => boolean, timeoutMs: number) {
    return this.hub.waitFor(() => this.statuses(referralId).find(wanted), timeoutMs);
  }

  /** What is wrong with the status events of one referral as the hub would take them, from `sent` on. */
  private problems(referralId: string): { problems: string[]; path: ReferralStatus[] } {
    const problems: string[] = [];
    const path: ReferralStatus[] = [];
    let current: ReferralStatus = 'sent';
    for (const heard of this.hub.statusesOf(referralId)) {
      if (!heard.signed) problems.push('an event without x-signature');
      if (!heard.envelope) {
        problems.push(`the hub would park an event: ${heard.problem}`);
        continue;
      }
      const envelope = heard.envelope as Envelope<ReferralStatusV1>;
      const status = envelope.payload.status;
      path.push(status);
      if (envelope.agreement?.id !== this.agreement.agreementId || envelope.agreement.version !== 1)
        problems.push(`${status}: the envelope does not name the referral's agreement and version`);
      if (envelope.purpose !== 'vagledning') problems.push(`${status}: the envelope does not name the purpose`);
      if (envelope.payload.actor.organisation !== this.catalogue.organisation)
        problems.push(`${status}: actor of organisation ${envelope.payload.actor.organisation}`);
      const outcome = agencyEventOutcome(current, status);
      if (outcome.kind === 'refused') problems.push(`out of order: ${outcome.message}`);
      if (outcome.kind === 'move') current = status;
    }
    return { problems, path };
  }

  async lifecycle(timeoutMs: number): Promise<Verdict> {
    const id = randomUUID();
    await this.sendReferral(id);
    const final = await this.waitForStatus(id, (s) => FINAL.includes(s), timeoutMs);
    const { problems, path } = this.problems(id);
    if (path.length === 0) return { ok: false, detail: `no referral.status.v1 within ${seconds(timeoutMs)}` };
    if (problems.length) return { ok: false, detail: `${path.join(' → ')}: ${problems.join('; ')}` };
    return {
      ok: true,
      detail: `${path.join(' → ')}${final ? '' : ` (not finished within ${seconds(timeoutMs)}: no caseworker?)`}, each signed`,
    };
  }

  async withdrawal(): Promise<Verdict> {
    const id = randomUUID();
    await this.sendReferral(id);
    const first = await this.waitForStatus(id, () => true, this.stepMs);
    if (!first) return { ok: false, detail: `no referral.status.v1 within ${seconds(this.stepMs)} of the referral` };
    const before = this.statuses(id);
    const finished = before.find((s) => FINAL.includes(s));
    if (finished) return { ok: false, detail: `the adapter ${finished} it before the withdrawal could be sent` };
    const payload: ReferralStatusV1 = {
      referralId: id,
      agency: this.agency,
      status: 'cancelled',
      at: new Date().toISOString(),
      actor: { organisation: SERVICECENTER.organisation, name: 'Konformitetstestet' },
      note: 'Återkallad av kommunen (konformitetstest)',
    };
    // on the referral's own routing key, where it queues behind the referral: as the hub sends it
    await this.hub.messaging.publish(EXCHANGES.referral, this.referralKey, {
      type: 'referral.status.v1',
      correlationId: id,
      purpose: 'vagledning',
      agreement: this.agreementRef,
      payload,
    });
    const cancelled = await this.waitForStatus(id, (s) => s === 'cancelled', this.stepMs);
    if (!cancelled) {
      const seen = this.statuses(id);
      return {
        ok: false,
        detail: `no cancelled status within ${seconds(this.stepMs)} of the withdrawal (${seen.join(' → ') || 'nothing'})`,
      };
    }
    await sleep(500);
    const { problems, path } = this.problems(id);
    const after = path.slice(path.indexOf('cancelled') + 1);
    if (after.length) problems.push(`moved on after its cancellation: ${after.join(', ')}`);
    if (problems.length) return { ok: false, detail: problems.join('; ') };
    return { ok: true, detail: `${path.join(' → ')}, withdrawn after ${before.join(' → ')}` };
  }

  /** The same message twice (a redelivery), then the same referral under a new message id (the hub's retry). */
  async redelivery(): Promise<Verdict> {
    const id = randomUUID();
    const { codec, publisher } = this.hub.messaging;
    const encoded = codec.encode(this.referralMessage(id));
    for (let i = 0; i < 2; i++)
      await publisher.publish(EXCHANGES.referral, this.referralKey, encoded.content, encoded.properties);
    await this.sendReferral(id);
    const received = await this.waitForStatus(id, () => true, this.stepMs);
    if (!received) return { ok: false, detail: `no referral.status.v1 within ${seconds(this.stepMs)}` };
    await sleep(2_000);
    const { problems, path } = this.problems(id);
    const repeated = path.filter((s, i) => path.indexOf(s) !== i);
    if (repeated.length)
      return { ok: false, detail: `reported ${[...new Set(repeated)].join(', ')} more than once: ${path.join(' → ')}` };
    if (problems.length) return { ok: false, detail: problems.join('; ') };
    return { ok: true, detail: `3 deliveries (2 with one message id), reported once: ${path.join(' → ')}` };
  }

  async malformed(referralQueue: string): Promise<Verdict> {
    const parking = `${referralQueue}.parked`;
    const content = Buffer.from('{"type": "referral.created.v1", this is not JSON');
    const messageId = randomUUID();
    // signed by the hub, so that only its body is wrong
    await this.hub.messaging.publisher.publish(EXCHANGES.referral, this.referralKey, content, {
      messageId,
      type: 'referral.created.v1',
      userId: 'hub',
      contentType: 'application/json',
      headers: { [HEADERS.signature]: this.hub.signer.sign(content) },
    });
    const until = Date.now() + this.stepMs;
    while (Date.now() < until) {
      const parked = await this.hub.takeParked(parking, messageId);
      if (parked) {
        const reason = parked.properties.headers?.[HEADERS.parkedReason];
        if (typeof reason !== 'string' || !reason.trim())
          return { ok: false, detail: `parked on ${parking} without ${HEADERS.parkedReason}` };
        return { ok: true, detail: `on ${parking}: "${reason.slice(0, 80)}"` };
      }
      await sleep(250);
    }
    return { ok: false, detail: `not on ${parking} within ${seconds(this.stepMs)}` };
  }
}

/** An adapter started by a shell command, stopped with SIGTERM to its process group (SIGKILL after 5 s). */
export function commandAdapter(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  output: (line: string) => void = (line) => process.stderr.write(`[adapter] ${line}\n`),
): () => Promise<RunningUnderTest> {
  return async () => {
    const child = spawn(command, { shell: true, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ? `was stopped by ${signal}` : `exited with code ${code}`)),
    );
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) output(line);
      });
    }
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // gone already
      }
    };
    return {
      exited,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        signal('SIGTERM');
        const killed = setTimeout(() => signal('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killed);
      },
    };
  };
}

/** One line per check and a summary, as the command prints them. */
export function formatCheck(check: CheckResult): string {
  return `${check.ok ? '✓' : '✗'} ${check.name} — ${check.detail}`;
}

export function formatSummary(report: ConformanceReport): string {
  const verdict = report.failed === 0 ? 'conforms' : 'does not conform';
  return `adapter-${report.agency} ${verdict}: ${report.passed} passed, ${report.failed} failed`;
}
