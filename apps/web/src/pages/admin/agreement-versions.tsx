import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { usePersistedState } from '../../persisted-state.js';
import { Link } from '../../router.js';
import { AGREEMENT_STATUS_TEXT } from '../../texts.js';
import { useLoad } from '../../use-load.js';
import { termRows } from './agreement-diff.js';
import { useCatalogueNames } from './agreement-types.js';

export function AgreementVersionsPage({ params }: { params: Record<string, string> }) {
  const agreement = useLoad(`/api/agreements/${params.id}`, () =>
    answer(hub.GET('/api/agreements/{id}', { params: { path: { id: params.id } } })),
  );
  const nameOf = useCatalogueNames();
  const [choice, setChoice] = usePersistedState<{ left?: number; right?: number }>(`versions-${params.id}`, {});
  if (agreement.state !== 'done')
    return (
      <Page title="Jämför versioner">
        {agreement.state === 'loading' ? <Busy>Hämtar avtalet …</Busy> : <Alert>{agreement.error.message}</Alert>}
      </Page>
    );
  const versions = agreement.data.versions ?? [];
  const leftNumber = choice.left ?? Math.max(1, agreement.data.latestVersion - 1);
  const rightNumber = choice.right ?? agreement.data.latestVersion;
  const left = versions.find((v) => v.version === leftNumber);
  const right = versions.find((v) => v.version === rightNumber);
  const rows = left && right ? termRows(left, right, nameOf) : [];
  const changed = rows.filter((r) => r.values[0] !== r.values[1]).length;
  const picker = (label: string, value: number, key: 'left' | 'right') => (
    <Field label={label}>
      {(props) => (
        <select {...props} value={value} onChange={(e) => setChoice((c) => ({ ...c, [key]: Number(e.target.value) }))}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              Version {v.version} ({AGREEMENT_STATUS_TEXT[v.status].toLowerCase()})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  return (
    <Page title={`Jämför versioner: ${agreement.data.title}`}>
      <p>
        <Link to={`/avtal/${agreement.data.id}`}>Tillbaka till avtalet</Link>
      </p>
      <div className="side-by-side no-print">
        {picker('Vänster version', leftNumber, 'left')}
        {picker('Höger version', rightNumber, 'right')}
      </div>
      {left && right && (
        <>
          <p role="status">
            {changed === 0
              ? 'Versionerna har samma villkor.'
              : `${changed} ${changed === 1 ? 'rad skiljer' : 'rader skiljer'} sig. Ändrade rader är markerade.`}
          </p>
          <table className="compare">
            <thead>
              <tr>
                <th scope="col">Villkor</th>
                <th scope="col">Version {left.version}</th>
                <th scope="col">Version {right.version}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const differs = row.values[0] !== row.values[1];
                return (
                  <tr key={row.label} className={differs ? 'changed' : undefined}>
                    <th scope="row">
                      {row.label}
                      {differs && <span className="change-flag"> (ändrat)</span>}
                    </th>
                    <td>{differs ? <del>{row.values[0]}</del> : row.values[0]}</td>
                    <td>{differs ? <ins>{row.values[1]}</ins> : row.values[1]}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
