import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { isCitizenPath, MinaUppgifterApp } from './pages/citizen/mina-uppgifter-app.js';
import { adapterUiConfig, InboxApp } from './pages/inbox/index.js';
import { RouterProvider } from './router.js';
import { SurveyApp } from './pages/survey/survey-app.js';
import { SessionProvider } from './session.js';
import './styles.css';

const root = createRoot(document.getElementById('app')!);
// Served by an agency's adapter, the UI is that agency's inbox; served by the hub, it is the hub's.
void adapterUiConfig().then((adapter) =>
  root.render(
    <StrictMode>
      <RouterProvider>
        {adapter ? (
          <InboxApp config={adapter} />
        ) : isCitizenPath(window.location.pathname) ? (
          // the citizen's own pages, logged in with e-legitimation: no staff session
          <MinaUppgifterApp />
        ) : isSurveyPath(window.location.pathname) ? (
          // the citizen's survey and the unit's kiosk: no login
          <SurveyApp />
        ) : (
          <SessionProvider>
            <App />
          </SessionProvider>
        )}
      </RouterProvider>
    </StrictMode>,
  ),
);

function isSurveyPath(path: string): boolean {
  return path === '/enkat' || path.startsWith('/enkat/');
}
