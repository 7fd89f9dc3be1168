import { apiErrorText } from '../texts.js';

/** An answer from the API that was not a success, with the Swedish text to show for it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** the API's stable error code, such as `invalid-personnummer`, or a policy reason code */
    readonly code: string | undefined,
    readonly details: unknown,
  ) {
    super(apiErrorText(code, status));
  }
}

/** Called when the API says the login has ended, so the UI can offer a new login without losing the page. */
let onUnauthorized: (() => void) | undefined;
export function whenUnauthorized(listener: () => void): void {
  onUnauthorized = listener;
}

/**
 * A call to the hub's (or an adapter's) API with the login session's cookie. Every request carries
 * `X-Requested-With`, which the API requires of cookie-authenticated state-changing requests (CSRF).
 */
export async function apiFetch(
  method: string,
  path: string,
  body?: unknown,
  init: RequestInit = {},
): Promise<Response> {
  return checkedFetch(
    new Request(path, {
      ...init,
      method,
      credentials: 'same-origin',
      headers: {
        'x-requested-with': 'fetch',
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** Sends the request; a failed one, or an answer that is not a success, throws ApiError with its Swedish text. */
export async function checkedFetch(request: Request): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(request);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', undefined);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    let parsed: { error?: string; details?: unknown } = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // not the API's error format (a proxy's page): the status says enough
    }
    if (response.status === 401) onUnauthorized?.();
    throw new ApiError(response.status, parsed.error, parsed.details);
  }
  return response;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await apiFetch(method, path, body);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
