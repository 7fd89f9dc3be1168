import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditLog, type AuditEntryInput } from '@hub/audit';
import {
  departmentService,
  departmentSlug,
  ERRAND_REPORTED_STATUSES,
  EXCHANGES,
  maskPersonnummer,
  routingKeys,
  type Envelope,
  type ErrandForwardedV1,
  type ErrandReportedStatus,
  type ErrandStatusEvent,
  type ErrandStatusV1,
} from '@hub/contracts';
import { Transactions, type Queryable } from '@hub/database';
import { containsPersonnummer } from '@hub/observability';
import { PgOutbox } from '@hub/messaging';
import { unitOf } from '../auth/unit-of.js';
import type { StaffUser } from '../auth/staff-user.js';
import { Subjects } from '../core/subjects.js';
import { apiException } from '../http/http-errors.js';
import { errandMove, errandOverdue, type ErrandAction } from './errand-lifecycle.js';
import type {
  CitizenDetail,
  CreateErrandDto,
  DepartmentView,
  ErrandEventView,
  ErrandView,
  ListErrandsQuery,
} from './errand.dto.js';
import {
  ErrandRepository,
  type Errand,
  type ErrandActor,
  type ErrandCitizen,
  type ErrandEvent,
} from './errand.repository.js';
import { ContactService } from '../contacts/contact.service.js';
import { MunicipalTopicRules, topicRules } from './topic-rules.js';

const FRONT_OFFICE_ROLES = ['guide', 'caseworker'] as const;

/** A change made in the hub, for the department's own system: `department` is the unit that had the errand. */
interface HubChange {
  errand: Errand;
  department: string;
  status: ErrandStatusEvent;
  at: Date;
  user: StaffUser;
  note?: string | null;
}

/**
 * Errands (ärenden) a front office forwards to a department unit of its own municipality (issue 17). The front office
 * unit that forwarded an errand reads it; the department it is with works it along errand-lifecycle.ts. Anyone else,
 * of another unit or municipality, finds it as absent as one never forwarded. A topic marked secrecy-sensitive
 * carries only the contact details the citizen allowed: the rest is never stored.
 */
@Injectable()
export class ErrandService {
  private readonly logger = new Logger('errands');

  constructor(
    private readonly errands: ErrandRepository,
    private readonly transactions: Transactions,
    private readonly subjects: Subjects,
    private readonly audit: AuditLog,
    private readonly outbox: PgOutbox,
    private readonly topics: MunicipalTopicRules,
    private readonly contacts: ContactService,
  ) {}

