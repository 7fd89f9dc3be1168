import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../api/api-fetch.js';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Busy, Page, SiteFrame } from '../../components.js';
import { formatDate, formatDateTime } from '../../format.js';
import { useLoad } from '../../use-load.js';

type Summary = HubSchemas['CitizenSummaryView'];
type Consent = HubSchemas['CitizenConsentView'];
type Referral = HubSchemas['CitizenReferralView'];
type Errand = HubSchemas['CitizenErrandView'];
type AccessLogEntry = HubSchemas['AccessLogEntryView'];

export const CITIZEN_PAGES = '/mina-uppgifter';
const PAGE_SIZE = 20;

export function isCitizenPath(path: string): boolean {
  return path === CITIZEN_PAGES || path.startsWith(`${CITIZEN_PAGES}/`);
}

const citizenLoginUrl = () => `/api/medborgare/login?returnTo=${encodeURIComponent(CITIZEN_PAGES)}`;
const errorText = (error: unknown) => (error instanceof Error ? error.message : 'Något gick fel. Försök igen.');

/**
 * "Mina uppgifter": the citizen's own pages, logged in with e-legitimation, apart from the staff's UI (its own login,
 * session and API under /api/medborgare). Made for a phone first.
 */
export function MinaUppgifterApp() {
  const summary = useLoad('/api/medborgare/summary', () => answer(hub.GET('/api/medborgare/summary')));
  const signedIn = summary.state === 'done' ? summary.data.me : undefined;
  const logout = async () => {
    const { endSessionUrl } = await answer(hub.POST('/api/medborgare/logout'));
    window.location.assign(endSessionUrl ?? CITIZEN_PAGES);
  };
  return (
    <SiteFrame
      home={CITIZEN_PAGES}
      name="Mina uppgifter"
      user={signedIn && (signedIn.name ?? signedIn.subject)}
      onLogout={() => void logout()}
    >
      {summary.state === 'loading' && <Busy>Hämtar dina uppgifter …</Busy>}
      {summary.state === 'error' &&
        (summary.error.status === 401 ? <CitizenLogin /> : <Alert>{summary.error.message}</Alert>)}
      {summary.state === 'done' && <Overview summary={summary.data} reload={summary.reload} />}
    </SiteFrame>
  );
}

function CitizenLogin() {
  return (
    <Page title="Mina uppgifter">
      <p>
        Här ser du vilka samtycken du har lämnat till kommunen, dina remisser och ärenden, och vilka som har tagit del
        av dina uppgifter genom samtjänst.
      </p>
      <p>Du loggar in med e-legitimation, till exempel BankID.</p>
      <p>
        <a className="button" href={citizenLoginUrl()}>
          Logga in med e-legitimation
        </a>
      </p>
    </Page>
  );
}

function Overview({ summary, reload }: { summary: Summary; reload: () => Promise<void> }) {
  return (
    <Page title="Mina uppgifter">
      <p>
        Inloggad som {summary.me.name ? `${summary.me.name}, ` : ''}personnummer {summary.me.subject}. Inloggningen
        gäller till {formatDateTime(summary.me.sessionExpiresAt)}.
      </p>
      <nav aria-label="Innehåll på sidan">
        <ul className="citizen-toc">
          <li>
            <a href="#samtycken">Mina samtycken</a>
          </li>
          <li>
            <a href="#remisser">Mina remisser och ärenden</a>
          </li>
          <li>
            <a href="#atkomstlogg">Vem har tagit del av mina uppgifter</a>
          </li>
          <li>
            <a href="#ladda-ner">Ladda ner mina uppgifter</a>
          </li>
        </ul>
      </nav>
      <Consents consents={summary.consents} reload={reload} />
      <section aria-labelledby="remisser">
        <h2 id="remisser">Mina remisser och ärenden</h2>
        {summary.referrals.length === 0 && summary.errands.length === 0 && (
          <p>Kommunen har inte skickat någon remiss eller något ärende om dig.</p>
        )}
        {summary.referrals.map((referral) => (
          <ReferralCard key={referral.id} referral={referral} />
        ))}
        {summary.errands.map((errand) => (
          <ErrandCard key={errand.id} errand={errand} />
        ))}
      </section>
      <AccessLog />
      <section aria-labelledby="ladda-ner">
        <h2 id="ladda-ner">Ladda ner mina uppgifter</h2>
        <p>
          Du har rätt att få en kopia av allt som finns registrerat om dig (artikel 15 i dataskyddsförordningen). Filen
          innehåller dina samtycken, remisser, ärenden och hela åtkomstloggen.
        </p>
        <ul className="citizen-downloads">
          <li>
            <a href="/api/medborgare/export.pdf" download>
              Ladda ner som PDF
            </a>
          </li>
          <li>
            <a href="/api/medborgare/export.json" download>
              Ladda ner som JSON (för datorer)
            </a>
          </li>
        </ul>
      </section>
    </Page>
  );
}

