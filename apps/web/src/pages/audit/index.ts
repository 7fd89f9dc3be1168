import type { RouteDefinition } from '../../routes.js';
import { AuditPage } from './audit-page.js';

export const auditRoutes: RouteDefinition[] = [
  { path: '/granskning', roles: ['auditor'], component: AuditPage, menu: 'Granskning' },
];