  async create(dto: CreateErrandDto, user: StaffUser, now = new Date()): Promise<ErrandView> {
    const unit = unitOf(user, 'errands are forwarded by a municipal unit');
    const rules = await this.topics.of(user.organisation, dto.topic);
    if (!rules) throw apiException('invalid-request', `no topic type ${dto.topic} in the taxonomy`);
    // forwarded from a contact: one of the caller's own unit, or none at all
    if (dto.contactId) await this.contacts.assertLinkable(dto.contactId, user, unit);
    if (containsPersonnummer(dto.message)) {
      throw apiException('invalid-request', 'the message names a personnummer: give it as the subject instead');
    }
    let allowed: ReadonlySet<CitizenDetail> | undefined;
    if (rules.secrecySensitive) {
      if (!dto.citizenAllowed) {
        throw apiException(
          'invalid-request',
          `${dto.topic} is secrecy-sensitive: citizenAllowed must list the details the citizen allowed to pass on`,
        );
      }
      allowed = new Set(dto.citizenAllowed);
    }
    const passes = (detail: CitizenDetail) => !allowed || allowed.has(detail);
    const department = dto.departmentId
      ? await this.errands.department(user.organisation, { id: dto.departmentId })
      : rules.department && (await this.errands.department(user.organisation, { name: rules.department }));
    if (!department) {
      if (dto.departmentId) throw apiException('not-found', `no department ${dto.departmentId} in your municipality`);
      throw apiException('invalid-request', `${dto.topic} has no department of its own: name one (departmentId)`);
    }
    const subject = dto.subject && passes('personnummer') ? this.subjects.parse(dto.subject) : undefined;
    const citizen: ErrandCitizen = {};
    for (const detail of ['name', 'phone', 'email'] as const) {
      const value = dto.citizen[detail];
      if (value !== undefined && passes(detail)) citizen[detail] = value;
    }
    const errand: Errand = {
      id: randomUUID(),
      organisation: user.organisation,
      unit,
      department: department.name,
      contactId: dto.contactId ?? null,
      topic: rules.code,
      secrecySensitive: rules.secrecySensitive,
      message: dto.message,
      citizen,
      preferredChannel: dto.preferredChannel,
      subjectKey: subject?.key ?? null,
      subjectMasked: subject ? maskPersonnummer(subject.personnummer) : null,
      createdBy: user.id,
      createdAt: now,
      respondBy: new Date(now.getTime() + rules.responseHours * 3_600_000),
      status: 'sent',
      statusAt: now,
      takenBy: null,
      answer: null,
      answeredBy: null,
      answeredAt: null,
    };
    const actor = actorOf(user);
    // audited before the errand and its message commit: nothing reaches the department unaudited
    await this.transactions.run(async (tx) => {
      await this.errands.insert(errand, actor, tx);
      await this.forward(errand, tx);
      await this.audit.append(
        auditEntry(errand, user, 'sent', {
          ...(allowed && { citizenAllowed: [...allowed].sort() }),
          ...(errand.contactId && { contactId: errand.contactId }),
        }),
      );
    });
    this.logger.log(`errand ${errand.id} (${errand.topic}) forwarded to ${errand.department}`);
    return this.show(errand.id, user, now);
  }

  /** The errands the caller's unit forwarded (front office), or those with the caller's department (inbox). */
  async list(query: ListErrandsQuery, user: StaffUser, side: 'unit' | 'department', now = new Date()) {
    const unit = unitOf(user, side === 'unit' ? 'errands are forwarded by a unit' : 'an inbox belongs to a unit');
    const errands = await this.errands.list(
      { organisation: user.organisation, side, unit, status: query.status ?? null },
      now,
    );
    return errands.map((e) => viewOf(e, now));
  }

  async show(id: string, user: StaffUser, now = new Date()): Promise<ErrandView> {
    const errand = await this.visible(id, user);
    const timeline = await this.errands.timeline(id);
    return { ...viewOf(errand, now), timeline: timeline.map(eventView) };
  }

  /** The caller's municipality's departments, to forward or hand over to. */
  async departments(user: StaffUser): Promise<DepartmentView[]> {
    return this.errands.departments(user.organisation);
  }

  take(id: string, user: StaffUser, now = new Date()): Promise<ErrandView> {
    return this.move(id, user, 'take', now, (e) => ({ ...e, takenBy: user.name }));
  }

  answer(id: string, user: StaffUser, answer: string, now = new Date()): Promise<ErrandView> {
    return this.move(id, user, 'answer', now, (e) => withAnswer(e, answer, user, now));
  }

  close(id: string, user: StaffUser, answer: string | undefined, now = new Date()): Promise<ErrandView> {
    return this.move(id, user, 'close', now, (e) => (answer ? withAnswer(e, answer, user, now) : e), answer);
  }

  /** To another department of the same municipality; the deadline and the timeline go with it. */
  async handOver(id: string, user: StaffUser, departmentId: string, note?: string, now = new Date()) {
    const to = await this.errands.department(user.organisation, { id: departmentId });
    if (!to) throw apiException('not-found', `no department ${departmentId} in your municipality`);
    if (to.name === user.unit) throw apiException('invalid-request', 'the errand is with this department already');
    return this.move(id, user, 'hand-over', now, (e) => ({ ...e, department: to.name, takenBy: null }), undefined, {
      note: note ?? null,
      from: user.unit!,
    });
  }

