import type { RouteDefinition } from '../../routes.js';
import { QueryPage } from './query-page/query-page.js';
import { ReferralPage, ReferralsPage } from './referrals-page.js';

export const guideRoutes: RouteDefinition[] = [
  { path: '/fraga', roles: ['guide', 'caseworker'], component: QueryPage, menu: 'Fråga myndigheter' },
  { path: '/remisser', roles: ['guide', 'caseworker'], component: ReferralsPage, menu: 'Remisser' },
  { path: '/remisser/:id', roles: ['guide', 'caseworker'], component: ReferralPage },
];
