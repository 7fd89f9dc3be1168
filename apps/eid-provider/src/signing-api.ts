import type { IncomingMessage, ServerResponse } from 'node:http';
import { parsePersonnummer } from '@hub/contracts';
import type { EidProviderConfig } from './config.js';
import { hasClientCredentials, readBody, sendJson } from './http.js';
import { MAX_TEXT_CHARS, type SigningOrders } from './signing-orders.js';

export const SIGNING_API_PREFIX = '/signing/v1/';

function problem(res: ServerResponse, status: number, errorCode: string, details: string): void {
  sendJson(res, status, { errorCode, details });
}

/**
 * The relying party's signing API (docs/e-legitimation.md): JSON over POST, the client authenticated with HTTP Basic,
 * shaped after BankID's RP API (sign, collect, cancel).
 */
export async function handleSigningApi(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  orders: SigningOrders,
  config: EidProviderConfig,
): Promise<void> {
  const operation = pathname.slice(SIGNING_API_PREFIX.length);
  if (!['sign', 'collect', 'cancel'].includes(operation)) return problem(res, 404, 'notFound', 'no such operation');
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return problem(res, 405, 'methodNotAllowed', 'use POST');
  }
  if (!hasClientCredentials(req, config.relyingParty)) {
    res.setHeader('WWW-Authenticate', 'Basic realm="signing"');
    return problem(res, 401, 'unauthorized', 'the client id and secret are missing or wrong');
  }
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
    return problem(res, 415, 'invalidParameters', 'the body must be application/json');
  }
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(await readBody(req));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    return problem(res, 400, 'invalidParameters', 'the body is not a JSON object');
  }
  const clientId = config.relyingParty.clientId;

  if (operation === 'sign') {
    const { text, personnummer } = body;
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT_CHARS) {
      return problem(res, 400, 'invalidParameters', `text must be a non-empty string of at most ${MAX_TEXT_CHARS}`);
    }
    let expected: string | undefined;
    if (personnummer !== undefined) {
      const parsed = typeof personnummer === 'string' ? parsePersonnummer(personnummer) : undefined;
      if (!parsed?.ok) return problem(res, 400, 'invalidParameters', 'personnummer is not a valid personnummer');
      expected = parsed.value;
    }
    return sendJson(res, 200, orders.start(clientId, text, expected));
  }

  const { orderId } = body;
  if (typeof orderId !== 'string') return problem(res, 400, 'invalidParameters', 'orderId must be a string');
  if (operation === 'collect') {
    const result = orders.collect(clientId, orderId);
    return result ? sendJson(res, 200, result) : problem(res, 404, 'notFound', 'no such order');
  }
  return orders.cancel(clientId, orderId) ? sendJson(res, 200, {}) : problem(res, 404, 'notFound', 'no such order');
}