  /**
   * The front office unit that forwarded an errand withdraws it while it is unanswered, with a reason: the
   * department's inbox shows it withdrawn, its own system is told, and the errand moves no more.
   */
  async withdraw(id: string, user: StaffUser, reason: string, now = new Date()): Promise<ErrandView> {
    const unit = unitOf(user, 'errands are withdrawn by the unit that forwarded them');
    if (containsPersonnummer(reason)) {
      throw apiException('invalid-request', 'the reason names a personnummer: the errand names its subject already');
    }
    await this.transactions.run(async (tx) => {
      const errand = await this.errands.lock(id, user.organisation, tx);
      if (!errand || errand.unit !== unit || !isFrontOffice(user)) throw notFound(id);
      const step = errandMove(errand.status, 'withdraw', errand.answer !== null);
      if (!step.ok) throw apiException('invalid-transition', step.message);
      const withdrawn: Errand = { ...errand, status: step.status, statusAt: now };
      await this.errands.update(
        withdrawn,
        { event: step.event, at: now, actor: actorOf(user), department: withdrawn.department, note: reason },
        tx,
      );
      await this.tell(
        { errand: withdrawn, department: withdrawn.department, status: 'withdrawn', at: now, user, note: reason },
        tx,
      );
      await this.audit.append(auditEntry(withdrawn, user, 'withdrawn', { reason }));
    });
    this.logger.log(`errand ${id} withdrawn by ${unit}`);
    return this.show(id, user, now);
  }

  /**
   * One step of the department's work, in a transaction holding the errand: checked against the lifecycle, stored
   * with its event, told to the department's own system and audited under the errand's subject before it commits.
   */
  private async move(
    id: string,
    user: StaffUser,
    action: ErrandAction,
    now: Date,
    change: (errand: Errand) => Errand,
    answer?: string,
    handOver?: { note: string | null; from: string },
  ): Promise<ErrandView> {
    const department = unitOf(user, 'errands are worked by a department unit');
    const moved = await this.transactions.run(async (tx) => {
      const errand = await this.errands.lock(id, user.organisation, tx);
      if (!errand || errand.department !== department) throw notFound(id);
      const step = errandMove(errand.status, action, errand.answer !== null || answer !== undefined);
      if (!step.ok) throw apiException('invalid-transition', step.message);
      const next = { ...change(errand), status: step.status, statusAt: now };
      const event: ErrandEvent = {
        event: step.event,
        at: now,
        actor: actorOf(user),
        department: next.department,
        note: handOver?.note ?? null,
      };
      await this.errands.update(next, event, tx);
      // the department that had it hears of the hand-over, the one it went to of the errand
      await this.tell(
        handOver
          ? { errand: next, department: handOver.from, status: 'handed-over', at: now, user, note: handOver.note }
          : { errand: next, department: next.department, status: next.status as ErrandReportedStatus, at: now, user },
        tx,
      );
      if (handOver) await this.forward(next, tx, handOver.from);
      await this.audit.append(
        auditEntry(next, user, handOver ? 'handed-over' : next.status, {
          ...(handOver && { from: handOver.from, to: next.department }),
        }),
      );
      return next;
    });
    // a department that handed the errand on sees it no more
    if (handOver) return { ...viewOf(moved, now), timeline: (await this.errands.timeline(id)).map(eventView) };
    return this.show(id, user, now);
  }

  /**
   * Tells the department's own system of the errand, in the transaction that stores it (or hands it over): published
   * after commit, whether or not the department has a system bound (its built-in inbox is the other receiver).
   */
  private async forward(errand: Errand, tx: Queryable, handedOverFrom?: string): Promise<void> {
    const department = departmentSlug(errand.department);
    const payload: ErrandForwardedV1 = {
      errandId: errand.id,
      organisation: errand.organisation,
      department,
      departmentName: errand.department,
      topic: errand.topic,
      secrecySensitive: errand.secrecySensitive,
      message: errand.message,
      citizen: errand.citizen,
      preferredChannel: errand.preferredChannel as ErrandForwardedV1['preferredChannel'],
      ...(errand.subjectMasked && { subject: errand.subjectMasked }),
      forwardedBy: { organisation: errand.organisation, unit: errand.unit, staffId: errand.createdBy },
      forwardedAt: errand.createdAt.toISOString(),
      respondBy: errand.respondBy.toISOString(),
      ...(handedOverFrom && { handedOverFrom }),
    };
    await this.outbox.enqueue(
      tx,
      EXCHANGES.referral,
      routingKeys.errandForwarded(errand.organisation, department),
      { type: 'errand.forwarded.v1', correlationId: errand.id, payload },
      { broadcast: true },
    );
  }

