import type { RouteDefinition } from '../../routes.js';

export const followUpRoutes: RouteDefinition[] = [];
