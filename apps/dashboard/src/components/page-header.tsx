import type { ReactNode } from 'react';
import { Link } from 'react-router';

interface PageHeaderProps {
  title: ReactNode;
  /** A link back up, e.g. to the list a detail belongs to. */
  crumb?: { to: string; label: string };
  subtitle?: ReactNode;
  actions?: ReactNode;
}

/**
 * The top of every page. Its heading takes the focus after each navigation (see `FocusOnNavigate`),
 * so screen readers announce the new page and keyboard users start there.
 */
export function PageHeader({ title, crumb, subtitle, actions }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div className="page-title">
        {crumb && (
          <Link className="crumb" to={crumb.to}>
            ← {crumb.label}
          </Link>
        )}
        <h1 tabIndex={-1} data-page-heading="">
          {title}
        </h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}
