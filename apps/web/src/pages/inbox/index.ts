import type { RouteDefinition } from '../../routes.js';

export const inboxRoutes: RouteDefinition[] = [];
