import { formatOrganisationsnummer } from '@contracts/organisationsnummer';
import { Alert, Busy, Page } from '../../components.js';
import { formatDate } from '../../format.js';
import { Link } from '../../router.js';
import { useLoad } from '../../use-load.js';
import { ORGANISATION_KIND_TEXT, statusText, type Organisation } from './organisation-types.js';

export function OrganisationListPage() {
  const organisations = useLoad<Organisation[]>('/api/organisations');
  return (
    <Page
      title="Organisationer"
      actions={
        <Link to="/organisationer/ny" className="button">
          Registrera organisation
        </Link>
      }
    >
      <p>Kommuner, myndigheter, regioner och samordningsförbund som är anslutna till hubben.</p>
      {organisations.state === 'loading' && <Busy>Hämtar organisationerna …</Busy>}
      {organisations.state === 'error' && <Alert>{organisations.error.message}</Alert>}
      {organisations.state === 'done' && (
        <table>
          <caption className="visually-hidden">Organisationer i hubben</caption>
          <thead>
            <tr>
              <th scope="col">Namn</th>
              <th scope="col">Organisationsnummer</th>
              <th scope="col">Typ</th>
              <th scope="col">Myndighetskod</th>
              <th scope="col">Status</th>
              <th scope="col">Registrerad</th>
            </tr>
          </thead>
          <tbody>
            {organisations.data.map((o) => (
              <tr key={o.number}>
                <td>
                  <Link to={`/organisationer/${o.number}`}>{o.name}</Link>
                </td>
                <td>{formatOrganisationsnummer(o.number)}</td>
                <td>{ORGANISATION_KIND_TEXT[o.kind]}</td>
                <td>{o.agencyCode ?? '–'}</td>
                <td>{statusText(o.closedAt)}</td>
                <td>{o.registeredAt ? formatDate(o.registeredAt) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
