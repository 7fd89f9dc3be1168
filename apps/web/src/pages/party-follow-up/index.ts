import type { RouteDefinition } from '../../routes.js';
import { PartyFollowUpPage } from './party-page.js';

export const partyFollowUpRoutes: RouteDefinition[] = [
  { path: '/uppfoljning/parter', roles: ['manager'], component: PartyFollowUpPage, menu: 'Uppföljning per part' },
];
