import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import {
  agencyService,
  EXCHANGES,
  maskPersonnummer,
  routingKeys,
  type QueryReplyV1,
  type QueryRequestV1,
} from '@hub/contracts';
import { MessagingClient, type GatherResult } from '@hub/messaging';
import { containsPersonnummer, withCorrelation } from '@hub/observability';
import {
  consentSnapshot,
  decide,
  withholdFields,
  type AgencyDecision,
  type Consent,
  type Decision,
  type RequestedCategories,
} from '@hub/policy';
import { AgreementService } from '../agreements/agreement.service.js';
import type { StaffUser } from '../auth/staff-user.js';
import { unitOf } from '../auth/unit-of.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { ConsentService } from '../consents/consent.service.js';
import { ContactService } from '../contacts/contact.service.js';
import { Subjects, type Subject } from '../core/subjects.js';
import { apiException } from '../http/http-errors.js';
import { HubMetrics } from '../metrics/hub-metrics.js';
import type { AgencyResultView, MultiAgencyQueryDto, MultiAgencyQueryView } from './query.dto.js';
import { QueryRepository, type QueryOutcome } from './query.repository.js';

export const DEFAULT_DEADLINE_MS = 3_000;

/** The agency whose answer says whether the subject has protected identity (SPEC section 3). */
const POPULATION_REGISTER = 'skv';

/** A query checked and decided on, ready to be sent. */
export interface PreparedQuery {
  queryId: string;
  subject: Subject;
  dto: MultiAgencyQueryDto;
  user: StaffUser & { unit: string };
  consents: Consent[];
  knownProtected: boolean;
  decision: Decision;
  redecide: (protectedIdentity: boolean) => Decision;
  now: Date;
}

/**
 * The multi-agency query (SPEC section 3): the policy decides per agency and category, each agency with something
 * to release is asked under one deadline, and each answer is checked against the decision again before it leaves
 * the hub. SKV's answer carries the protected-identity flag, which then governs every agency's answer: nothing
 * from another agency is shown before SKV has answered (or timed out), and address and location fields are
 * withheld from all of them.
 */
@Injectable()
export class QueryService {
  private readonly logger = new Logger('queries');

  constructor(
    private readonly subjects: Subjects,
    private readonly agreements: AgreementService,
    private readonly catalogues: CatalogueService,
    private readonly consents: ConsentService,
    private readonly messaging: MessagingClient,
    private readonly audit: AuditLog,
    private readonly repository: QueryRepository,
    private readonly metrics: HubMetrics,
    private readonly contacts: ContactService,
  ) {}

  async prepare(dto: MultiAgencyQueryDto, user: StaffUser, now = new Date()): Promise<PreparedQuery> {
    const unit = unitOf(user, 'queries are asked on behalf of a municipal unit; the token names none');
    // the justification is kept in the audit entry, which holds a subject only as its key
    if (dto.justification !== undefined && containsPersonnummer(dto.justification)) {
      throw apiException(
        'personnummer-in-text',
        'the justification holds a personnummer; the subject is given as `subject` and kept as a key',
      );
    }
    const subject = this.subjects.parse(dto.subject);
    const categories = requestedCategories(dto);
    if (dto.contactId) await this.contacts.assertLinkable(dto.contactId, user, unit);
    const { consents, knownProtected } = await this.consents.policyFacts(subject);
    const staff = { organisation: user.organisation, unit, roles: user.roles };
    const agreements = this.agreements.policyIndex();
    const catalogues = this.catalogues.index();
    const redecide = (protectedIdentity: boolean) =>
      decide({
        agreements,
        consents,
        catalogues,
        staff,
        protectedIdentity,
        request: {
          subject: subject.key,
          purpose: dto.purpose,
          agencies: dto.agencies,
          categories,
          consentId: dto.consentId,
          justification: dto.justification,
        },
        now,
      });
    return {
      queryId: randomUUID(),
      subject,
      dto,
      user: { ...user, unit },
      consents,
      knownProtected,
      decision: redecide(knownProtected),
      redecide,
      now,
    };
  }

  /** Asks the agencies and answers; `onResult` sees each agency's result as soon as it may be shown. */
  execute(q: PreparedQuery, onResult?: (result: AgencyResultView) => void): Promise<MultiAgencyQueryView> {
    return withCorrelation(q.queryId, () => this.run(q, onResult));
  }

