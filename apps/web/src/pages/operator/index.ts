import type { RouteDefinition } from '../../routes.js';
import { NewOrganisationPage } from './organisation-form.js';
import { OrganisationListPage } from './organisation-list.js';
import { OrganisationPage } from './organisation-page.js';

const OPERATORS = ['operator'] as const;

export const operatorRoutes: RouteDefinition[] = [
  { path: '/organisationer', roles: OPERATORS, component: OrganisationListPage, menu: 'Organisationer' },
  { path: '/organisationer/ny', roles: OPERATORS, component: NewOrganisationPage },
  { path: '/organisationer/:number', roles: OPERATORS, component: OrganisationPage },
];
