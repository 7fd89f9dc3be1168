import type { RouteDefinition } from '../../routes.js';
import { AmendAgreementPage, NewAgreementPage } from './agreement-form.js';
import { AgreementListPage } from './agreement-list.js';
import { AgreementPage } from './agreement-page.js';
import { AgreementVersionsPage } from './agreement-versions.js';
import { RetentionPage } from './retention-page.js';
import { TopicsPage } from './topic-page.js';

const READERS = ['admin', 'agency-admin', 'auditor', 'manager'] as const;
const ADMINS = ['admin', 'agency-admin'] as const;

export const adminRoutes: RouteDefinition[] = [
  { path: '/avtal', roles: READERS, component: AgreementListPage, menu: 'Avtal' },
  { path: '/avtal/nytt', roles: ADMINS, component: NewAgreementPage },
  { path: '/avtal/:id', roles: READERS, component: AgreementPage },
  { path: '/avtal/:id/andra', roles: ADMINS, component: AmendAgreementPage },
  { path: '/avtal/:id/versioner', roles: READERS, component: AgreementVersionsPage },
  { path: '/amnen', roles: ['admin'], component: TopicsPage, menu: 'Ämnen och svarstider' },
  { path: '/gallring', roles: ['admin'], component: RetentionPage, menu: 'Gallring' },
];
