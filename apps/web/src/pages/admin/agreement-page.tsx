import { useState } from 'react';
import { PURPOSES } from '@contracts/codes';
import { ApiError } from '../../api/api-fetch.js';
import { answer, hub } from '../../api/hub.js';
import { Alert, Busy, Field, Page } from '../../components.js';
import { formatDate, formatDateTime } from '../../format.js';
import { Link } from '../../router.js';
import { hasRole, useMe } from '../../session.js';
import { AGREEMENT_STATUS_TEXT, PURPOSE_TEXT, ROLE_TEXT } from '../../texts.js';
import { useLoad } from '../../use-load.js';
import {
  CHANGE_TEXT,
  organisationName,
  useCatalogueNames,
  type Agreement,
  type AgreementVersion,
} from './agreement-types.js';

type Action = 'propose' | 'approve' | 'suspend' | 'resume' | 'terminate';

const ACTION_TEXT: Record<Action, { button: string; busy: string; done: string }> = {
  propose: { button: 'Föreslå för motparten', busy: 'Föreslår …', done: 'Avtalet är föreslaget för motparten.' },
  approve: { button: 'Godkänn avtalet', busy: 'Godkänner …', done: 'Avtalet är godkänt och gäller nu.' },
  suspend: {
    button: 'Stoppa tillfälligt',
    busy: 'Stoppar …',
    done: 'Avtalet är tillfälligt stoppat. Inga uppgifter lämnas ut under det.',
  },
  resume: { button: 'Återuppta', busy: 'Återupptar …', done: 'Avtalet gäller igen.' },
  terminate: { button: 'Avsluta avtalet', busy: 'Avslutar …', done: 'Avtalet är avslutat.' },
};

/**
 * The version that governs data exchange while an amendment waits for approval: the latest earlier version that is
 * still active or suspended and not replaced. None without a pending amendment: then the latest version is in force.
 */
function versionInForce(agreement: Agreement): AgreementVersion | undefined {
  if (agreement.status !== 'draft' && agreement.status !== 'proposed') return undefined;
  return (agreement.versions ?? [])
    .filter((v) => v.version < agreement.version && !v.supersededAt)
    .filter((v) => v.status === 'active' || v.status === 'suspended')
    .sort((x, y) => y.version - x.version)[0];
}

/** What the caller's party may do next; the hub decides in the end and says why when it refuses. */
function actionsFor(agreement: Agreement, organisation: string, inForce: AgreementVersion | undefined): Action[] {
  const approvedByUs = agreement.approvals.some((a) => a.organisation === organisation);
  // the version in force may be stopped or resumed while its amendment waits
  const forInForce: Action[] =
    inForce?.status === 'active' ? ['suspend'] : inForce?.status === 'suspended' ? ['resume'] : [];
  switch (agreement.status) {
    case 'draft':
      return ['propose', ...forInForce, 'terminate'];
    case 'proposed':
      return approvedByUs ? [...forInForce, 'terminate'] : ['approve', ...forInForce, 'terminate'];
    case 'active':
      return ['suspend', 'terminate'];
    case 'suspended':
      return ['resume', 'terminate'];
    default:
      return [];
  }
}

