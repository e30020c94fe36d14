import { screen, within } from '@testing-library/react';
import { FakeApi } from '../test/fake-api';
import { renderPage } from '../test/render-page';
import { aWebhook } from './webhook-fixtures';

function listApi(total: number, pageSize = 25) {
  const all = Array.from({ length: total }, (_, index) =>
    aWebhook({ id: `ep_${index + 1}`, description: `Hook ${index + 1}`, url: `https://hooks.example.com/${index + 1}/${'very-long-path/'.repeat(12)}` }),
  );
  return new FakeApi().on('GET /api/v1/webhooks', (request) => {
    const page = Number(request.query.get('page') ?? 1);
    const perPage = Number(request.query.get('per_page') ?? pageSize);
    return {
      body: {
        success: true,
        data: all.slice((page - 1) * perPage, page * perPage),
        pagination: { current_page: page, per_page: perPage, total, last_page: Math.max(1, Math.ceil(total / perPage)) },
      },
    };
  });
}

describe('the webhooks list', () => {
  it('shows each webhook with its URL, events and state, and links to it and its logs', async () => {
    const api = new FakeApi().answer('GET /api/v1/webhooks', {
      success: true,
      data: [
        aWebhook(),
        aWebhook({ id: 'ep_paused', description: '', url: 'https://paused.example.com/x', active: false, events: ['a.b', 'c.d', 'e.f', 'g.h', 'i.j', 'k.l'] }),
        aWebhook({ id: 'ep_gone', description: 'Gone', active: false, disabled_reason: 'the endpoint answered 410 Gone', disabled_at: '2026-03-01T12:00:00Z' }),
      ],
      pagination: { current_page: 1, per_page: 25, total: 3, last_page: 1 },
    });
    renderPage('/webhooks', { api });
    const table = await screen.findByRole('table', { name: /Webhooks of your team/ });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);

    const orders = within(rows[0]);
    expect(orders.getByRole('link', { name: 'Orders CRM' })).toHaveAttribute('href', '/webhooks/ep_orders');
    expect(orders.getByText('https://hooks.example.com/orders')).toHaveAttribute('title', 'https://hooks.example.com/orders');
    expect(orders.getByText('order.*')).toBeInTheDocument();
    expect(orders.getByText('Active')).toBeInTheDocument();
    expect(orders.getByRole('link', { name: /^Logs\s*of Orders CRM$/ })).toHaveAttribute('href', '/logs?webhook_id=ep_orders');

    // Without a description the URL is the name; many events are cut to four and a count.
    expect(within(rows[1]).getByRole('link', { name: 'https://paused.example.com/x' })).toBeInTheDocument();
    expect(within(rows[1]).getByText('Paused')).toBeInTheDocument();
    expect(within(rows[1]).getByText('+2 more')).toHaveAttribute('title', 'i.j, k.l');

    expect(within(rows[2]).getByText('Disabled')).toBeInTheDocument();
    expect(within(rows[2]).getByText(/the endpoint answered 410 Gone/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'New webhook' })).toHaveAttribute('href', '/webhooks/new');
  });

  it('says when there are none, and offers to create one', async () => {
    renderPage('/webhooks', { api: listApi(0) });
    expect(await screen.findByRole('heading', { name: 'No webhooks yet' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create a webhook' })).toBeInTheDocument();
  });

  it('pages through the list with the page number in the URL', async () => {
    const { user, api, location } = renderPage('/webhooks?page=2', { api: listApi(60) });
    expect(await screen.findByRole('link', { name: 'Hook 26' })).toBeInTheDocument();
    expect(api.seen('GET /api/v1/webhooks').at(-1)?.query.get('page')).toBe('2');
    expect(screen.getByText('26–50 of 60 webhooks')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('link', { name: 'Hook 51' })).toBeInTheDocument();
    expect(location()).toBe('/webhooks?page=3');
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByRole('link', { name: 'Hook 26' })).toBeInTheDocument();
    expect(location()).toBe('/webhooks?page=2');
  });

  it('shows a viewer the list without the create button', async () => {
    renderPage('/webhooks', { role: 'viewer', api: listApi(2) });
    expect(await screen.findByRole('link', { name: 'Hook 1' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New webhook' })).not.toBeInTheDocument();
  });

  it('shows a viewer an empty list without an offer to create', async () => {
    renderPage('/webhooks', { role: 'viewer', api: listApi(0) });
    expect(await screen.findByRole('heading', { name: 'No webhooks yet' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Create a webhook' })).not.toBeInTheDocument();
  });

  it('says what went wrong in plain words and tries again', async () => {
    let fail = true;
    const api = listApi(1).on('GET /api/v1/webhooks', () =>
      fail
        ? { status: 503, body: { error: { code: 'dispatcher_unavailable', message: 'x' } } }
        : { body: { success: true, data: [aWebhook()], pagination: { current_page: 1, per_page: 25, total: 1, last_page: 1 } } },
    );
    const { user } = renderPage('/webhooks', { api });
    expect(await screen.findByRole('alert')).toHaveTextContent('A part of wirehook is not answering right now');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Orders CRM' })).toBeInTheDocument();
  });
});