function Consents({ consents, reload }: { consents: Consent[]; reload: () => Promise<void> }) {
  const [revoked, setRevoked] = useState<string>();
  return (
    <section aria-labelledby="samtycken">
      <h2 id="samtycken">Mina samtycken</h2>
      {revoked && (
        <Alert kind="success">
          Samtycket till {revoked} är återkallat. Myndigheterna har fått beskedet och får inte lämna ut fler uppgifter
          med stöd av det.
        </Alert>
      )}
      {consents.length === 0 && <p>Du har inga samtycken registrerade.</p>}
      {consents.map((consent) => (
        <ConsentCard
          key={consent.id}
          consent={consent}
          onRevoked={async () => {
            // the consent as it is now first, then the confirmation, so that the two never disagree
            await reload();
            setRevoked(`${consent.unitName}, ${consent.organisationName}`);
          }}
        />
      ))}
    </section>
  );
}

function ConsentCard({ consent, onRevoked }: { consent: Consent; onRevoked: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const headingId = `samtycke-${consent.id}`;
  const revoke = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await hub.POST('/api/medborgare/consents/{id}/revoke', { params: { path: { id: consent.id } } });
      await onRevoked();
      setConfirming(false);
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  const canRevoke = consent.status === 'active' || consent.status === 'pending';
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        Samtycke till {consent.unitName}, {consent.organisationName}
      </h3>
      <p>
        <strong>{consent.statusText}</strong>
        {consent.revokedAt &&
          ` – återkallat ${formatDateTime(consent.revokedAt)}${consent.revokedByYou ? ' av dig' : ''}`}
      </p>
      {consent.confirmation && canRevoke && <Alert kind="warning">{consent.confirmation}</Alert>}
      <p>{consent.text}</p>
      <dl className="citizen-facts">
        <dt>Uppgifter</dt>
        <dd>
          <ul className="plain-list">
            {consent.categories.map((category) => (
              <li key={category.code}>{category.name}</li>
            ))}
          </ul>
        </dd>
        <dt>Gäller</dt>
        <dd>
          {formatDate(consent.validFrom)} – {formatDate(consent.validUntil)}
        </dd>
        <dt>Lämnat</dt>
        <dd>{consent.methodText}</dd>
      </dl>
      {problem && <Alert>{problem}</Alert>}
      {canRevoke && !confirming && (
        <button type="button" className="secondary" onClick={() => setConfirming(true)}>
          Återkalla samtycket
        </button>
      )}
      {canRevoke && confirming && (
        <div className="actions" role="group" aria-label="Bekräfta återkallelsen">
          <p>Vill du återkalla samtycket? Kommunen får då inte hämta fler uppgifter om dig med stöd av det.</p>
          <button type="button" onClick={() => void revoke()} disabled={busy}>
            Ja, återkalla
          </button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
            Nej, behåll det
          </button>
        </div>
      )}
      {busy && <Busy>Återkallar och meddelar myndigheterna …</Busy>}
    </article>
  );
}

