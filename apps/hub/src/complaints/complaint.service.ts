import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { containsPersonnummer } from '@hub/observability';
import { unitOf } from '../auth/unit-of.js';
import type { StaffUser } from '../auth/staff-user.js';
import type { CitizenDetail } from '../errands/errand.dto.js';
import { ErrandService } from '../errands/errand.service.js';
import { MunicipalTopicRules } from '../errands/topic-rules.js';
import type { FollowUpQuery } from '../follow-up/follow-up.dto.js';
import { FOLLOW_UP_TIME_ZONE, parsePeriod } from '../follow-up/period.js';
import { breakdownCounts, SMALL_NUMBER_THRESHOLD, suppressSmall } from '../follow-up/small-numbers.js';
import { apiException } from '../http/http-errors.js';
import type { ComplaintCountsView, ComplaintView, RegisterComplaintDto } from './complaint.dto.js';
import { ComplaintRepository, type Complaint, type StoredComplaint } from './complaint.repository.js';

const KIND_TEXT = { klagomal: 'Klagomål', synpunkt: 'Synpunkt' } as const;
const NO_UNIT = 'complaints are registered and followed by a municipal unit; the token names none';

/**
 * Klagomål och synpunkter: registered by a unit from any channel, routed to the party that answers for what it is
 * about, and followed to an answer. A department gets it as an errand (the errand machinery: its inbox or its own
 * system, its response time, its audit), and the complaint shows the errand's answer. The centre answers its own,
 * and holds those about an agency too: it passes them on through the agency's own complaint channel and records the
 * answer here (docs/klagomal-och-synpunkter.md). Contact details are taken only when the citizen wants an answer;
 * no personnummer in the text. Every registration and answer is audited; a complaint is the registering unit's.
 */
@Injectable()
export class ComplaintService {
  private readonly logger = new Logger('complaints');

  constructor(
    private readonly complaints: ComplaintRepository,
    private readonly errands: ErrandService,
    private readonly topics: MunicipalTopicRules,
    private readonly audit: AuditLog,
  ) {}

  async register(dto: RegisterComplaintDto, user: StaffUser, now = new Date()): Promise<ComplaintView> {
    const unit = unitOf(user, NO_UNIT);
    if (containsPersonnummer(dto.text)) {
      throw apiException('personnummer-in-text', 'the text names a personnummer: leave it out');
    }
    const citizen = dto.wantsAnswer ? { ...dto.citizen } : {};
    if (!dto.wantsAnswer && (dto.citizen || dto.preferredChannel)) {
      throw apiException('invalid-request', 'contact details are taken only when the citizen wants an answer');
    }
    if (dto.wantsAnswer && (!dto.preferredChannel || Object.keys(citizen).length === 0)) {
      throw apiException('invalid-request', 'an answer needs the citizen’s contact details and preferredChannel');
    }
    const rules = await this.topics.of(user.organisation, dto.topic);
    if (!rules) throw apiException('unknown-topic', `${dto.topic} is not a topic type of the municipality in use`);

    const complaint: Complaint = {
      id: randomUUID(),
      organisation: user.organisation,
      unit,
      kind: dto.kind,
      channel: dto.channel,
      topic: rules.code,
      text: dto.text,
      partyKind: dto.party.kind,
      party: unit,
      partyName: unit,
      wantsAnswer: dto.wantsAnswer,
      citizen,
      preferredChannel: dto.preferredChannel ?? null,
      errandId: null,
      respondBy: new Date(now.getTime() + rules.responseHours * 3_600_000),
      status: 'open',
      answer: null,
      answeredBy: null,
      answeredAt: null,
      createdBy: user.id,
      createdAt: now,
    };
    if (dto.party.kind === 'department') {
      if (!dto.party.departmentId) throw apiException('invalid-request', 'party.departmentId names the department');
      // the errand is stored, forwarded and audited by the errand machinery before the complaint names it
      const errand = await this.errands.create(
        {
          topic: rules.code,
          departmentId: dto.party.departmentId,
          message: `${KIND_TEXT[dto.kind]} (${dto.wantsAnswer ? 'svar önskas' : 'inget svar önskas'}): ${dto.text}`,
          citizen,
          // without an answer to the citizen, the department's answer goes to the centre, which keeps it
          preferredChannel: dto.preferredChannel ?? 'visit',
          ...(rules.secrecySensitive && { citizenAllowed: Object.keys(citizen) as CitizenDetail[] }),
        },
        user,
        now,
      );
      Object.assign(complaint, {
        party: errand.department,
        partyName: errand.department,
        errandId: errand.id,
        respondBy: new Date(errand.respondBy),
        citizen: errand.citizen,
      });
    } else if (dto.party.kind === 'agency') {
      const agency = dto.party.agency && (await this.complaints.agency(dto.party.agency));
      if (!agency) throw apiException('unknown-party', 'party.agency is not the organisationsnummer of an agency');
      Object.assign(complaint, { party: agency.number, partyName: agency.name });
    }
    await this.complaints.insert(complaint);
    this.logger.log(`complaint ${complaint.id} (${complaint.topic}) to ${complaint.partyKind} ${complaint.party}`);
    await this.audit.append(this.auditEntry(complaint, user, 'registered'));
    return this.show(complaint.id, user, now);
  }

