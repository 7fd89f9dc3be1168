/**
 * The citizen's e-ID app without a browser: opens the QR code's URL and signs (or refuses) as `personnummer` on the
 * page the app shows, as the phone page does. For tests and benches of the relying party's side. Answers the final
 * page's status and text.
 */
export async function signOnPhone(
  qrData: string,
  personnummer: string,
  action: 'sign' | 'refuse' = 'sign',
): Promise<{ status: number; html: string }> {
  const scanned = await fetch(qrData, { redirect: 'manual' });
  const location = scanned.headers.get('location');
  if (scanned.status !== 303 || !location) return { status: scanned.status, html: await scanned.text() };
  const order = new URL(location, qrData);
  const shown = await fetch(order);
  if (shown.status !== 200) return { status: shown.status, html: await shown.text() };
  await shown.text();
  const answered = await fetch(new URL(`${order.pathname}/${action}`, order), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ personnummer }).toString(),
  });
  return { status: answered.status, html: await answered.text() };
}
