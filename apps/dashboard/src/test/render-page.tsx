import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RouterProvider, createMemoryRouter } from 'react-router';
import { createApi, type ApiRole } from '../api/client';
import { SessionProvider, type Session } from '../app/session';
import { routes } from '../app/routes';
import { FakeApi } from './fake-api';

/**
 * Renders the dashboard at `path` (e.g. `/logs?status=failed`) signed in with `role`, against
 * a fake API. Returns the router (to read the URL the page wrote), the fake and a user.
 */
export function renderPage(path: string, { role = 'admin', api = new FakeApi() }: { role?: ApiRole; api?: FakeApi } = {}) {
  const session: Session = {
    api: createApi({ key: 'whk_test', baseUrl: 'http://dashboard.test', fetch: api.fetch }),
    tenantId: 'acme',
    role,
    canEdit: role === 'admin',
    signOut: () => undefined,
  };
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const user = userEvent.setup();
  const view = render(
    <SessionProvider initial={session}>
      <RouterProvider router={router} />
    </SessionProvider>,
  );
  /** The current path and query, as the address bar would show them after `#`. */
  const location = () => `${router.state.location.pathname}${router.state.location.search}`;
  return { ...view, router, api, user, location };
}
