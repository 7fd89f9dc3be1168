import { answer, hub } from '../../api/hub.js';
import { Alert, Busy } from '../../components.js';
import { formatNumber } from '../../format.js';
import { useLoad } from '../../use-load.js';
import { CHANNEL_TEXT } from '../guide/contact-texts.js';
import type { ContactChannel } from '@contracts/codes';

/** Kundnöjdhet of the period: Nöjd-Kund-Index with its number of answers and 95 % interval, not shown below five. */
export function NkiPanel({ from, to }: { from?: string; to?: string }) {
  const query = new URLSearchParams({ ...(from && { from }), ...(to && { to }) });
  const nki = useLoad(`/api/follow-up/nki${query.size ? `?${query}` : ''}`, () =>
    answer(hub.GET('/api/follow-up/nki', { params: { query: { from, to } } })),
  );
  const figure = (f: {
    answers: number;
    suppressed: boolean;
    nki: number | null;
    ciLow: number | null;
    ciHigh: number | null;
  }) =>
    f.suppressed
      ? `För få svar för ett index (${formatNumber(f.answers)} svar, minst 5 behövs)`
      : `${formatNumber(f.nki!, 1)} (95 % konfidensintervall ${formatNumber(f.ciLow!, 1)}–${formatNumber(f.ciHigh!, 1)}, ${formatNumber(f.answers)} svar)`;
  return (
    <section aria-labelledby="kundnojdhet">
      <h2 id="kundnojdhet">Kundnöjdhet (Nöjd-Kund-Index, 0–100)</h2>
      {nki.state === 'loading' && <Busy>Räknar kundnöjdheten …</Busy>}
      {nki.state === 'error' && <Alert>{nki.error.message}</Alert>}
      {nki.state === 'done' && (
        <>
          <p className="nki-figure" data-nki={nki.data.nki ?? ''}>
            NKI: {figure(nki.data)}
          </p>
          {nki.data.byChannel.length > 0 && (
            <table>
              <caption>NKI per kanal</caption>
              <thead>
                <tr>
                  <th scope="col">Kanal</th>
                  <th scope="col">NKI</th>
                </tr>
              </thead>
              <tbody>
                {nki.data.byChannel.map((c) => (
                  <tr key={c.channel}>
                    <td>{CHANNEL_TEXT[c.channel as ContactChannel] ?? c.channel}</td>
                    <td>{figure(c)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