function ReferralCard({ referral }: { referral: Referral }) {
  const headingId = `remiss-${referral.id}`;
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        Remiss till {referral.agency.name}: {referral.referralType.name}
      </h3>
      <p>
        Status: <strong>{referral.statusText}</strong>
      </p>
      <dl className="citizen-facts">
        <dt>Från</dt>
        <dd>
          {referral.unitName}, {referral.organisationName}
        </dd>
        <dt>Ändamål</dt>
        <dd>{referral.purposeName}</dd>
        <dt>Meddelande</dt>
        <dd className="message">{referral.message}</dd>
      </dl>
      <h4>Händelser</h4>
      <ol className="citizen-timeline">
        {referral.timeline.map((event, i) => (
          <li key={i}>
            <time dateTime={event.at}>{formatDateTime(event.at)}</time> {event.statusText} ({event.by})
            {event.note && `: ${event.note}`}
          </li>
        ))}
      </ol>
    </article>
  );
}

function ErrandCard({ errand }: { errand: Errand }) {
  const headingId = `arende-${errand.id}`;
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>Ärende: {errand.topic.name}</h3>
      <p>
        Status: <strong>{errand.statusText}</strong>
      </p>
      <dl className="citizen-facts">
        <dt>Från</dt>
        <dd>
          {errand.unitName}, {errand.organisationName}
        </dd>
        <dt>Hos</dt>
        <dd>{errand.departmentName}</dd>
        <dt>Meddelande</dt>
        <dd className="message">{errand.message}</dd>
        {errand.answer && (
          <>
            <dt>Svar</dt>
            <dd className="message">{errand.answer}</dd>
          </>
        )}
      </dl>
      <h4>Händelser</h4>
      <ol className="citizen-timeline">
        {errand.timeline.map((event, i) => (
          <li key={i}>
            <time dateTime={event.at}>{formatDateTime(event.at)}</time> {event.eventText} ({event.departmentName})
          </li>
        ))}
      </ol>
    </article>
  );
}

function AccessLog() {
  const [entries, setEntries] = useState<AccessLogEntry[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [state, setState] = useState<'loading' | 'done' | 'error'>('loading');
  const [problem, setProblem] = useState<string>();
  const load = useCallback(async (before?: string) => {
    setState('loading');
    try {
      const page = await answer(
        hub.GET('/api/medborgare/access-log', { params: { query: { limit: PAGE_SIZE, ...(before && { before }) } } }),
      );
      setEntries((shown) => (before ? [...shown, ...page.entries] : page.entries));
      setNext(page.nextBefore);
      setState('done');
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : errorText(error));
      setState('error');
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section aria-labelledby="atkomstlogg">
      <h2 id="atkomstlogg">Vem har tagit del av mina uppgifter</h2>
      <p>
        Varje gång någon i kommunen har frågat en myndighet om dig, skickat en remiss om dig eller registrerat ett
        samtycke, står det här. Det senaste står först.
      </p>
      {state === 'done' && entries.length === 0 && <p>Ingen har tagit del av dina uppgifter genom samtjänst.</p>}
      <ol className="plain-list citizen-log">
        {entries.map((entry) => (
          <li key={entry.id} className="card">
            <p>
              <time dateTime={entry.at}>
                <strong>{formatDateTime(entry.at)}</strong>
              </time>
            </p>
            <p>{entry.text}</p>
            <dl className="citizen-facts">
              {entry.organisationName && (
                <>
                  <dt>Vem</dt>
                  <dd>{[entry.unitName, entry.organisationName].filter(Boolean).join(', ')}</dd>
                </>
              )}
              {entry.purposeName && (
                <>
                  <dt>Ändamål</dt>
                  <dd>{entry.purposeName}</dd>
                </>
              )}
              {entry.agencies.length > 0 && (
                <>
                  <dt>Myndighet</dt>
                  <dd>{entry.agencies.map((a) => a.name).join(', ')}</dd>
                </>
              )}
              <dt>Resultat</dt>
              <dd>{entry.outcomeText}</dd>
            </dl>
          </li>
        ))}
      </ol>
      {state === 'loading' && <Busy>Hämtar åtkomstloggen …</Busy>}
      {state === 'error' && <Alert>{problem}</Alert>}
      {state === 'done' && next && (
        <button type="button" className="secondary" onClick={() => void load(next)}>
          Visa äldre
        </button>
      )}
    </section>
  );
}
