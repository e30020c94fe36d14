import { useEffect, type ReactNode } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { ToastProvider } from '../components/toasts';
import { useSession } from './session';

/** Moves the focus to the new page's heading after each navigation (not on filter changes). */
function FocusOnNavigate() {
  const { pathname } = useLocation();
  useEffect(() => {
    // The heading renders with the page; wait a frame for it.
    const frame = requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-page-heading]')?.focus({ preventScroll: true }));
    return () => cancelAnimationFrame(frame);
  }, [pathname]);
  return null;
}

/** The frame of every page: the top bar with the sections, the read-only mark and sign-out. */
export function Layout() {
  const { role, tenantId, signOut } = useSession();
  return (
    <ToastProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink className="brand" to="/webhooks">
          <span className="brand-mark" aria-hidden="true">
            w
          </span>
          <span>wirehook</span>
        </NavLink>
        <nav className="nav" aria-label="Main">
          <NavLink to="/webhooks">Webhooks</NavLink>
          <NavLink to="/logs">Delivery logs</NavLink>
          <NavLink to="/retention">Retention</NavLink>
        </nav>
        <span className="topbar-tenant">{tenantId}</span>
        {role !== 'admin' && (
          <span className="tag" title="This API key has the viewer role: it can look, not change">
            Read only
          </span>
        )}
        <button type="button" className="button button-quiet sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <FocusOnNavigate />
      <main id="main" className="main">
        <Outlet />
      </main>
    </ToastProvider>
  );
}

/** Pages that change configuration: a viewer gets an explanation instead of a form it cannot send. */
export function AdminOnly({ children, what }: { children: ReactNode; what: string }) {
  const { canEdit } = useSession();
  if (canEdit) return children;
  return (
    <div className="card">
      <h1 tabIndex={-1} data-page-heading="">
        Read only
      </h1>
      <p>Your API key has the viewer role: it can look at everything but cannot {what}. Ask an admin of your team, or sign in with an admin key.</p>
    </div>
  );
}
