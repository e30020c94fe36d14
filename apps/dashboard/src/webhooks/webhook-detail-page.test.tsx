import { screen, waitFor, within } from '@testing-library/react';
import { renderPage } from '../test/render-page';
import { aWebhook, webhookApi } from './webhook-fixtures';

describe('the webhook page', () => {
  it('shows the configuration with secrets masked, and the endpoint health from the logs', async () => {
    const { api } = renderPage('/webhooks/ep_orders', { api: webhookApi(aWebhook({ rate_limit: 50, retry: { schedule_ms: [1000, 60_000] } })) });
    expect(await screen.findByRole('heading', { name: 'Orders CRM', level: 1 })).toBeInTheDocument();
    const configuration = within(screen.getByRole('region', { name: 'Configuration' }));
    expect(configuration.getByText('Bearer token (stored encrypted, hidden)')).toBeInTheDocument();
    expect(configuration.getByText('x-team: ********')).toBeInTheDocument();
    expect(configuration.getByText('Custom: 1s, 1m')).toBeInTheDocument();
    expect(configuration.getByText('50 requests/s')).toBeInTheDocument();
    expect(configuration.getByText('10 requests at once')).toBeInTheDocument();
    expect(configuration.getByText('tenantId')).toBeInTheDocument();

    const health = within(screen.getByRole('region', { name: 'Endpoint health' }));
    await waitFor(() => expect(health.getByTestId('failure-streak')).toHaveTextContent('3 failed attempts since the last success'));
    expect(health.getByTestId('last-success')).not.toHaveTextContent('None');
    // The streak counts failures after the last success (2026-03-02T08:00:00Z) by one millisecond.
    const [success, failures] = api.seen('GET /api/v1/webhooks/ep_orders/logs');
    expect(success.query.getAll('status')).toEqual(['success']);
    expect(failures.query.getAll('status')).toEqual(['failed', 'retrying']);
    expect(failures.query.get('from')).toBe('2026-03-02T08:00:00.001Z');
    expect(screen.getByRole('link', { name: 'View logs' })).toHaveAttribute('href', '/logs?webhook_id=ep_orders');
  });

  it('sends a test event and shows its result', async () => {
    const { user, api } = renderPage('/webhooks/ep_orders', { api: webhookApi() });
    await user.click(await screen.findByRole('button', { name: 'Send test' }));
    const result = await screen.findByTestId('test-result');
    expect(result).toHaveTextContent('Test event delivered — HTTP 200 in 143 ms');
    expect(within(result).getByRole('link', { name: 'View the attempt in the logs' })).toHaveAttribute('href', '/logs/msg_9_1');
    expect(api.seen('POST /api/v1/webhooks/ep_orders/test')).toHaveLength(1);
  });

  it('says why a test was not sent', async () => {
    const api = webhookApi().on('POST /api/v1/webhooks/:id/test', () => ({
      status: 409,
      body: { error: { code: 'endpoint_paused', message: 'the webhook is paused; resume it first' } },
    }));
    const { user } = renderPage('/webhooks/ep_orders', { api });
    await user.click(await screen.findByRole('button', { name: 'Send test' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Test not sent: the webhook is paused; resume it first');
  });

  it('pauses and resumes the webhook', async () => {
    const { user, api } = renderPage('/webhooks/ep_orders', { api: webhookApi() });
    await user.click(await screen.findByRole('button', { name: 'Pause' }));
    expect(await screen.findByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(screen.getAllByText('Paused').length).toBeGreaterThan(0);
    expect(screen.getByRole('status')).toHaveTextContent('Webhook paused');
    await user.click(screen.getByRole('button', { name: 'Resume' }));
    expect(await screen.findByRole('button', { name: 'Pause' })).toBeInTheDocument();
    expect(api.seen('PATCH /api/v1/webhooks/ep_orders').map((request) => request.body)).toEqual([{ active: false }, { active: true }]);
  });

  it('deletes the webhook only after a confirmation', async () => {
    const { user, api, location } = renderPage('/webhooks/ep_orders', {
      api: webhookApi().answer('GET /api/v1/webhooks', { success: true, data: [], pagination: { current_page: 1, per_page: 25, total: 0, last_page: 1 } }),
    });
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this webhook?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.seen('DELETE /api/v1/webhooks/ep_orders')).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete webhook' }));
    await waitFor(() => expect(location()).toBe('/webhooks'));
    expect(api.seen('DELETE /api/v1/webhooks/ep_orders')).toHaveLength(1);
    expect(await screen.findByText(/Webhook Orders CRM deleted/)).toBeInTheDocument();
  });

  it('reveals the secret and rotates it with a grace period after a confirmation', async () => {
    const { user, api } = renderPage('/webhooks/ep_orders', { api: webhookApi() });
    await user.click(await screen.findByRole('button', { name: 'Reveal secret' }));
    expect(await screen.findByTestId('secret')).toHaveTextContent('whsec_first');
    const grace = screen.getByLabelText('Keep the previous secret signing for (hours)');
    await user.clear(grace);
    await user.type(grace, '2');
    await user.click(screen.getByRole('button', { name: 'Rotate secret' }));
    const dialog = screen.getByRole('dialog', { name: 'Rotate the signing secret?' });
    expect(dialog).toHaveTextContent('keeps signing too for 2 hours');
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    await waitFor(() => expect(screen.getByTestId('secret')).toHaveTextContent('whsec_second'));
    expect(screen.getByText(/The previous secret keeps signing until/)).toBeInTheDocument();
    expect(api.seen('POST /api/v1/webhooks/ep_orders/secret/rotate').map((request) => request.body)).toEqual([{ grace_period_seconds: 7200 }]);
  });

  it('counts the failed deliveries of a window, then recovers them after a confirmation', async () => {
    const { user, api } = renderPage('/webhooks/ep_orders', { api: webhookApi(aWebhook(), { failedDeliveries: 1500 }) });
    const recover = within(await screen.findByRole('region', { name: 'Recover failed deliveries' }));
    const from = recover.getByLabelText('From');
    const to = recover.getByLabelText('To');
    await user.clear(from);
    await user.type(from, '2026-03-01T10:00');
    await user.clear(to);
    await user.type(to, '2026-03-01T12:30');
    await user.click(recover.getByRole('button', { name: 'Count failed deliveries' }));

    expect(await recover.findByTestId('recover-preview')).toHaveTextContent(
      '1,500 failed deliveries were created in this window. This recovery queues the first 1,000',
    );
    const count = api.seen('GET /api/v1/webhooks/ep_orders/logs').find((request) => request.query.get('view') === 'deliveries');
    expect(count?.query.getAll('status')).toEqual(['failed']);
    const window = { from: new Date('2026-03-01T10:00').toISOString(), to: new Date(new Date('2026-03-01T12:30').getTime() + 59_999).toISOString() };
    expect({ from: count?.query.get('from'), to: count?.query.get('to') }).toEqual(window);

    await user.click(recover.getByRole('button', { name: 'Recover 1,000 deliveries' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Send failed deliveries again?' })).getByRole('button', { name: 'Recover' }));
    expect(await recover.findByTestId('recover-result')).toHaveTextContent(
      'Queued 1,000 deliveries to be sent again. More failed deliveries remain in this window',
    );
    expect(api.seen('POST /api/v1/webhooks/ep_orders/recover').map((request) => request.body)).toEqual([window]);
  });

  it('keeps the statistics window in the URL and shows the numbers per hour', async () => {
    const { user, api, location } = renderPage('/webhooks/ep_orders', { api: webhookApi() });
    const stats = within(await screen.findByRole('region', { name: 'Delivery statistics' }));
    expect(await stats.findByText('68.0 %')).toBeInTheDocument();
    expect(stats.getByRole('img', { name: /Attempts per hour/ })).toHaveAccessibleDescription(/25 attempts over 3 hours, at most 17 in one hour/);
    expect(stats.getByRole('img', { name: /p95 duration per hour/ })).toHaveAccessibleDescription(/slowest hour 1.0 s/);
    const table = stats.getByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getAllByRole('row')[2]).toHaveTextContent(/17.*9.*52.9 %.*1.0 s/);

    const firstRequest = api.seen('GET /api/v1/webhooks/ep_orders/stats')[0];
    expect(Date.parse(firstRequest.query.get('to') ?? '') - Date.parse(firstRequest.query.get('from') ?? '')).toBe(24 * 3_600_000);
    await user.selectOptions(stats.getByLabelText('Window'), '7d');
    expect(location()).toBe('/webhooks/ep_orders?window=7d');
    await waitFor(() => expect(api.seen('GET /api/v1/webhooks/ep_orders/stats')).toHaveLength(2));
    const week = api.seen('GET /api/v1/webhooks/ep_orders/stats')[1];
    expect(Date.parse(week.query.get('to') ?? '') - Date.parse(week.query.get('from') ?? '')).toBe(7 * 24 * 3_600_000);
  });

  it('opens with the statistics window of the URL', async () => {
    const { api } = renderPage('/webhooks/ep_orders?window=30d', { api: webhookApi() });
    expect(await screen.findByLabelText('Window')).toHaveValue('30d');
    await waitFor(() => expect(api.seen('GET /api/v1/webhooks/ep_orders/stats')).toHaveLength(1));
    const [request] = api.seen('GET /api/v1/webhooks/ep_orders/stats');
    expect(Date.parse(request.query.get('to') ?? '') - Date.parse(request.query.get('from') ?? '')).toBe(30 * 24 * 3_600_000);
  });

  it('shows a viewer everything but no control that changes something', async () => {
    renderPage('/webhooks/ep_orders', {
      role: 'viewer',
      api: webhookApi(aWebhook({ active: false, disabled_reason: 'the endpoint answered 410 Gone', disabled_at: '2026-03-01T12:00:00Z' })),
    });
    expect(await screen.findByRole('heading', { name: 'Orders CRM', level: 1 })).toBeInTheDocument();
    expect(screen.getByText(/The dispatcher disabled this webhook: the endpoint answered 410 Gone. An admin can resume it./)).toBeInTheDocument();
    expect(await screen.findByText('68.0 %')).toBeInTheDocument();
    for (const name of ['Send test', 'Pause', 'Resume', 'Delete', 'Reveal secret', 'Rotate secret', 'Count failed deliveries']) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    }
    expect(screen.queryByRole('link', { name: 'Edit' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'View logs' })).toBeInTheDocument();
  });

  it('says so when the webhook does not exist', async () => {
    renderPage('/webhooks/ep_gone', {
      api: webhookApi().on('GET /api/v1/webhooks/:id', () => ({ status: 404, body: { error: { code: 'not_found', message: 'x' } } })),
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('This no longer exists, or it belongs to another team.');
  });
});
