import type { RouteDefinition } from '../../routes.js';
import { ComplaintPage, ComplaintsPage, NewComplaintPage } from './complaint-pages.js';

export const complaintRoutes: RouteDefinition[] = [
  { path: '/klagomal', roles: ['guide', 'caseworker', 'manager'], component: ComplaintsPage, menu: 'Klagomål' },
  { path: '/klagomal/ny', roles: ['guide', 'caseworker'], component: NewComplaintPage },
  { path: '/klagomal/:id', roles: ['guide', 'caseworker', 'manager'], component: ComplaintPage },
];
