import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Link } from './router.js';

/**
 * A page: sets the window title and moves focus to the heading when the page opens, so that screen-reader and
 * keyboard users know the page changed (WCAG 2.4.2, 2.4.3).
 */
export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – Samtjänst`;
    heading.current?.focus();
  }, [title]);
  return (
    <>
      <div className="page-heading">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </>
  );
}

/** An error or a refusal, announced at once. Says what happened and what to do next. */
export function Alert({ children, kind = 'error' }: { children: ReactNode; kind?: 'error' | 'warning' | 'success' }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'success' ? 'status' : 'alert'}>
      {children}
    </div>
  );
}

/** Progress of longer work, announced politely. */
export function Busy({ children }: { children: ReactNode }) {
  return (
    <p className="busy" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {children}
    </p>
  );
}

/** A labelled form field with its hint and error tied to the control (WCAG 1.3.1, 3.3.1, 3.3.2). */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string;
  error?: string;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="error-text" id={errorId}>
          {error}
        </p>
      )}
      {children({ id, 'aria-describedby': describedBy, ...(error ? { 'aria-invalid': true as const } : {}) })}
    </div>
  );
}

/**
 * What every page of both apps sits in: the skip link, the header with the site's name, who is signed in and the
 * main menu, and the main landmark the skip link leads to.
 */
export function SiteFrame({
  home,
  name,
  user,
  onLogout,
  menu,
  children,
}: {
  home: string;
  name: string;
  /** who is signed in, as shown in the header; nobody: no logout button */
  user?: ReactNode;
  onLogout?: () => void;
  menu?: Array<{ to: string; label: string; current: boolean }>;
  children: ReactNode;
}) {
  return (
    <>
      <a className="skip-link" href="#innehall">
        Hoppa till innehållet
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to={home} className="site-name">
            {name}
          </Link>
          {user !== undefined && (
            <div className="user">
              <span>{user}</span>
              <button type="button" className="secondary" onClick={onLogout}>
                Logga ut
              </button>
            </div>
          )}
        </div>
        {menu && menu.length > 0 && (
          <nav aria-label="Huvudmeny" className="main-menu">
            <ul>
              {menu.map((item) => (
                <li key={item.to}>
                  <Link to={item.to} aria-current={item.current ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      <main id="innehall" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
