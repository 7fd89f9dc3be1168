import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-fetch.js';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { useMe } from '../../session.js';
import { apiErrorText } from '../../texts.js';
import { useLoad } from '../../use-load.js';

type Targets = HubSchemas['TargetsView'];
type TargetField = 'firstContactResolvedPercent' | 'nki' | 'errandsInTimePercent' | 'referralsInTimePercent';

const FIELDS: Array<{ field: TargetField; label: string; hint: string }> = [
  { field: 'firstContactResolvedPercent', label: 'Lösta vid första kontakten, minst (%)', hint: 'T.ex. 70' },
  { field: 'nki', label: 'Nöjd-Kund-Index, minst (0–100)', hint: 'T.ex. 75' },
  { field: 'errandsInTimePercent', label: 'Ärenden besvarade inom svarstiden, minst (%)', hint: 'T.ex. 90' },
  {
    field: 'referralsInTimePercent',
    label: 'Remisser besvarade inom avtalad svarstid, minst (%)',
    hint: 'Avtalens svarstider är målet för varje remiss',
  },
];

const WHOLE = '';
const shown = (v: number | null) => (v === null ? '–' : formatNumber(v, 1));
const problem = (err: unknown) =>
  err instanceof ApiError ? apiErrorText(err.code, err.status) : 'Det gick inte att spara. Försök igen.';

/** /mal: the municipality's admin sets the follow-up targets of its centre or of the whole municipality. */
export function TargetsPage() {
  const me = useMe();
  const targets = useLoad('/api/follow-up/targets', () => answer(hub.GET('/api/follow-up/targets')));
  const [scope, setScope] = useState(WHOLE);
  const [values, setValues] = useState<Record<TargetField, string>>({
    firstContactResolvedPercent: '',
    nki: '',
    errandsInTimePercent: '',
    referralsInTimePercent: '',
  });
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string }>();
  const existing = targets.state === 'done' ? targets.data : [];
  const units = [...new Set([...(me.unit ? [me.unit] : []), ...existing.flatMap((t) => (t.unit ? [t.unit] : []))])];

  function choose(unit: string) {
    setScope(unit);
    const current = existing.find((t) => (t.unit ?? WHOLE) === unit);
    setValues({
      firstContactResolvedPercent: current?.firstContactResolvedPercent?.toString() ?? '',
      nki: current?.nki?.toString() ?? '',
      errandsInTimePercent: current?.errandsInTimePercent?.toString() ?? '',
      referralsInTimePercent: current?.referralsInTimePercent?.toString() ?? '',
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setMessage(undefined);
    const number = (text: string) => (text.trim() === '' ? null : Number(text.replace(',', '.')));
    try {
      await answer(
        hub.PUT('/api/follow-up/targets', {
          body: {
            ...(scope !== WHOLE && { unit: scope }),
            firstContactResolvedPercent: number(values.firstContactResolvedPercent),
            nki: number(values.nki),
            errandsInTimePercent: number(values.errandsInTimePercent),
            referralsInTimePercent: number(values.referralsInTimePercent),
          },
        }),
      );
      await targets.reload();
      setMessage({ kind: 'success', text: `Målen för ${scope === WHOLE ? 'hela kommunen' : scope} är sparade.` });
    } catch (err) {
      setMessage({ kind: 'error', text: problem(err) });
    }
  }

  return (
    <Page title="Mål för uppföljningen">
      <p>
        Målen visas i uppföljningen bredvid utfallet. En enhets egna mål gäller före kommunens. Ett tomt fält tar bort
        målet.
      </p>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {targets.state === 'loading' && <Busy>Hämtar mål …</Busy>}
      {targets.state === 'error' && <Alert>{problem(targets.error)}</Alert>}
      {targets.state === 'done' && <TargetList targets={targets.data} />}
      <form onSubmit={submit} noValidate>
        <h2>Sätt mål</h2>
        <Field label="Gäller">
          {(props) => (
            <select {...props} value={scope} onChange={(e) => choose(e.target.value)}>
              <option value={WHOLE}>Hela kommunen</option>
              {units.map((u) => (
                <option key={u} value={u}>
                  {u}
                </option>
              ))}
            </select>
          )}
        </Field>
        {FIELDS.map(({ field, label, hint }) => (
          <Field key={field} label={label} hint={hint}>
            {(props) => (
              <input
                {...props}
                inputMode="decimal"
                value={values[field]}
                onChange={(e) => setValues({ ...values, [field]: e.target.value })}
              />
            )}
          </Field>
        ))}
        <button type="submit">Spara målen</button>
      </form>
    </Page>
  );
}

function TargetList({ targets }: { targets: Targets[] }) {
  if (targets.length === 0) return <p>Inga mål är satta ännu.</p>;
  return (
    <table>
      <caption>Satta mål</caption>
      <thead>
        <tr>
          <th scope="col">Gäller</th>
          <th scope="col">Lösta vid första kontakten (%)</th>
          <th scope="col">NKI</th>
          <th scope="col">Ärenden i tid (%)</th>
          <th scope="col">Remisser i tid (%)</th>
          <th scope="col">Ändrade</th>
        </tr>
      </thead>
      <tbody>
        {targets.map((t) => (
          <tr key={t.unit ?? WHOLE}>
            <th scope="row">{t.unit ?? 'Hela kommunen'}</th>
            <td className="number">{shown(t.firstContactResolvedPercent)}</td>
            <td className="number">{shown(t.nki)}</td>
            <td className="number">{shown(t.errandsInTimePercent)}</td>
            <td className="number">{shown(t.referralsInTimePercent)}</td>
            <td>
              {formatDateTime(t.updatedAt)}, {t.updatedBy}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
