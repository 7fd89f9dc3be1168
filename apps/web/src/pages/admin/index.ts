import type { RouteDefinition } from '../../routes.js';

export const adminRoutes: RouteDefinition[] = [];