  async list(user: StaffUser, now = new Date()): Promise<ComplaintView[]> {
    const unit = unitOf(user, NO_UNIT);
    return (await this.complaints.list(user.organisation, unit)).map((c) => viewOf(c, now));
  }

  async show(id: string, user: StaffUser, now = new Date()): Promise<ComplaintView> {
    return viewOf(await this.visible(id, user), now);
  }

  /** The centre's answer to one it holds itself or about an agency; a department answers its own in its errand. */
  async answer(id: string, answer: string, user: StaffUser, now = new Date()): Promise<ComplaintView> {
    const complaint = await this.visible(id, user);
    if (containsPersonnummer(answer)) {
      throw apiException('personnummer-in-text', 'the answer names a personnummer: leave it out');
    }
    if (complaint.errandId) {
      throw apiException('invalid-transition', `${complaint.partyName} answers this complaint in its errand`);
    }
    if (!(await this.complaints.answer(id, answer, user.name, now))) {
      throw apiException('invalid-transition', 'the complaint has been answered already');
    }
    await this.audit.append(this.auditEntry(complaint, user, 'answered'));
    return this.show(id, user, now);
  }

  async counts(query: FollowUpQuery, user: StaffUser, now = new Date()): Promise<ComplaintCountsView> {
    const parsed = parsePeriod(query, now);
    if (!parsed.ok) throw apiException('invalid-period', parsed.problem);
    const unit = user.unit ?? null;
    const counts = await this.complaints.counts(user.organisation, unit, parsed.period, now);
    // both breakdowns sum to the total shown: secondary suppression (small-numbers.ts)
    const byTopic = breakdownCounts(counts.byTopic.map((t) => t.count));
    const byParty = breakdownCounts(counts.byParty.map((p) => p.count));
    const secondarySuppressed = [
      ...[...byTopic.secondary].map((i) => `byTopic.${i}.count`),
      ...[...byParty.secondary].map((i) => `byParty.${i}.count`),
      ...(byTopic.totalHidden || byParty.totalHidden ? ['total'] : []),
    ];
    return {
      period: { ...parsed.period, timeZone: FOLLOW_UP_TIME_ZONE },
      scope: { organisation: user.organisation, unit },
      smallNumberThreshold: SMALL_NUMBER_THRESHOLD,
      total:
        byTopic.totalHidden || byParty.totalHidden
          ? null
          : suppressSmall(counts.byTopic.reduce((sum, t) => sum + t.count, 0)),
      byTopic: counts.byTopic.map((t, i) => ({ ...t, count: byTopic.counts[i]! })),
      byParty: counts.byParty.map((p, i) => ({
        ...p,
        count: byParty.counts[i]!,
        answered: suppressSmall(p.answered),
        overdue: suppressSmall(p.overdue),
      })),
      secondarySuppressed,
    };
  }

  private async visible(id: string, user: StaffUser): Promise<StoredComplaint> {
    const unit = unitOf(user, NO_UNIT);
    const complaint = await this.complaints.find(user.organisation, unit, id);
    if (!complaint) throw apiException('not-found', `no complaint ${id} of your unit`);
    return complaint;
  }

  private auditEntry(c: Complaint, user: StaffUser, outcome: string) {
    return {
      kind: 'complaint' as const,
      actorKind: 'staff' as const,
      actor: user.id,
      organisation: user.organisation,
      unit: user.unit ?? null,
      subjectKey: null,
      outcome,
      correlationId: c.id,
      details: {
        kind: c.kind,
        channel: c.channel,
        topic: c.topic,
        partyKind: c.partyKind,
        party: c.party,
        ...(c.errandId && { errandId: c.errandId }),
      },
    };
  }
}

function viewOf(c: StoredComplaint, now: Date): ComplaintView {
  return {
    id: c.id,
    unit: c.unit,
    kind: c.kind,
    channel: c.channel,
    topic: c.topic,
    topicName: c.topicName,
    text: c.text,
    party: { kind: c.partyKind, id: c.party, name: c.partyName },
    wantsAnswer: c.wantsAnswer,
    citizen: c.citizen,
    ...(c.preferredChannel && { preferredChannel: c.preferredChannel }),
    ...(c.errandId && { errandId: c.errandId }),
    respondBy: c.respondBy.toISOString(),
    overdue: c.status === 'open' && c.respondBy.getTime() < now.getTime(),
    status: c.status,
    ...(c.answer !== null && { answer: c.answer }),
    ...(c.answeredBy && { answeredBy: c.answeredBy }),
    ...(c.answeredAt && { answeredAt: c.answeredAt.toISOString() }),
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
  };
}
