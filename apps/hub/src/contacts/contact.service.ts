import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { maskPersonnummer } from '@hub/contracts';
import { containsPersonnummer } from '@hub/observability';
import { swedishDay } from '@hub/policy';
import { unitOf } from '../auth/unit-of.js';
import type { StaffUser } from '../auth/staff-user.js';
import { Subjects } from '../core/subjects.js';
import { apiException } from '../http/http-errors.js';
import { ArticleService } from '../knowledge/article.service.js';
import { SurveyService } from '../surveys/survey.service.js';
import { TopicRepository } from '../topics/topic.repository.js';
import type { ContactView, ListContactsQuery, LogContactDto } from './contact.dto.js';
import { ContactRepository, type Contact, type ContactLinks } from './contact.repository.js';

const NO_UNIT = 'contacts are logged by a municipal unit; the token names none';

/**
 * Contacts (kontakter): every contact a guide takes, logged in one request. A contact is anonymous statistics by
 * default and is then not audited; a personnummer is taken only when the work needs one, checked, and kept as the
 * keyed subject hash (never in the note, which refuses one), and such a contact is written to the audit chain, so
 * that the citizen's access report shows it. A contact belongs to the guide's organisation and unit: another
 * unit's contact answers 404, and so does linking a query or referral to one. A contact answered from the knowledge
 * base names the article, which must be one of the guide's own municipality (another's answers 404, as none does).
 */
@Injectable()
export class ContactService {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly topics: TopicRepository,
    private readonly subjects: Subjects,
    private readonly audit: AuditLog,
    private readonly articles: ArticleService,
    private readonly surveys: SurveyService,
  ) {}

  async log(dto: LogContactDto, user: StaffUser): Promise<ContactView> {
    const unit = unitOf(user, NO_UNIT);
    if (dto.note !== undefined && containsPersonnummer(dto.note)) {
      throw apiException(
        'personnummer-in-text',
        'the note holds a personnummer; give it as `subject`, where it is kept as a key, or leave it out',
      );
    }
    const subject = dto.subject === undefined ? undefined : this.subjects.parse(dto.subject);
    if (dto.articleId !== undefined) await this.articles.assertReadableInOwnMunicipality(user, dto.articleId);
    const contact = {
      organisation: user.organisation,
      unit,
      createdBy: user.id,
      channel: dto.channel,
      topic: dto.topic,
      rosa: dto.rosa,
      outcome: dto.outcome,
      language: dto.language ?? 'sv',
      interpreter: dto.interpreter ?? false,
      note: dto.note ?? null,
      waitingSeconds: dto.waitingSeconds ?? null,
      handlingSeconds: dto.handlingSeconds ?? null,
      subjectKey: subject?.key ?? null,
      subjectMasked: subject ? maskPersonnummer(subject.personnummer) : null,
      articleId: dto.articleId ?? null,
    };
    // a contact naming a subject is durable with its audit entry, appended below before the answer
    const durability = subject ? 'audit-entry-next' : 'own';
    let stored = await this.contacts.add(contact, durability);
    if (!stored) {
      // a municipality registered after the seed has no taxonomy until it is first used
      await this.topics.seedDefaults(user.organisation);
      stored = await this.contacts.add(contact, durability);
    }
    if (!stored) {
      throw apiException('unknown-topic', `${dto.topic} is not a topic type of the municipality in use`);
    }
    if (stored.subjectKey) {
      await this.audit.append({
        kind: 'contact',
        actorKind: 'staff',
        actor: user.id,
        organisation: user.organisation,
        unit,
        subjectKey: stored.subjectKey,
        outcome: 'logged',
        correlationId: stored.id,
        details: { contactId: stored.id, channel: stored.channel, topic: stored.topic, outcome: stored.outcome },
      });
    }
    // the survey token is the receipt's: it is not kept with the contact, only its hash with the unit, channel, day
    return { ...contactView(stored), survey: await this.surveys.issue(stored) };
  }

  async list(query: ListContactsQuery, user: StaffUser, now = new Date()): Promise<ContactView[]> {
    const unit = unitOf(user, NO_UNIT);
    const day = query.date ?? swedishDay(now);
    if (!isCalendarDate(day)) throw apiException('invalid-date', `${day} is not a date`);
    return (await this.contacts.listDay(user.organisation, unit, day)).map((c) => contactView(c));
  }

  async show(id: string, user: StaffUser): Promise<ContactView> {
    const unit = unitOf(user, NO_UNIT);
    const contact = await this.contacts.find(user.organisation, unit, id);
    if (!contact) throw contactNotFound(id);
    return contactView(contact, await this.contacts.links(id));
  }

  /** For a query or referral made during a contact: the contact must be one of the caller's unit, else 404. */
  async assertLinkable(contactId: string, user: StaffUser, unit: string): Promise<void> {
    if (!(await this.contacts.exists(user.organisation, unit, contactId))) throw contactNotFound(contactId);
  }
}

const contactNotFound = (id: string) => new NotFoundException({ error: 'not-found', message: `no contact ${id}` });

function isCalendarDate(day: string): boolean {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
}

export function contactView(c: Contact, links?: ContactLinks): ContactView {
  return {
    id: c.id,
    unit: c.unit,
    createdAt: c.createdAt.toISOString(),
    createdBy: c.createdBy,
    channel: c.channel,
    topic: c.topic,
    topicName: c.topicName,
    category: c.category,
    rosa: c.rosa,
    outcome: c.outcome,
    language: c.language,
    interpreter: c.interpreter,
    ...(c.note !== null && { note: c.note }),
    ...(c.waitingSeconds !== null && { waitingSeconds: c.waitingSeconds }),
    ...(c.handlingSeconds !== null && { handlingSeconds: c.handlingSeconds }),
    ...(c.subjectMasked !== null && { subject: c.subjectMasked }),
    ...(c.articleId !== null && { articleId: c.articleId }),
    ...links,
  };
}
