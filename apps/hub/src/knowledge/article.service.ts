import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { Transactions } from '@hub/database';
import { swedishDay } from '@hub/policy';
import type { StaffUser } from '../auth/staff-user.js';
import { OrganisationRepository } from '../organisations/organisation.repository.js';
import { UnitRepository } from '../organisations/unit.repository.js';
import type {
  ArticleHitView,
  ArticleVersionView,
  ArticleView,
  CreateArticleDto,
  ListQueryDto,
  SearchQueryDto,
  UpdateArticleDto,
} from './article.dto.js';
import { ArticleRepository, type OwnerScope } from './article.repository.js';
import type { Article, ArticleContent, ArticleHit, ArticleOwner, ArticleVersion } from './knowledge.types.js';

/** At most this many suggestions: a guide reads them between two visitors. */
export const SEARCH_LIMIT = 5;
const LIST_LIMIT = 500;

/** The caller as the rules see them: their agency's code when they work for an agency. */
export interface Caller {
  user: StaffUser;
  agencyCode?: string | null;
}

/** Past its review day (a day in Sweden), an article is stale and flagged to its owner. */
export const isStale = (article: Pick<Article, 'reviewBy'>, today: string): boolean => article.reviewBy < today;

const isMunicipalAdmin = (user: StaffUser, article: Pick<Article, 'organisation'>) =>
  user.organisation === article.organisation && user.roles.includes('admin');

/**
 * Who reads an article: the staff of its municipality, and the admins of the agency that owns it. Everyone else
 * gets 404, as for an article that does not exist.
 */
export function canRead(caller: Caller, article: Pick<Article, 'organisation' | 'owner'>): boolean {
  if (caller.user.organisation === article.organisation) return true;
  return isAgencyOwner(caller, article);
}

const isAgencyOwner = ({ user, agencyCode }: Caller, article: Pick<Article, 'owner'>) =>
  article.owner.kind === 'agency' &&
  !!agencyCode &&
  article.owner.name === agencyCode &&
  user.roles.includes('agency-admin');

/**
 * Who edits: the municipality's admin any of its articles; staff of the owning unit with role `department` or
 * `admin`; for an agency-owned article, that agency's `agency-admin`.
 */
export function canEdit(caller: Caller, article: Pick<Article, 'organisation' | 'owner'>): boolean {
  const { user } = caller;
  if (isMunicipalAdmin(user, article)) return true;
  if (user.organisation === article.organisation && article.owner.kind === 'unit') {
    return user.unit === article.owner.name && (user.roles.includes('department') || user.roles.includes('admin'));
  }
  return isAgencyOwner(caller, article);
}

/** Whose review list a caller sees: the admin their municipality's, department staff their unit's, an agency its own. */
export function reviewScope(caller: Caller): OwnerScope | undefined {
  const { user } = caller;
  if (caller.agencyCode && user.roles.includes('agency-admin')) return { agency: caller.agencyCode };
  if (user.roles.includes('admin')) return { organisation: user.organisation };
  if (user.roles.includes('department') && user.unit) return { organisation: user.organisation, unit: user.unit };
  return undefined;
}

/**
 * The knowledge base of a municipality: articles with a standard answer and a short answer per channel, kept by their
 * owner (a unit or an agency); every edit is a new version and the old ones stay readable, and is audited in its
 * transaction, before it commits.
 */
@Injectable()
export class ArticleService {
  constructor(
    private readonly articles: ArticleRepository,
    private readonly units: UnitRepository,
    private readonly organisations: OrganisationRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
  ) {}

  async search(user: StaffUser, query: SearchQueryDto): Promise<ArticleHitView[]> {
    const text = (query.q ?? '').trim();
    if (!text && !query.topic) return [];
    const hits = await this.articles.search(user.organisation, text, query.topic, SEARCH_LIMIT);
    const today = swedishDay(new Date());
    return hits.map((hit) => hitView(hit, today));
  }

  async list(user: StaffUser, query: ListQueryDto): Promise<ArticleView[]> {
    const caller = await this.caller(user);
    const today = swedishDay(new Date());
    return (await this.articles.list(user.organisation, query.topic, LIST_LIMIT)).map((a) =>
      articleView(a, today, canEdit(caller, a)),
    );
  }

  async dueForReview(user: StaffUser): Promise<ArticleView[]> {
    const caller = await this.caller(user);
    const scope = reviewScope(caller);
    if (!scope) return [];
    const today = swedishDay(new Date());
    return (await this.articles.dueForReview(scope, today)).map((a) => articleView(a, today, canEdit(caller, a)));
  }

  async show(user: StaffUser, id: string): Promise<ArticleView> {
    const caller = await this.caller(user);
    const article = await this.articles.find(id);
    if (!article || !canRead(caller, article)) throw articleNotFound(id);
    return articleView(article, swedishDay(new Date()), canEdit(caller, article));
  }

  /**
   * For a contact answered with an article: one the caller reads, of their own municipality (not an article an agency
   * admin reads elsewhere); else 404, as for an article that does not exist.
   */
  async assertReadableInOwnMunicipality(user: StaffUser, id: string): Promise<void> {
    const article = await this.articles.find(id);
    if (!article || article.organisation !== user.organisation || !canRead(await this.caller(user), article)) {
      throw articleNotFound(id);
    }
  }

  async versions(user: StaffUser, id: string): Promise<ArticleVersionView[]> {
    const caller = await this.caller(user);
    const article = await this.articles.find(id);
    if (!article || !canRead(caller, article)) throw articleNotFound(id);
    return (await this.articles.versions(id)).map(versionView);
  }

