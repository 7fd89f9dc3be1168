import type { IncomingMessage, ServerResponse } from 'node:http';
import { parsePersonnummer } from '@hub/contracts';
import type { Citizens } from './citizens.js';
import { readBody, redirect, sendHtml } from './http.js';
import { renderMessagePage, renderSignPage } from './pages.js';
import type { SigningOrders } from './signing-orders.js';

const ORDER_PATH = /^\/app\/orders\/([A-Za-z0-9_-]+)(?:\/(sign|refuse))?$/;

const SCAN_REFUSED = {
  unknown: ['Koden gick inte att läsa', 'Koden hör inte till någon underskrift. Skanna koden på skärmen igen.'],
  stale: ['Koden är för gammal', 'Koden byts varje sekund. Skanna koden som visas på skärmen just nu.'],
  taken: ['Koden är redan använd', 'Underskriften har redan öppnats i en annan telefon.'],
  closed: ['Underskriften är avslutad', 'Be handläggaren att starta en ny underskrift.'],
} as const;

/**
 * The simulated e-ID app: the phone opens the QR code's URL (`/app?t&s&c`), the first phone to do so gets the order
 * (a capability URL of its own), shows the text and signs or refuses it.
 */
export async function handlePhoneApp(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  orders: SigningOrders,
  citizens: Citizens,
  requesterName: string,
): Promise<void> {
  if (url.pathname === '/app') {
    if (req.method !== 'GET') return sendHtml(res, 405, renderMessagePage('Fel metod', 'Sidan kan inte användas så.'));
    const scanned = orders.scan(
      url.searchParams.get('t') ?? '',
      Number(url.searchParams.get('s') ?? 'NaN'),
      url.searchParams.get('c') ?? '',
    );
    if (!scanned.ok) {
      const [title, message] = SCAN_REFUSED[scanned.reason];
      return sendHtml(res, 400, renderMessagePage(title, message));
    }
    return redirect(res, `/app/orders/${scanned.deviceToken}`);
  }
  const match = ORDER_PATH.exec(url.pathname);
  const onPhone = match ? orders.onPhone(match[1]) : undefined;
  if (!match || !onPhone) {
    return sendHtml(res, 404, renderMessagePage('Underskriften finns inte', 'Skanna koden på skärmen igen.'));
  }
  const [, deviceToken, action] = match;
  const examples = citizens.examples(5);
  const show = (status: number, personnummer?: string, error?: string) =>
    sendHtml(
      res,
      status,
      renderSignPage({ deviceToken, requester: requesterName, text: onPhone.text, personnummer, error, examples }),
    );

  if (action === undefined && req.method === 'GET') {
    if (onPhone.status === 'complete') {
      return sendHtml(res, 200, renderMessagePage('Klart', 'Du har skrivit under. Du kan stänga appen.'));
    }
    if (onPhone.status !== 'pending') return sendHtml(res, 200, renderMessagePage(...SCAN_REFUSED.closed));
    return show(200);
  }
  if (req.method !== 'POST' || action === undefined) {
    return sendHtml(res, 405, renderMessagePage('Fel metod', 'Sidan kan inte användas så.'));
  }
  if (action === 'refuse') {
    orders.refuse(deviceToken);
    return sendHtml(res, 200, renderMessagePage('Avbrutet', 'Du skrev inte under. Du kan stänga appen.'));
  }
  const form = new URLSearchParams(await readBody(req));
  const typed = form.get('personnummer') ?? '';
  const parsed = parsePersonnummer(typed);
  const outcome = await orders.sign(deviceToken, parsed.ok ? citizens.find(parsed.value) : undefined);
  if (outcome.ok) {
    return sendHtml(res, 200, renderMessagePage('Klart', 'Du har skrivit under. Du kan stänga appen.'));
  }
  switch (outcome.reason) {
    case 'unknown-citizen':
      return show(
        400,
        typed,
        parsed.ok
          ? 'Det finns ingen e-legitimation för det personnumret i testmiljön.'
          : 'Skriv ett personnummer med 12 siffror, ÅÅÅÅMMDDNNNN.',
      );
    case 'other-person':
      return show(403, typed, 'Underskriften är avsedd för en annan person.');
    default:
      return sendHtml(res, 409, renderMessagePage(...SCAN_REFUSED.closed));
  }
}
