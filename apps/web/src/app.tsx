import { useEffect, useState } from 'react';
import { answer, hub } from './api/hub.js';
import { Alert, Busy, Page, SiteFrame } from './components.js';
import { adminRoutes } from './pages/admin/index.js';
import { auditRoutes } from './pages/audit/index.js';
import { complaintRoutes } from './pages/complaints/index.js';
import { errandRoutes } from './pages/errands/index.js';
import { followUpRoutes } from './pages/follow-up/index.js';
import { DayPage } from './pages/guide/day-page.js';
import { guideRoutes } from './pages/guide/index.js';
import { inboxRoutes } from './pages/inbox/index.js';
import { knowledgeRoutes } from './pages/knowledge/index.js';
import { operatorRoutes } from './pages/operator/index.js';
import { partyFollowUpRoutes } from './pages/party-follow-up/index.js';
import { unitRoutes } from './pages/units/index.js';
import { Link, matchPath, useRouter } from './router.js';
import type { RouteDefinition } from './routes.js';
import { hasRole, loginUrl, useSession, type Me } from './session.js';
import { rememberAgencies, rememberOrganisations, ROLE_TEXT } from './texts.js';

const ROUTES: RouteDefinition[] = [
  ...guideRoutes,
  ...errandRoutes,
  ...complaintRoutes,
  ...adminRoutes,
  ...unitRoutes,
  ...auditRoutes,
  ...followUpRoutes,
  ...partyFollowUpRoutes,
  ...inboxRoutes,
  ...knowledgeRoutes,
  ...operatorRoutes,
];

export function App() {
  const { session, logout } = useSession();
  const { path } = useRouter();
  const me = session.state === 'signed-in' ? session.me : undefined;
  useNames(me);
  return (
    <SiteFrame
      home="/"
      name="Samtjänst"
      user={
        me && (
          <>
            {me.name}
            <span className="user-roles"> ({me.roles.map((role) => ROLE_TEXT[role] ?? role).join(', ')})</span>
          </>
        )
      }
      onLogout={() => void logout()}
      menu={
        me &&
        ROUTES.filter((route) => route.menu && hasRole(me, route.roles)).map((route) => ({
          to: route.path,
          label: route.menu!,
          current: isCurrent(route.path, path),
        }))
      }
    >
      {session.state === 'loading' && <Busy>Hämtar din inloggning …</Busy>}
      {session.state === 'unavailable' && (
        <Page title="Tjänsten är inte tillgänglig">
          <Alert>{session.message} Ladda om sidan om en stund.</Alert>
        </Page>
      )}
      {session.state === 'anonymous' && <LoginPage expired={session.expired} />}
      {session.state === 'signed-in' && <CurrentPage me={session.me} />}
    </SiteFrame>
  );
}

/**
 * The organisations' registered names and the agencies' own names from their announced catalogues; the page is drawn
 * again once they are known.
 */
function useNames(me: Me | undefined): void {
  const [, setKnown] = useState(0);
  useEffect(() => {
    if (!me) return;
    let current = true;
    const remember = <T,>(call: Promise<{ data?: T }>, keep: (data: T) => boolean) =>
      answer(call).then(
        (data) => {
          if (current && keep(data)) setKnown((n) => n + 1);
        },
        // a role that may not read them sees codes and organisationsnummer instead of names
        () => undefined,
      );
    void remember(hub.GET('/api/organisations'), rememberOrganisations);
    void remember(hub.GET('/api/catalogues'), rememberAgencies);
    return () => {
      current = false;
    };
  }, [me]);
}

function isCurrent(routePath: string, path: string): boolean {
  return path === routePath || path.startsWith(`${routePath}/`);
}

function CurrentPage({ me }: { me: Me }) {
  const { path } = useRouter();
  if (path === '/') return <StartPage me={me} />;
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    if (!hasRole(me, route.roles)) {
      return (
        <Page title="Du saknar behörighet">
          <p>Sidan är till för {route.roles.map((role) => ROLE_TEXT[role]).join(' eller ')}.</p>
          <p>
            <Link to="/">Till startsidan</Link>
          </p>
        </Page>
      );
    }
    const Component = route.component;
    return <Component params={params} />;
  }
  return (
    <Page title="Sidan finns inte">
      <p>Adressen leder inte till någon sida. Kontrollera adressen eller gå till startsidan.</p>
      <p>
        <Link to="/">Till startsidan</Link>
      </p>
    </Page>
  );
}

function StartPage({ me }: { me: Me }) {
  // a guide's start page is the day: every contact logged there
  if (hasRole(me, ['guide'])) return <DayPage name={me.name} />;
  const items = ROUTES.filter((route) => route.menu && hasRole(me, route.roles));
  return (
    <Page title={`Välkommen, ${me.name}`}>
      {items.length === 0 ? (
        <p>Din roll har inga sidor här. Kontakta din administratör om du behöver behörighet.</p>
      ) : (
        <>
          <p>Vad vill du göra?</p>
          <ul className="start-links">
            {items.map((route) => (
              <li key={route.path}>
                <Link to={route.path}>{route.menu}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

function LoginPage({ expired }: { expired: boolean }) {
  return (
    <Page title="Logga in till Samtjänst">
      {expired && <Alert kind="warning">Din inloggning har gått ut. Logga in igen – det du skrivit finns kvar.</Alert>}
      <p>Samtjänst är kommunens och myndigheternas gemensamma tjänst för frågor och remisser.</p>
      <p>
        <a className="button" href={loginUrl()}>
          Logga in
        </a>
      </p>
    </Page>
  );
}
