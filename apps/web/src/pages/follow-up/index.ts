import type { RouteDefinition } from '../../routes.js';
import { FollowUpPage } from './dashboard.js';

export const followUpRoutes: RouteDefinition[] = [
  { path: '/uppfoljning', roles: ['manager', 'auditor'], component: FollowUpPage, menu: 'Uppföljning' },
];