  /**
   * Tells the department's own system (if it has one: published whether or not one is bound) of a change made in the
   * hub, on the key the errand came by, so that it queues behind the errand: `department` is the unit that had the
   * errand, which after a hand-over is no longer the one it is with.
   */
  private async tell(change: HubChange, tx: Queryable): Promise<void> {
    const { errand, status, at, user, note } = change;
    const department = departmentSlug(change.department);
    const payload: ErrandStatusV1 = {
      errandId: errand.id,
      organisation: errand.organisation,
      department,
      status,
      at: at.toISOString(),
      actor: { organisation: user.organisation, name: user.name },
      // the answer the guide reads, so that the department's system holds what its inbox gave
      ...((status === 'answered' || status === 'closed') && errand.answer !== null && { answer: errand.answer }),
      ...(note && { note }),
      ...(status === 'handed-over' && { handedOverTo: errand.department }),
    };
    await this.outbox.enqueue(
      tx,
      EXCHANGES.referral,
      routingKeys.errandForwarded(errand.organisation, department),
      { type: 'errand.status.v1', correlationId: errand.id, payload },
      { broadcast: true },
    );
  }

  /**
   * Status events from departments' own systems, in the consumer's transaction, in order: the same lifecycle as the
   * built-in inbox. A system reports taken, answered and closed only: a withdrawal is the front office's, a hand-over
   * the hub's inbox's. Only the system of the department the errand is with speaks for it (the codec has checked that
   * the sender is that system and names its own department); anything else changes nothing and is audited as
   * refused. A status the errand has already (the system reporting again) is taken as done.
   */
  async recordStatuses(tx: Queryable, envelopes: readonly Envelope<ErrandStatusV1>[], now = new Date()) {
    const audits: AuditEntryInput[] = [];
    for (const envelope of envelopes) {
      const event = envelope.payload;
      const errand = await this.errands.lock(event.errandId.toLowerCase(), event.organisation, tx);
      const base = {
        kind: 'errand' as const,
        actorKind: 'service' as const,
        actor: envelope.sender.service,
        organisation: envelope.sender.organisation,
        unit: errand?.department ?? null,
        correlationId: event.errandId,
      };
      let refusal: string | undefined;
      if (!isReported(event.status)) refusal = `a department's system reports ${ERRAND_REPORTED_STATUSES.join(', ')}`;
      else if (!errand) refusal = `no errand ${event.errandId}`;
      else if (envelope.sender.service !== departmentService(errand.organisation, departmentSlug(errand.department))) {
        refusal = `errand ${errand.id} is with ${errand.department}`;
      } else if (event.actor.organisation !== envelope.sender.organisation) {
        refusal = `the actor's organisation ${event.actor.organisation} is not the sender's`;
      } else if (event.status === 'answered' && event.answer === undefined) {
        refusal = 'an errand is answered with an answer';
      }
      if (!refusal && errand!.status === event.status) continue;
      const step = refusal
        ? undefined
        : errandMove(errand!.status, ACTION_OF[event.status as ErrandReportedStatus], hasAnswer(errand!, event));
      if (step && !step.ok) refusal = step.message;
      if (refusal || !step?.ok) {
        this.logger.warn(
          `refused ${event.status} for errand ${event.errandId} from ${envelope.sender.service}: ${refusal}`,
        );
        audits.push({
          ...base,
          subjectKey: null,
          outcome: 'refused',
          details: { status: event.status, reason: refusal, messageId: envelope.id },
        });
        continue;
      }
      const who = event.actor.name ?? event.actor.service ?? envelope.sender.service;
      const answered = event.answer !== undefined && event.status !== 'taken';
      const next: Errand = {
        ...errand!,
        status: step.status,
        statusAt: now,
        ...(event.status === 'taken' && { takenBy: who }),
        ...(answered && { answer: event.answer!, answeredBy: who, answeredAt: now }),
      };
      await this.errands.update(
        next,
        {
          event: step.event,
          at: now,
          actor: { organisation: event.actor.organisation, name: who, unit: next.department },
          department: next.department,
          note: null,
        },
        tx,
      );
      audits.push({
        ...base,
        subjectKey: next.subjectKey,
        outcome: next.status,
        details: { topic: next.topic, unit: next.unit, department: next.department, reportedAt: event.at },
      });
    }
    await Promise.all(audits.map((entry) => this.audit.append(entry)));
  }

