import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { StaffRole } from '@contracts/codes';
import { ApiError, whenUnauthorized } from './api/api-fetch.js';
import { answer, hub, type HubSchemas } from './api/hub.js';
import { clearPersistedForms } from './persisted-state.js';

/** GET /api/auth/me */
export type Me = HubSchemas['MeView'];

type SessionState =
  | { state: 'loading' }
  | { state: 'anonymous'; expired: boolean }
  | { state: 'signed-in'; me: Me }
  | { state: 'unavailable'; message: string };

const SessionContext = createContext<{ session: SessionState; logout: () => Promise<void> }>({
  session: { state: 'loading' },
  logout: async () => undefined,
});

export function loginUrl(returnTo = window.location.pathname + window.location.search): string {
  return `/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  useEffect(() => {
    whenUnauthorized(() => setSession({ state: 'anonymous', expired: true }));
    answer(hub.GET('/api/auth/me'))
      .then((me) => setSession({ state: 'signed-in', me }))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setSession({ state: 'anonymous', expired: false });
        else setSession({ state: 'unavailable', message: (error as Error).message });
      });
  }, []);
  const logout = useCallback(async () => {
    const { endSessionUrl } = await answer(hub.POST('/api/auth/logout'));
    clearPersistedForms();
    window.location.assign(endSessionUrl ?? '/');
  }, []);
  return <SessionContext.Provider value={{ session, logout }}>{children}</SessionContext.Provider>;
}

export function useSession() {
  return useContext(SessionContext);
}

/** The signed-in person; only for pages that are shown to signed-in people. */
export function useMe(): Me {
  const { session } = useSession();
  if (session.state !== 'signed-in') throw new Error('useMe outside a signed-in page');
  return session.me;
}

export function hasRole(me: Me, roles: readonly StaffRole[]): boolean {
  return me.roles.some((role) => roles.includes(role));
}
