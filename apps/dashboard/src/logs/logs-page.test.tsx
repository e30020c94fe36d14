import { screen, waitFor, within } from '@testing-library/react';
import { FakeApi, type SeenRequest } from '../test/fake-api';
import { renderPage } from '../test/render-page';
import { WEBHOOKS, attemptRow, deliveryRow, detail, failedRow, listBody } from './log-fixtures';

/** A fake API whose log list answers `answer(request)`; the webhook choices are two webhooks. */
function logsApi(answer: (request: SeenRequest) => unknown = () => listBody([attemptRow(), failedRow()])) {
  return new FakeApi()
    .answer('GET /api/v1/webhooks', { success: true, data: WEBHOOKS, pagination: { current_page: 1, per_page: 100, total: 2, last_page: 1 } })
    .on('GET /api/v1/deliveries', async (request) => ({ body: await answer(request) }));
}

const lastQuery = (api: FakeApi) => api.seen('GET /api/v1/deliveries').at(-1)?.query ?? new URLSearchParams();

describe('the delivery logs page: filters', () => {
  it('restores the filters from the URL and asks the API for them', async () => {
    const api = logsApi();
    renderPage('/logs?status=failed&q=billing&view=deliveries&webhook_id=ep_billing0000000000000000&sort=-http_status', { api });
    await screen.findByRole('table');
    expect(screen.getByRole('checkbox', { name: 'Failed' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Succeeded' })).not.toBeChecked();
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('billing');
    expect(screen.getByRole('radio', { name: 'Deliveries' })).toBeChecked();
    expect(screen.getByRole('combobox', { name: 'Sort' })).toHaveValue('-http_status');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Webhook' })).toHaveDisplayValue('Billing sync'));
    const query = lastQuery(api);
    expect(query.getAll('status')).toEqual(['failed']);
    expect([query.get('q'), query.get('view'), query.get('webhook_id'), query.get('sort'), query.get('cursor')]).toEqual([
      'billing',
      'deliveries',
      'ep_billing0000000000000000',
      '-http_status',
      null,
    ]);
  });

  it('writes chosen filters into the URL at once, and typed text on Enter', async () => {
    const api = logsApi();
    const { user, location } = renderPage('/logs', { api });
    await screen.findByRole('table');
    await user.click(screen.getByRole('checkbox', { name: 'Failed' }));
    expect(location()).toBe('/logs?status=failed');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status class' }), '5xx');
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'batch-42{Enter}');
    expect(location()).toBe('/logs?status=failed&status_class=5xx&q=batch-42');
    await waitFor(() => expect(lastQuery(api).get('q')).toBe('batch-42'));
    expect(lastQuery(api).get('status_class')).toBe('5xx');
    // Focus stays where the user is: filter changes are not navigations to a new page.
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveFocus();
  });

  it('keeps the form and the old rows while the filtered list loads, then shows the new rows', async () => {
    let release: () => void = () => undefined;
    const api = logsApi((request) =>
      request.query.get('q') === 'billing'
        ? new Promise((resolve) => (release = () => resolve(listBody([failedRow()]))))
        : listBody([attemptRow(), failedRow()]),
    );
    const { user } = renderPage('/logs', { api });
    await screen.findByRole('table');
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'billing');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(document.querySelector('.logs-table-wrap')).toHaveAttribute('aria-busy', 'true'));
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('billing');
    expect(screen.getByRole('heading', { level: 1, name: 'Delivery logs' })).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(3);
    release();
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(2));
    expect(document.querySelector('.logs-table-wrap')).toHaveAttribute('aria-busy', 'false');
  });

  it('goes back to the previous filters with Back', async () => {
    const { user, location, router } = renderPage('/logs', { api: logsApi() });
    await screen.findByRole('table');
    await user.click(screen.getByRole('checkbox', { name: 'Failed' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'crm{Enter}');
    expect(location()).toBe('/logs?status=failed&q=crm');
    await router.navigate(-1);
    expect(location()).toBe('/logs?status=failed');
    await waitFor(() => expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue(''));
    expect(screen.getByRole('checkbox', { name: 'Failed' })).toBeChecked();
  });

  it('shows pending deliveries when Pending is chosen: attempts are never pending', async () => {
    const api = logsApi((request) => (request.query.get('view') === 'deliveries' ? listBody([deliveryRow()]) : listBody([attemptRow()])));
    const { user, location } = renderPage('/logs', { api });
    await screen.findByRole('table');
    await user.click(screen.getByRole('checkbox', { name: 'Pending' }));
    expect(location()).toBe('/logs?status=pending&view=deliveries');
    expect(screen.getByText(/Pending deliveries have not been attempted yet/)).toBeInTheDocument();
    await waitFor(() => expect(lastQuery(api).get('view')).toBe('deliveries'));
    expect(lastQuery(api).getAll('status')).toEqual(['pending']);
    const row = await screen.findByRole('row', { name: /order\.created/ });
    expect(within(row).getByText('Pending')).toBeInTheDocument();
    // Nothing was sent yet: the row opens nothing and offers no retry.
    expect(within(row).queryByRole('link', { name: /Delivery, 0 attempts/ })).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Attempts' }));
    expect(location()).toBe('/logs');
    expect(screen.getByText(/Attempts are never pending/)).toBeInTheDocument();
  });

  it('reads a shared link asking for pending attempts as the pending deliveries', async () => {
    const api = logsApi(() => listBody([deliveryRow()]));
    renderPage('/logs?status=pending', { api });
    await screen.findByRole('table');
    expect(lastQuery(api).get('view')).toBe('deliveries');
    expect(screen.getByRole('radio', { name: 'Deliveries' })).toBeChecked();
  });

  it('says "no deliveries yet" without filters, and "no match" with them', async () => {
    const api = logsApi(() => listBody([]));
    const { user, location } = renderPage('/logs', { api });
    expect(await screen.findByRole('heading', { name: 'No deliveries yet' })).toBeInTheDocument();
    expect(screen.queryByText(/match these filters/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'Failed' }));
    expect(await screen.findByRole('heading', { name: 'No deliveries match these filters' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(location()).toBe('/logs');
    expect(await screen.findByRole('heading', { name: 'No deliveries yet' })).toBeInTheDocument();
  });

  it('offers the attempt itself when the search is a delivery id', async () => {
    const api = logsApi(() => listBody([failedRow()])).answer('GET /api/v1/logs/:id', { success: true, data: detail() });
    renderPage(`/logs?q=${detail().delivery_id}`, { api });
    const link = await screen.findByRole('link', { name: 'Open attempt #1' });
    expect(link).toHaveAttribute('href', `/logs/${detail().id}`);
  });

  it('names the filter the server refused, and says when to search again after a 429', async () => {
    const api = logsApi().on('GET /api/v1/deliveries', (request) =>
      request.query.get('q') === 'e'
        ? {
            status: 400,
            body: { error: { code: 'validation_failed', message: 'q matches more than 50 webhooks', fields: { q: ['q matches more than 50 webhooks'] } } },
          }
        : { status: 429, headers: { 'retry-after': '3' }, body: { error: { code: 'too_many_requests', message: 'busy' } } },
    );
    const { user } = renderPage('/logs?q=e', { api });
    const search = await screen.findByRole('searchbox', { name: 'Search' });
    await waitFor(() => expect(search).toHaveAccessibleDescription(/q matches more than 50 webhooks/));
    await user.clear(search);
    await user.type(search, 'crm{Enter}');
    expect(await screen.findByText('Too many searches at once. Try again in 3 s.')).toBeInTheDocument();
  });

  it('gives admins a Retry on failed rows and viewers none', async () => {
    const api = logsApi().answer('POST /api/v1/logs/:id/retry', {
      success: true,
      data: {
        success: true,
        log_id: `${failedRow().delivery_id}_2`,
        delivery_id: failedRow().delivery_id,
        attempt: 2,
        http_status: 200,
        duration_ms: 12,
        error: null,
        error_code: null,
      },
    });
    const admin = renderPage('/logs', { api });
    await screen.findByRole('table');
    const retry = screen.getAllByRole('button', { name: /^Retry / });
    expect(retry).toHaveLength(1);
    await admin.user.click(retry[0]);
    expect(await screen.findByText(/Retry delivered \(attempt #2\): HTTP 200/)).toBeInTheDocument();
    expect(api.requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual([`/api/v1/logs/${failedRow().id}/retry`]);
    admin.unmount();

    renderPage('/logs', { role: 'viewer', api: logsApi() });
    await screen.findByRole('table');
    expect(screen.queryByRole('button', { name: /^Retry/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeEnabled();
  });
});
