import type { RouteDefinition } from '../../routes.js';
import { NewUnitPage, UnitListPage, UnitPage } from './unit-pages.js';

/** A municipality's admin registers and changes its own units; agencies have none. */
const ADMINS = ['admin'] as const;

export const unitRoutes: RouteDefinition[] = [
  { path: '/enheter', roles: ADMINS, component: UnitListPage, menu: 'Enheter' },
  { path: '/enheter/ny', roles: ADMINS, component: NewUnitPage },
  { path: '/enheter/:id', roles: ADMINS, component: UnitPage },
];
