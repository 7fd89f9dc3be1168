import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { Transactions } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import type {
  AddTopicCategoryDto,
  AddTopicTypeDto,
  ChangeTopicCategoryDto,
  ChangeTopicTypeDto,
  TopicCategoryView,
  TopicTypeView,
} from './topic.dto.js';
import { TopicRepository, type TopicCategory, type TopicType } from './topic.repository.js';

/**
 * A municipality's own topic taxonomy (category → type), read by all its staff and kept by its admin. Codes are
 * stable keys: a name changes, a code never does, and a retired topic stays (contacts naming it stay readable) but
 * takes no new contacts and no new types. Ids of another organisation's topics answer 404. A municipality that has
 * none yet (registered after the migration's seed) gets the default taxonomy when it is first read. Every change an
 * admin makes is audited in its transaction, before it commits: the response times and secrecy marks decide what an
 * errand carries and when it is overdue.
 */
@Injectable()
export class TopicService {
  constructor(
    private readonly topics: TopicRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
  ) {}

  async list(user: StaffUser): Promise<TopicCategoryView[]> {
    let categories = await this.topics.categories(user.organisation);
    if (categories.length === 0) {
      await this.topics.seedDefaults(user.organisation);
      categories = await this.topics.categories(user.organisation);
    }
    const types = await this.topics.types(user.organisation);
    return categories.map((c) => categoryView(c, types));
  }

  async addCategory(dto: AddTopicCategoryDto, user: StaffUser): Promise<TopicCategoryView> {
    const organisation = adminOf(user);
    const added = await this.transactions.run(async (tx) => {
      const category = await this.topics.insertCategory(
        { organisation, code: dto.code, name: dto.name, createdBy: user.id },
        tx,
      );
      if (category) await this.record(user, 'created', category, {});
      return category;
    });
    if (!added) throw topicExists(dto.code);
    return categoryView(added, []);
  }

  async changeCategory(id: string, dto: ChangeTopicCategoryDto, user: StaffUser): Promise<TopicCategoryView> {
    const organisation = adminOf(user);
    if (dto.name === undefined && dto.retired === undefined) {
      throw new BadRequestException({ error: 'invalid-request', message: 'give a new name, retired: true, or both' });
    }
    const changed = await this.transactions.run(async (tx) => {
      const category = await this.topics.lockCategory(organisation, id, tx);
      if (!category) throw topicNotFound(id);
      if (category.retiredAt) throw topicRetired(category.code);
      const result = await this.topics.changeCategory(
        organisation,
        id,
        { name: dto.name, retiredBy: dto.retired ? user.id : undefined },
        tx,
      );
      const renamed = changesOf(category, result, ['name']);
      if (renamed) await this.record(user, 'changed', result, { changes: renamed });
      if (dto.retired) {
        // a retired category's types cannot take contacts either
        await this.topics.retireTypesOf(organisation, category.code, user.id, tx);
        await this.record(user, 'retired', result, {});
      }
      return result;
    });
    const types = await this.topics.types(organisation);
    return categoryView(changed, types);
  }

  async addType(categoryId: string, dto: AddTopicTypeDto, user: StaffUser): Promise<TopicTypeView> {
    const organisation = adminOf(user);
    const added = await this.transactions.run(async (tx) => {
      const category = await this.topics.lockCategory(organisation, categoryId, tx);
      if (!category) throw topicNotFound(categoryId);
      if (category.retiredAt) throw topicRetired(category.code);
      if (!dto.code.startsWith(`${category.code}.`)) {
        throw new BadRequestException({
          error: 'invalid-request',
          message: `a type of ${category.code} has a code starting with "${category.code}."`,
        });
      }
      const type = await this.topics.insertType(
        {
          organisation,
          category: category.code,
          code: dto.code,
          name: dto.name,
          department: dto.department ?? null,
          responseHours: dto.responseHours ?? null,
          secrecySensitive: dto.secrecySensitive ?? false,
          createdBy: user.id,
        },
        tx,
      );
      if (type) await this.record(user, 'created', type, {});
      return type;
    });
    if (!added) throw topicExists(dto.code);
    return typeView(added);
  }

