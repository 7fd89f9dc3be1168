import type { RouteDefinition } from '../../routes.js';

export const auditRoutes: RouteDefinition[] = [];
