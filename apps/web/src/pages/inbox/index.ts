import type { RouteDefinition } from '../../routes.js';

/**
 * The caseworkers' inbox is not a page of the hub: each agency's adapter serves this same UI, which then runs as
 * `InboxApp` (inbox-app.tsx) with its own login, because the inbox and its API are the agency's, not the hub's.
 */
export const inboxRoutes: RouteDefinition[] = [];
export { InboxApp } from './inbox-app.js';
export { adapterUiConfig } from './adapter-login.js';
