import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Page } from '../../components.js';
import { formatDate } from '../../format.js';
import { Link } from '../../router.js';
import { hasRole, useMe } from '../../session.js';
import { AGREEMENT_STATUS_TEXT, agencyName } from '../../texts.js';
import { useLoad } from '../../use-load.js';

export function AgreementListPage() {
  const me = useMe();
  const agreements = useLoad('/api/agreements', () => answer(hub.GET('/api/agreements')));
  const mayCreate = hasRole(me, ['admin', 'agency-admin']);
  return (
    <Page
      title="Samtjänstavtal"
      actions={
        mayCreate && (
          <Link to="/avtal/nytt" className="button">
            Nytt avtal
          </Link>
        )
      }
    >
      {agreements.state === 'loading' && <Busy>Hämtar avtalen …</Busy>}
      {agreements.state === 'error' && <Alert>{agreements.error.message}</Alert>}
      {agreements.state === 'done' &&
        (agreements.data.length === 0 ? (
          <p>Er organisation har inga avtal ännu.{mayCreate && ' Börja med ”Nytt avtal”.'}</p>
        ) : (
          <table>
            <caption className="visually-hidden">Avtal där er organisation är part</caption>
            <thead>
              <tr>
                <th scope="col">Avtal</th>
                <th scope="col">Myndighet</th>
                <th scope="col">Enhet</th>
                <th scope="col">Status</th>
                <th scope="col">Version</th>
                <th scope="col">Gäller</th>
              </tr>
            </thead>
            <tbody>
              {agreements.data.map((agreement) => (
                <tr key={agreement.id}>
                  <td>
                    <Link to={`/avtal/${agreement.id}`}>{agreement.title}</Link>
                  </td>
                  <td>{agencyName(agreement.agency.agency)}</td>
                  <td>{agreement.municipality.unit}</td>
                  <td>{AGREEMENT_STATUS_TEXT[agreement.status]}</td>
                  <td>{agreement.latestVersion}</td>
                  <td>
                    {formatDate(agreement.validFrom)} – {formatDate(agreement.validTo)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </Page>
  );
}
