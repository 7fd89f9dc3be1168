import type { RouteDefinition } from '../../routes.js';
import { FollowUpPage } from './dashboard.js';
import { TargetsPage } from './targets-page.js';

export const followUpRoutes: RouteDefinition[] = [
  { path: '/uppfoljning', roles: ['manager', 'auditor'], component: FollowUpPage, menu: 'Uppföljning' },
  { path: '/mal', roles: ['admin'], component: TargetsPage, menu: 'Mål för uppföljningen' },
];