  async create(user: StaffUser, dto: CreateArticleDto): Promise<ArticleView> {
    if (!user.unit) {
      throw new ForbiddenException({ error: 'no-unit', message: 'articles are written by staff of a municipal unit' });
    }
    const content = contentOf(dto, dto.owner);
    const organisation = user.organisation;
    if (!user.roles.includes('admin') && !(content.owner.kind === 'unit' && content.owner.name === user.unit)) {
      throw notOwner('department staff write the articles of their own unit; the admin any of the municipality’s');
    }
    await this.checkOwner(organisation, content.owner);
    const article = await this.transactions.run(async (tx) => {
      const written = await this.articles.insert(organisation, content, user.id, tx);
      await this.record(user, 'created', written, {});
      return written;
    });
    return articleView(article, swedishDay(new Date()), true);
  }

  async update(user: StaffUser, id: string, dto: UpdateArticleDto): Promise<ArticleView> {
    const caller = await this.caller(user);
    const updated = await this.transactions.run(async (tx) => {
      const article = await this.articles.lock(id, tx);
      if (!article || !canRead(caller, article)) throw articleNotFound(id);
      if (!canEdit(caller, article)) throw notOwner('only the article’s owner or the municipality’s admin edits it');
      if (dto.version !== article.version) {
        throw new ConflictException({
          error: 'version-conflict',
          message: `the article is at version ${article.version}; edit that one`,
        });
      }
      const owner = dto.owner ?? article.owner;
      if (owner.kind !== article.owner.kind || owner.name !== article.owner.name) {
        if (!isMunicipalAdmin(user, article)) throw notOwner('only the municipality’s admin hands an article over');
        await this.checkOwner(article.organisation, owner);
      }
      const edited = await this.articles.update(id, article.version + 1, contentOf(dto, owner), user.id, tx);
      const handedOver = edited.owner.kind !== article.owner.kind || edited.owner.name !== article.owner.name;
      await this.record(user, 'edited', edited, {
        previousVersion: article.version,
        ...(handedOver && { previousOwner: article.owner }),
      });
      return edited;
    });
    return articleView(updated, swedishDay(new Date()), canEdit(caller, updated));
  }

  /** The audit entry of a version written, appended in its transaction; the text itself is in the version. */
  private async record(
    user: StaffUser,
    outcome: 'created' | 'edited',
    article: Article,
    extra: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.append({
      kind: 'article',
      actorKind: 'staff',
      actor: user.id,
      organisation: user.organisation,
      unit: user.unit ?? null,
      outcome,
      correlationId: article.id,
      details: {
        id: article.id,
        organisation: article.organisation,
        version: article.version,
        topic: article.topic,
        title: article.title,
        owner: article.owner,
        reviewBy: article.reviewBy,
        ...extra,
      },
    });
  }

  /** The owner must be an open unit of the municipality or a registered agency. */
  private async checkOwner(organisation: string, owner: ArticleOwner): Promise<void> {
    const known =
      owner.kind === 'unit'
        ? (await this.units.list(organisation)).some((u) => u.name === owner.name && !u.closedAt)
        : !!(await this.organisations.findByAgencyCode(owner.name));
    if (!known) {
      throw new BadRequestException({
        error: 'invalid-request',
        message: `owner: no ${owner.kind === 'unit' ? 'open unit' : 'agency'} "${owner.name}"`,
      });
    }
  }

  private async caller(user: StaffUser): Promise<Caller> {
    if (user.unit) return { user };
    return { user, agencyCode: (await this.organisations.find(user.organisation))?.agencyCode ?? null };
  }
}

const articleNotFound = (id: string) => new NotFoundException({ error: 'not-found', message: `no article ${id}` });

const notOwner = (message: string) => new ForbiddenException({ error: 'not-owner', message });

function contentOf(dto: UpdateArticleDto | CreateArticleDto, owner: ArticleOwner): ArticleContent {
  const shortAnswers = Object.fromEntries(
    Object.entries(dto.shortAnswers ?? {}).filter(([, text]) => typeof text === 'string' && text.trim() !== ''),
  );
  return {
    topic: dto.topic,
    owner: { kind: owner.kind, name: owner.name },
    title: dto.title,
    standardAnswer: dto.standardAnswer,
    shortAnswers,
    body: dto.body ?? '',
    links: (dto.links ?? []).map((l) => ({ title: l.title, url: l.url })),
    reviewBy: dto.reviewBy,
  };
}

export function hitView(hit: ArticleHit | Article, today: string): ArticleHitView {
  return {
    id: hit.id,
    topic: hit.topic,
    title: hit.title,
    owner: hit.owner,
    standardAnswer: hit.standardAnswer,
    shortAnswers: hit.shortAnswers,
    reviewBy: hit.reviewBy,
    stale: isStale(hit, today),
  };
}

export function articleView(a: Article, today: string, editable: boolean): ArticleView {
  return {
    ...hitView(a, today),
    organisation: a.organisation,
    version: a.version,
    body: a.body,
    links: a.links,
    createdAt: a.createdAt.toISOString(),
    createdBy: a.createdBy,
    updatedAt: a.updatedAt.toISOString(),
    updatedBy: a.updatedBy,
    editable,
  };
}

const versionView = (v: ArticleVersion): ArticleVersionView => ({
  version: v.version,
  topic: v.topic,
  owner: v.owner,
  title: v.title,
  standardAnswer: v.standardAnswer,
  shortAnswers: v.shortAnswers,
  body: v.body,
  links: v.links,
  reviewBy: v.reviewBy,
  editedAt: v.editedAt.toISOString(),
  editedBy: v.editedBy,
});