export function AgreementPage({ params }: { params: Record<string, string> }) {
  const me = useMe();
  const agreement = useLoad(`/api/agreements/${params.id}`, () =>
    answer(hub.GET('/api/agreements/{id}', { params: { path: { id: params.id } } })),
  );
  const [note, setNote] = useState('');
  const [working, setWorking] = useState<Action>();
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; text: string }>();
  const [confirmingEnd, setConfirmingEnd] = useState(false);

  if (agreement.state === 'loading')
    return (
      <Page title="Avtal">
        <Busy>Hämtar avtalet …</Busy>
      </Page>
    );
  if (agreement.state === 'error')
    return (
      <Page title="Avtal">
        <Alert>{agreement.error.message}</Alert>
        <Link to="/avtal">Till alla avtal</Link>
      </Page>
    );
  const a = agreement.data;
  const inForce = versionInForce(a);
  const mayChange = hasRole(me, ['admin', 'agency-admin']);
  const actions = mayChange ? actionsFor(a, me.organisation, inForce) : [];
  const mayAmend = mayChange && (a.status === 'active' || a.status === 'suspended');

  async function act(action: Action) {
    setConfirmingEnd(false);
    setWorking(action);
    setOutcome(undefined);
    try {
      await hub.POST(`/api/agreements/{id}/${action}`, {
        params: { path: { id: a.id } },
        body: note.trim() ? { note: note.trim() } : {},
      });
      setNote('');
      setOutcome({ kind: 'success', text: ACTION_TEXT[action].done });
      void agreement.reload();
    } catch (error) {
      setOutcome({ kind: 'error', text: (error as ApiError).message });
    } finally {
      setWorking(undefined);
    }
  }

  return (
    <Page title={a.title}>
      <p>
        <Link to="/avtal">Alla avtal</Link>
        {(a.versions?.length ?? 0) > 1 && (
          <>
            {' · '}
            <Link to={`/avtal/${a.id}/versioner`}>Jämför versioner</Link>
          </>
        )}
      </p>
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          {inForce ? (
            <>
              <strong>{AGREEMENT_STATUS_TEXT[inForce.status]}</strong> (version {inForce.version})
              <br />
              Ändring: {AGREEMENT_STATUS_TEXT[a.status].toLowerCase()} (version {a.version}). Villkoren nedan är
              ändringens; version {inForce.version} gäller tills ändringen är godkänd av båda parter.
            </>
          ) : (
            <>
              <strong>{AGREEMENT_STATUS_TEXT[a.status]}</strong> (version {a.version})
            </>
          )}
        </dd>
        <dt>Parter</dt>
        <dd>
          {organisationName(a.municipality.organisation)}, {a.municipality.unit} och{' '}
          {organisationName(a.agency.organisation)}
        </dd>
        <dt>Gäller</dt>
        <dd>
          {formatDate(a.validFrom)} – {formatDate(a.validTo)}
        </dd>
        <dt>Godkänt av</dt>
        <dd>
          {a.approvals.length === 0
            ? 'Ingen part ännu'
            : a.approvals
                .map(
                  (x) => `${organisationName(x.organisation)}${x.approvedAt ? ` ${formatDateTime(x.approvedAt)}` : ''}`,
                )
                .join(', ')}
        </dd>
      </dl>
      {(actions.length > 0 || mayAmend) && (
        <section aria-labelledby="actions-heading" className="card no-print">
          <h2 id="actions-heading">Ändra status</h2>
          <Field label="Anteckning (valfri)" hint="Sparas i avtalets historik">
            {(props) => (
              <input {...props} type="text" size={50} value={note} onChange={(e) => setNote(e.target.value)} />
            )}
          </Field>
          {working ? (
            <Busy>{ACTION_TEXT[working].busy}</Busy>
          ) : confirmingEnd ? (
            <div role="group" aria-labelledby="end-question">
              <p id="end-question">
                <strong>Ett avslutat avtal kan inte återupptas.</strong> Inga uppgifter lämnas ut under det och remisser
                som inte har accepterats återkallas. Vill du avsluta avtalet?
              </p>
              <div className="actions">
                <button type="button" onClick={() => void act('terminate')}>
                  Ja, avsluta avtalet
                </button>
                <button type="button" className="secondary" onClick={() => setConfirmingEnd(false)} autoFocus>
                  Nej, behåll avtalet
                </button>
              </div>
            </div>
          ) : (
            <div className="actions">
              {actions.map((action) => (
                <button
                  key={action}
                  type="button"
                  className={action === 'terminate' ? 'secondary' : undefined}
                  onClick={() => (action === 'terminate' ? setConfirmingEnd(true) : void act(action))}
                >
                  {ACTION_TEXT[action].button}
                </button>
              ))}
              {mayAmend && (
                <Link to={`/avtal/${a.id}/andra`} className="button secondary-link">
                  Ändra villkoren
                </Link>
              )}
            </div>
          )}
        </section>
      )}
      <h2>Villkor i version {a.version}</h2>
      <TermsTable version={a} />
      {a.history && a.history.length > 0 && (
        <>
          <h2>Historik</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">När</th>
                <th scope="col">Version</th>
                <th scope="col">Händelse</th>
                <th scope="col">Av</th>
                <th scope="col">Anteckning</th>
              </tr>
            </thead>
            <tbody>
              {a.history.map((event, i) => (
                <tr key={i}>
                  <td>{formatDateTime(event.at)}</td>
                  <td>{event.version}</td>
                  <td>{CHANGE_TEXT[event.change] ?? event.change}</td>
                  <td>
                    {event.actor}
                    {event.organisation && `, ${organisationName(event.organisation)}`}
                  </td>
                  <td>{event.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}

export function TermsTable({ version }: { version: AgreementVersion }) {
  const name = useCatalogueNames();
  const purposes = PURPOSES.filter((p) => version.purposes[p]);
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Ändamål</th>
          <th scope="col">Uppgifter</th>
          <th scope="col">Remisstyper</th>
          <th scope="col">Roller</th>
          <th scope="col">Samtycke / lagstöd</th>
        </tr>
      </thead>
      <tbody>
        {purposes.map((purpose) => {
          const terms = version.purposes[purpose]!;
          return (
            <tr key={purpose}>
              <th scope="row">{PURPOSE_TEXT[purpose]}</th>
              <td>{terms.categories.map(name).join('; ') || '–'}</td>
              <td>{terms.referralTypes.map(name).join('; ') || '–'}</td>
              <td>{terms.roles.map((r) => ROLE_TEXT[r]).join(', ')}</td>
              <td>
                {terms.consentRequired ? 'Samtycke krävs' : 'Utan samtycke'}
                {terms.legalBasis && `; ${terms.legalBasis.reference}`}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
