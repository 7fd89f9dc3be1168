import type { RouteDefinition } from '../../routes.js';

export const guideRoutes: RouteDefinition[] = [];