  async changeType(id: string, dto: ChangeTopicTypeDto, user: StaffUser): Promise<TopicTypeView> {
    const organisation = adminOf(user);
    const { retired, ...fields } = dto;
    if (Object.values(fields).every((v) => v === undefined) && retired === undefined) {
      throw new BadRequestException({
        error: 'invalid-request',
        message: 'give a new name, department, responseHours, secrecySensitive or retired: true',
      });
    }
    const changed = await this.transactions.run(async (tx) => {
      const type = await this.topics.lockType(organisation, id, tx);
      if (!type) throw topicNotFound(id);
      if (type.retiredAt) throw topicRetired(type.code);
      const result = await this.topics.changeType(
        organisation,
        id,
        { ...fields, retiredBy: retired ? user.id : undefined },
        tx,
      );
      const changes = changesOf(type, result, TYPE_FIELDS);
      if (changes) await this.record(user, 'changed', result, { changes });
      if (retired) await this.record(user, 'retired', result, {});
      return result;
    });
    return typeView(changed);
  }

  /** The audit entry of one change to the taxonomy, appended in the change's transaction. */
  private async record(
    user: StaffUser,
    outcome: 'created' | 'changed' | 'retired',
    topic: TopicCategory | TopicType,
    extra: Record<string, unknown>,
  ): Promise<void> {
    const isType = 'category' in topic;
    await this.audit.append({
      kind: 'topic',
      actorKind: 'staff',
      actor: user.id,
      organisation: user.organisation,
      unit: user.unit ?? null,
      outcome,
      correlationId: topic.id,
      details: {
        level: isType ? 'type' : 'category',
        id: topic.id,
        code: topic.code,
        name: topic.name,
        ...(isType && {
          category: topic.category,
          department: topic.department,
          responseHours: topic.responseHours,
          secrecySensitive: topic.secrecySensitive,
        }),
        ...extra,
      },
    });
  }
}

const TYPE_FIELDS = ['name', 'department', 'responseHours', 'secrecySensitive'] as const;

/** What an admin's change altered, field by field, or undefined when it altered nothing. */
function changesOf<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T & string)[],
): Record<string, { from: unknown; to: unknown }> | undefined {
  const changed = fields.filter((field) => before[field] !== after[field]);
  if (!changed.length) return undefined;
  return Object.fromEntries(changed.map((field) => [field, { from: before[field], to: after[field] }]));
}

/** Only a municipality's own admin keeps its taxonomy; the ids in the path are then looked up under it. */
function adminOf(user: StaffUser): string {
  if (!user.roles.includes('admin')) {
    throw new ForbiddenException({
      error: 'role-not-allowed',
      message: 'only the municipality’s admin keeps its topics',
    });
  }
  return user.organisation;
}

const topicNotFound = (id: string) => new NotFoundException({ error: 'not-found', message: `no topic ${id}` });

const topicExists = (code: string) =>
  new ConflictException({
    error: 'topic-exists',
    message: `the municipality has a topic ${code} already (retired ones keep their code)`,
  });

const topicRetired = (code: string) =>
  new ConflictException({ error: 'topic-retired', message: `topic ${code} is retired and cannot be changed` });

export function typeView(t: TopicType): TopicTypeView {
  return {
    id: t.id,
    code: t.code,
    name: t.name,
    category: t.category,
    ...(t.department !== null && { department: t.department }),
    ...(t.responseHours !== null && { responseHours: t.responseHours }),
    secrecySensitive: t.secrecySensitive,
    ...(t.retiredAt && { retiredAt: t.retiredAt.toISOString() }),
  };
}

function categoryView(c: TopicCategory, types: TopicType[]): TopicCategoryView {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    ...(c.retiredAt && { retiredAt: c.retiredAt.toISOString() }),
    types: types.filter((t) => t.category === c.code).map(typeView),
  };
}
