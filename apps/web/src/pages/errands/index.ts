import type { RouteDefinition } from '../../routes.js';
import { DepartmentInboxPage, ErrandPage, ErrandsPage, NewErrandPage } from './errand-pages.js';

export const errandRoutes: RouteDefinition[] = [
  { path: '/arenden', roles: ['guide', 'caseworker'], component: ErrandsPage, menu: 'Ärenden' },
  { path: '/arenden/ny', roles: ['guide', 'caseworker'], component: NewErrandPage },
  { path: '/arenden/:id', roles: ['guide', 'caseworker', 'department'], component: ErrandPage },
  { path: '/inkorg-forvaltning', roles: ['department'], component: DepartmentInboxPage, menu: 'Inkorg' },
];
