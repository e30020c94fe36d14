import { screen, waitFor } from '@testing-library/react';
import { FakeApi } from '../test/fake-api';
import { renderPage } from '../test/render-page';
import { aWebhook, webhookApi } from './webhook-fixtures';

/**
 * The form once the page took the focus to its heading (a frame after navigation): typing before
 * that could lose keys to the focus move.
 */
async function formReady(label = 'URL'): Promise<HTMLElement> {
  const control = await screen.findByLabelText(label);
  await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveFocus());
  return control;
}

function createApi() {
  return new FakeApi()
    .on('POST /api/v1/webhooks', (request) => ({ status: 201, body: { success: true, data: aWebhook({ id: 'ep_new', ...(request.body as object) }) } }))
    .on('GET /api/v1/webhooks/:id', () => ({ body: { success: true, data: aWebhook({ id: 'ep_new' }) } }));
}

describe('the webhook form', () => {
  it('creates a webhook with every setting the API takes', async () => {
    const { user, api, location } = renderPage('/webhooks/new', { api: createApi() });
    await user.type(await formReady(), ' https://hooks.example.com/orders ');
    await user.type(screen.getByLabelText('Description'), 'Orders CRM');
    await user.type(screen.getByLabelText('Events'), 'order.*,\ninvoice.paid');
    await user.selectOptions(screen.getByLabelText('Method'), 'header');
    await user.type(screen.getByLabelText('Header name'), 'X-Webhook-Secret');
    await user.type(screen.getByLabelText('Header value'), 's3cret');
    await user.click(screen.getByRole('button', { name: 'Add a header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Team');
    await user.type(screen.getByLabelText('Header 1 value'), 'billing');
    await user.type(screen.getByLabelText('Timeout (seconds)'), '2.5');
    await user.selectOptions(screen.getByLabelText('Retry policy'), 'custom');
    await user.type(screen.getByLabelText('Retry delays'), '10s, 1m 500ms');
    await user.type(screen.getByLabelText('Max concurrency'), '4');
    await user.type(screen.getByLabelText('Rate limit (requests/s)'), '50');
    await user.selectOptions(screen.getByLabelText('Tenant field'), 'companyId');
    await user.click(screen.getByRole('button', { name: 'Create webhook' }));

    await waitFor(() => expect(location()).toBe('/webhooks/ep_new'));
    expect(api.seen('POST /api/v1/webhooks').map((request) => request.body)).toEqual([
      {
        url: 'https://hooks.example.com/orders',
        description: 'Orders CRM',
        events: ['order.*', 'invoice.paid'],
        active: true,
        auth: { type: 'header', header_name: 'X-Webhook-Secret', header_value: 's3cret' },
        headers: { 'X-Team': 'billing' },
        timeout_ms: 2500,
        max_concurrency: 4,
        rate_limit: 50,
        retry: { schedule_ms: [10_000, 60_000, 500] },
        tenant_field: 'companyId',
      },
    ]);
    expect(await screen.findByText('Webhook created. Send a test event to check your endpoint.')).toBeInTheDocument();
  });

  it('leaves the defaults to the API when optional fields stay empty', async () => {
    const { user, api } = renderPage('/webhooks/new', { api: createApi() });
    await user.type(await formReady(), 'https://hooks.example.com/a');
    await user.type(screen.getByLabelText('Events'), '*');
    await user.click(screen.getByRole('button', { name: 'Create webhook' }));
    await waitFor(() => expect(api.seen('POST /api/v1/webhooks')).toHaveLength(1));
    expect(api.seen('POST /api/v1/webhooks')[0].body).toEqual({
      url: 'https://hooks.example.com/a',
      events: ['*'],
      active: true,
      retry: { policy: 'default' },
      tenant_field: 'tenantId',
    });
  });

  it('points out obvious mistakes on their fields before sending anything', async () => {
    const { user, api } = renderPage('/webhooks/new', { api: createApi() });
    await user.type(await formReady(), 'hooks.example.com');
    await user.type(screen.getByLabelText('Events'), 'order created');
    await user.selectOptions(screen.getByLabelText('Method'), 'bearer');
    await user.type(screen.getByLabelText('Timeout (seconds)'), '45');
    await user.selectOptions(screen.getByLabelText('Retry policy'), 'custom');
    await user.type(screen.getByLabelText('Retry delays'), '10s, soon');
    await user.click(screen.getByRole('button', { name: 'Create webhook' }));

    expect(await screen.findByLabelText('URL')).toHaveAccessibleDescription(/Enter a whole address starting with https:\/\//);
    expect(screen.getByLabelText('Bearer token')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Timeout (seconds)')).toHaveAccessibleDescription(/Between 1 and 30 seconds/);
    expect(screen.getByLabelText('Retry delays')).toHaveAccessibleDescription(/"soon" is not a delay/);
    // "order created" is two event types, both valid; an invalid one is named.
    await user.clear(screen.getByLabelText('Events'));
    await user.type(screen.getByLabelText('Events'), 'order created!');
    await user.click(screen.getByRole('button', { name: 'Create webhook' }));
    await waitFor(() => expect(screen.getByLabelText('Events')).toHaveAccessibleDescription(/Not an event type or pattern: created!/));
    expect(api.seen('POST /api/v1/webhooks')).toEqual([]);
    expect(screen.getByRole('alert')).toHaveTextContent('Some fields need a change');
  });

  it("shows the server's field problems on their fields", async () => {
    const api = createApi().on('POST /api/v1/webhooks', () => ({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'url: this address is not reachable from the webhook service; headers: x-webhook-event is sent by the platform',
          fields: { url: ['this address is not reachable from the webhook service'], headers: ['headers: x-webhook-event is sent by the platform'] },
        },
      },
    }));
    const { user } = renderPage('/webhooks/new', { api });
    await user.type(await formReady(), 'https://10.0.0.1/hook');
    await user.type(screen.getByLabelText('Events'), 'order.*');
    await user.click(screen.getByRole('button', { name: 'Add a header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Webhook-Event');
    await user.type(screen.getByLabelText('Header 1 value'), 'x');
    await user.click(screen.getByRole('button', { name: 'Create webhook' }));

    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Not saved: url: this address is not reachable'));
    expect(screen.getByLabelText('URL')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('URL')).toHaveAccessibleDescription(/this address is not reachable from the webhook service/);
    expect(screen.getByRole('group', { name: 'Custom headers' })).toHaveAccessibleDescription(/x-webhook-event is sent by the platform/);
  });

  it('edits a webhook and keeps its stored token and headers unless new ones are typed', async () => {
    const { user, api, location } = renderPage('/webhooks/ep_orders/edit', { api: webhookApi() });
    const description = await formReady('Description');
    expect(screen.getByLabelText('URL')).toHaveValue('https://hooks.example.com/orders');
    expect(screen.getByLabelText('Events')).toHaveValue('order.*, invoice.paid');
    expect(screen.getByLabelText('Method')).toHaveValue('bearer');
    expect(screen.getByLabelText('Bearer token')).toHaveValue('');
    expect(screen.getByLabelText('Bearer token')).toHaveAccessibleDescription(/leave empty to keep the stored token/);
    expect(screen.getByLabelText('Header 1 name')).toHaveValue('x-team');
    await user.clear(description);
    await user.type(description, 'Orders CRM v2');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(location()).toBe('/webhooks/ep_orders'));
    const [body] = api.seen('PATCH /api/v1/webhooks/:id'.replace(':id', 'ep_orders')).map((request) => request.body);
    expect(body).toEqual({
      url: 'https://hooks.example.com/orders',
      description: 'Orders CRM v2',
      events: ['order.*', 'invoice.paid'],
      active: true,
      timeout_ms: 10_000,
      max_concurrency: 10,
      tenant_field: 'tenantId',
    });
    expect(await screen.findByText('Changes saved.')).toBeInTheDocument();
  });

  it('sends a new token, and asks for stored header values again once the headers change', async () => {
    const { user, api } = renderPage('/webhooks/ep_orders/edit', { api: webhookApi(aWebhook({ rate_limit: 20 })) });
    await user.type(await formReady('Bearer token'), 'new-token');
    await user.clear(screen.getByLabelText('Rate limit (requests/s)'));
    await user.click(screen.getByRole('button', { name: 'Add a header' }));
    await user.type(screen.getByLabelText('Header 2 name'), 'X-Region');
    await user.type(screen.getByLabelText('Header 2 value'), 'eu');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByRole('group', { name: 'Custom headers' })).toHaveAccessibleDescription(/Enter the value of x-team again/);
    expect(api.seen('PATCH /api/v1/webhooks/ep_orders')).toEqual([]);

    await user.type(screen.getByLabelText('Header 1 value'), 'billing');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(api.seen('PATCH /api/v1/webhooks/ep_orders')).toHaveLength(1));
    expect(api.seen('PATCH /api/v1/webhooks/ep_orders')[0].body).toMatchObject({
      auth: { type: 'bearer', token: 'new-token' },
      headers: { 'x-team': 'billing', 'X-Region': 'eu' },
      rate_limit: null,
    });
  });

  it('removes auth and all headers when asked', async () => {
    const { user, api } = renderPage('/webhooks/ep_orders/edit', { api: webhookApi() });
    await user.selectOptions(await formReady('Method'), 'none');
    await user.click(screen.getByRole('button', { name: /Remove/ }));
    await user.selectOptions(screen.getByLabelText('Retry policy'), 'quick');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(api.seen('PATCH /api/v1/webhooks/ep_orders')).toHaveLength(1));
    expect(api.seen('PATCH /api/v1/webhooks/ep_orders')[0].body).toMatchObject({ auth: { type: 'none' }, headers: null, retry: { policy: 'quick' } });
  });

  it('shows a viewer why there is no form', async () => {
    const { api } = renderPage('/webhooks/new', { role: 'viewer', api: createApi() });
    expect(await screen.findByRole('heading', { name: 'Read only' })).toBeInTheDocument();
    expect(screen.getByText(/cannot create webhooks/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create webhook' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('URL')).not.toBeInTheDocument();
    expect(api.requests).toEqual([]);
  });
});
