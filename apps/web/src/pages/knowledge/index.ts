import type { RouteDefinition } from '../../routes.js';
import { ArticlePage, EditArticlePage, KnowledgePage, NewArticlePage, ReviewPage } from './knowledge-pages.js';

/** The municipality's staff read the knowledge base; its owners (departments, the admin, agencies) keep it. */
const READERS = ['guide', 'caseworker', 'admin', 'manager', 'auditor', 'department'] as const;
const OWNERS = ['admin', 'department', 'agency-admin'] as const;

export const knowledgeRoutes: RouteDefinition[] = [
  { path: '/kunskapsbank', roles: READERS, component: KnowledgePage, menu: 'Kunskapsbank' },
  { path: '/kunskapsbank/ny', roles: ['admin', 'department'], component: NewArticlePage },
  { path: '/kunskapsbank/att-granska', roles: OWNERS, component: ReviewPage, menu: 'Att granska' },
  { path: '/kunskapsbank/:id', roles: [...READERS, 'agency-admin'], component: ArticlePage },
  { path: '/kunskapsbank/:id/andra', roles: OWNERS, component: EditArticlePage },
];