  private async run(q: PreparedQuery, onResult?: (result: AgencyResultView) => void): Promise<MultiAgencyQueryView> {
    const deadlineMs = q.dto.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const results = new Map<string, AgencyResultView>();
    const asked = q.decision.agencies.filter((a) => a.status === 'release');
    let learnedProtected = false;
    let protectedDecision: Decision | undefined;
    const guarded = (result: AgencyResultView): AgencyResultView => {
      if (!(q.knownProtected || learnedProtected) || result.status !== 'ok') return result;
      protectedDecision ??= q.redecide(true);
      return withholdFor(
        result,
        protectedDecision.agencies.find((a) => a.agency === result.agency)!,
      );
    };
    const waitForRegister = !q.knownProtected && asked.some((a) => a.agency === POPULATION_REGISTER);
    let registerAnswered = !waitForRegister;
    const held: AgencyResultView[] = [];
    const recorded = new Set<string>();
    // a streamed result leaves the hub as soon as it is shown: its audit entry is committed first
    const show = async (result: AgencyResultView) => {
      const final = guarded(result);
      results.set(final.agency, final);
      if (!onResult) return;
      await this.record(q, [final], q.knownProtected || learnedProtected);
      recorded.add(final.agency);
      onResult(final);
    };
    const showAll = (views: AgencyResultView[]) => Promise.all(views.map(show));

    // denials too wait for SKV, so that their audit entries say what it said about protected identity
    const denied = q.decision.agencies.filter((a) => a.status === 'deny').map(deniedAtHub);
    if (!registerAnswered) held.push(...denied);
    await Promise.all([
      registerAnswered && showAll(denied),
      ...asked.map(async (a) => {
        const result = toResult(a, await this.ask(q, a, deadlineMs));
        if (result.protectedIdentity) learnedProtected = true;
        if (a.agency === POPULATION_REGISTER) {
          registerAnswered = true;
          await show(result.view);
          await showAll(held.splice(0));
        } else if (!registerAnswered) {
          held.push(result.view);
        } else {
          await show(result.view);
        }
      }),
    ]);
    await showAll(held.splice(0));

    const protectedIdentity = q.knownProtected || learnedProtected;
    if (learnedProtected && !q.knownProtected)
      await this.repository.rememberProtected(q.subject.key, POPULATION_REGISTER);
    const ordered = q.dto.agencies.filter((x, i, all) => all.indexOf(x) === i).map((agency) => results.get(agency)!);
    await this.record(
      q,
      ordered.filter((r) => !recorded.has(r.agency)),
      protectedIdentity,
    );
    this.metrics.recordQueryResults(ordered);
    this.logger.log(`query for ${q.dto.purpose}: ${ordered.map((r) => `${r.agency} ${r.status}`).join(', ')}`);
    return {
      queryId: q.queryId,
      subject: maskPersonnummer(q.subject.personnummer),
      purpose: q.dto.purpose,
      protectedIdentity,
      ...(protectedIdentity && { handlingInstruction: q.redecide(true).handlingInstruction }),
      results: ordered,
      ...(q.dto.contactId && { contactId: q.dto.contactId }),
    };
  }

  private ask(q: PreparedQuery, a: AgencyDecision, deadlineMs: number): Promise<GatherResult<QueryReplyV1>> {
    const released = a.categories.filter((c) => c.status === 'release').map((c) => c.category);
    const consent = a.consentId ? q.consents.find((c) => c.id === a.consentId) : undefined;
    const payload: QueryRequestV1 = {
      subject: q.subject.personnummer,
      categories: released,
      requester: {
        organisation: q.user.organisation,
        unit: q.user.unit,
        staffId: q.user.id,
        roles: q.user.roles,
      },
      ...(consent && { consentId: consent.id, consent: consentSnapshot(consent) }),
      ...(a.legalBasis && { legalBasis: { ...a.legalBasis } }),
      ...(q.dto.justification && { justification: q.dto.justification }),
      ...(q.knownProtected && { protectedIdentityKnown: true }),
    };
    return this.messaging.request<QueryReplyV1>(
      {
        name: a.agency,
        exchange: EXCHANGES.query,
        routingKey: routingKeys.query(a.agency),
        responder: agencyService(a.agency),
        message: {
          type: 'query.request.v1',
          correlationId: q.queryId,
          purpose: q.dto.purpose,
          agreement: a.agreement,
          payload,
        },
      },
      deadlineMs,
    );
  }

