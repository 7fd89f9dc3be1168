import createClient from 'openapi-fetch';
import { checkedFetch } from './api-fetch.js';
import type { components, paths } from './schema.js';

/** The hub's DTO views, generated from its OpenAPI document (`npm run openapi`). */
export type HubSchemas = components['schemas'];

/**
 * The hub's API, typed by its OpenAPI document. Like apiFetch it sends the session cookie and `X-Requested-With`
 * (CSRF), and an answer that is not a success throws ApiError, so `data` is there whenever a call returns.
 */
export const hub = createClient<paths>({
  credentials: 'same-origin',
  headers: { 'x-requested-with': 'fetch', accept: 'application/json' },
  fetch: checkedFetch,
});

/** The body of a successful answer (hub.GET and friends): the errors have thrown already. */
export async function answer<T>(call: Promise<{ data?: T }>): Promise<T> {
  return (await call).data as T;
}