  /**
   * The errand, when the caller may read it: the front office unit that forwarded it, or the department it is with.
   * Another's is as absent as one never forwarded.
   */
  private async visible(id: string, user: StaffUser): Promise<Errand> {
    const errand = await this.errands.find(id, user.organisation);
    if (!errand || !user.unit) throw notFound(id);
    const frontOffice = errand.unit === user.unit && isFrontOffice(user);
    const department = errand.department === user.unit && user.roles.includes('department');
    if (!frontOffice && !department) throw notFound(id);
    return errand;
  }
}

const ACTION_OF: Record<ErrandReportedStatus, ErrandAction> = {
  taken: 'take',
  answered: 'answer',
  closed: 'close',
};

const isReported = (status: ErrandStatusEvent): status is ErrandReportedStatus =>
  (ERRAND_REPORTED_STATUSES as readonly string[]).includes(status);

const isFrontOffice = (user: StaffUser) => user.roles.some((r) => FRONT_OFFICE_ROLES.includes(r as never));

const hasAnswer = (errand: Errand, event: ErrandStatusV1) => errand.answer !== null || event.answer !== undefined;

const notFound = (id: string) => apiException('not-found', `no errand ${id} for your unit`);

const actorOf = (user: StaffUser): ErrandActor => ({
  organisation: user.organisation,
  name: user.name,
  ...(user.unit && { unit: user.unit }),
});

function withAnswer(errand: Errand, answer: string, user: StaffUser, now: Date): Errand {
  return { ...errand, answer, answeredBy: user.name, answeredAt: now };
}

function auditEntry(
  errand: Errand,
  user: StaffUser,
  outcome: string,
  details: Record<string, unknown>,
): AuditEntryInput {
  return {
    kind: 'errand',
    actorKind: 'staff',
    actor: user.id,
    organisation: user.organisation,
    unit: user.unit ?? null,
    subjectKey: errand.subjectKey,
    outcome,
    correlationId: errand.id,
    details: { topic: errand.topic, unit: errand.unit, department: errand.department, ...details },
  };
}

function viewOf(e: Errand, now: Date): ErrandView {
  return {
    id: e.id,
    ...(e.contactId && { contactId: e.contactId }),
    unit: e.unit,
    department: e.department,
    topic: e.topic,
    topicName: topicRules(e.topic)?.name ?? e.topic,
    secrecySensitive: e.secrecySensitive,
    message: e.message,
    citizen: e.citizen,
    preferredChannel: e.preferredChannel,
    ...(e.subjectMasked && { subject: e.subjectMasked }),
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    respondBy: e.respondBy.toISOString(),
    overdue: errandOverdue(e.status, e.respondBy, now),
    status: e.status,
    statusAt: e.statusAt.toISOString(),
    ...(e.takenBy && { takenBy: e.takenBy }),
    ...(e.answer !== null && { answer: e.answer }),
    ...(e.answeredBy && { answeredBy: e.answeredBy }),
    ...(e.answeredAt && { answeredAt: e.answeredAt.toISOString() }),
  };
}

function eventView(e: ErrandEvent): ErrandEventView {
  return {
    event: e.event,
    at: e.at.toISOString(),
    actor: e.actor,
    department: e.department,
    ...(e.note !== null && { note: e.note }),
  };
}