  /**
   * One audit entry per agency, denials included, and the outcome rows the follow-up counts; both committed before
   * the answer leaves (a streamed one before each result), each batched with those of concurrent queries.
   */
  private async record(q: PreparedQuery, results: AgencyResultView[], protectedIdentity: boolean): Promise<void> {
    const requested = new Map(q.decision.agencies.map((a) => [a.agency, a.categories.map((c) => c.category)]));
    const audited = results.map((r) =>
      this.audit.append({
        kind: 'query',
        actorKind: 'staff',
        actor: q.user.id,
        organisation: q.user.organisation,
        unit: q.user.unit,
        agreementId: r.agreement?.id ?? null,
        agreementVersion: r.agreement?.version ?? null,
        purpose: q.dto.purpose,
        subjectKey: q.subject.key,
        categoriesRequested: requested.get(r.agency) ?? [],
        categoriesReleased: r.released.map((c) => c.category),
        categoriesDenied: r.denied,
        outcome: r.status,
        correlationId: q.queryId,
        protectedIdentity,
        details: {
          agency: r.agency,
          ...(r.reason && { reason: r.reason }),
          ...(r.latencyMs !== undefined && { latencyMs: r.latencyMs }),
          ...(q.dto.justification && { justification: q.dto.justification }),
        },
      }),
    );
    const outcomes = results.map((r): QueryOutcome => ({
      queryId: q.queryId,
      agency: r.agency,
      at: q.now,
      purpose: q.dto.purpose,
      organisation: q.user.organisation,
      unit: q.user.unit,
      status: r.status,
      reason: r.reason ?? null,
      latencyMs: r.latencyMs ?? null,
      contactId: q.dto.contactId ?? null,
      agreementId: r.agreement?.id ?? null,
      releasedCategories: r.released.map((c) => c.category),
      deniedCategories: r.denied.map((d) => ({ category: d.category, reason: d.reason })),
    }));
    await Promise.all([...audited, ...outcomes.map((o) => this.repository.addOutcome(o))]);
  }
}

/** Category codes grouped by agency; a code of an agency the query does not name is a mistake worth a 400. */
function requestedCategories(dto: MultiAgencyQueryDto): RequestedCategories {
  if (!dto.categories) return 'all';
  const byAgency: Record<string, string[]> = Object.fromEntries(dto.agencies.map((a) => [a, []]));
  for (const code of dto.categories) {
    const agency = code.slice(0, code.indexOf('.'));
    if (!byAgency[agency]) {
      throw apiException('category-agency-not-named', `${code} belongs to ${agency}, which the query does not ask`);
    }
    byAgency[agency].push(code);
  }
  // an agency named without any of its categories is asked for everything the agreement allows
  return Object.fromEntries(Object.entries(byAgency).map(([a, codes]) => [a, codes.length ? codes : 'all']));
}

const deniedCategories = (a: AgencyDecision) =>
  a.categories.filter((c) => c.status === 'deny').map((c) => ({ category: c.category, reason: c.reason! }));

function deniedAtHub(a: AgencyDecision): AgencyResultView {
  return {
    agency: a.agency,
    status: 'denied',
    reason: a.reason,
    ...(a.agreement && { agreement: a.agreement }),
    released: [],
    denied: deniedCategories(a),
  };
}

/** An agency's answer, checked: only categories the hub released, with the hub's denials added. */
function toResult(
  a: AgencyDecision,
  gathered: GatherResult<QueryReplyV1>,
): { view: AgencyResultView; protectedIdentity: boolean } {
  const base = { agency: a.agency, ...(a.agreement && { agreement: a.agreement }), latencyMs: gathered.latencyMs };
  if (gathered.status === 'timeout') {
    return {
      view: { ...base, status: 'timeout', reason: 'deadline-exceeded', released: [], denied: [] },
      protectedIdentity: false,
    };
  }
  if (gathered.status === 'error') {
    return {
      view: { ...base, status: 'error', reason: 'agency-unavailable', released: [], denied: [] },
      protectedIdentity: false,
    };
  }
  const reply = gathered.reply.payload;
  const allowed = new Set(a.categories.filter((c) => c.status === 'release').map((c) => c.category));
  const denied = [...deniedCategories(a), ...reply.denied.filter((d) => allowed.has(d.category))];
  const view: AgencyResultView =
    reply.status === 'ok'
      ? {
          ...base,
          status: 'ok',
          found: reply.found,
          released: reply.released.filter((r) => allowed.has(r.category)),
          denied,
        }
      : { ...base, status: reply.status, reason: reply.reason, released: [], denied };
  return { view, protectedIdentity: reply.protectedIdentity };
}

/** The answer as the policy allows it for a protected subject: withheld fields removed, or denied outright. */
function withholdFor(result: AgencyResultView, decision: AgencyDecision): AgencyResultView {
  if (decision.status === 'deny') {
    return {
      agency: result.agency,
      status: 'denied',
      reason: decision.reason,
      ...(result.agreement && { agreement: result.agreement }),
      released: [],
      denied: deniedCategories(decision),
      latencyMs: result.latencyMs,
    };
  }
  const byCategory = new Map(decision.categories.map((c) => [c.category, c]));
  const released = result.released.flatMap((r) => {
    const c = byCategory.get(r.category);
    if (!c || c.status !== 'release') return [];
    const records = Array.isArray(r.data.records) ? (r.data.records as Array<Record<string, unknown>>) : [];
    return [{ category: r.category, data: { records: withholdFields(records, c.withheldFields) } }];
  });
  const stillReleased = new Set(released.map((r) => r.category));
  const newlyDenied = result.released
    .filter((r) => !stillReleased.has(r.category))
    .map((r) => ({
      category: r.category,
      reason: byCategory.get(r.category)?.reason ?? ('protected-identity' as const),
    }));
  return { ...result, released, denied: [...result.denied, ...newlyDenied] };
}
