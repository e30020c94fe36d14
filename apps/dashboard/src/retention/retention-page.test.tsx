import { screen, waitFor } from '@testing-library/react';
import type { RetentionPolicy } from '../api/client';
import { FakeApi } from '../test/fake-api';
import { renderPage } from '../test/render-page';

const DEFAULTS: RetentionPolicy = {
  tenant_id: 'acme',
  success_days: 7,
  failed_days: 30,
  source: 'default',
  defaults: { success_days: 7, failed_days: 30 },
  updated_at: null,
};

function retentionApi(policy: RetentionPolicy = DEFAULTS) {
  let current = policy;
  return new FakeApi()
    .on('GET /api/v1/retention', () => ({ body: { success: true, data: current } }))
    .on('PUT /api/v1/retention', (request) => {
      const body = request.body as { success_days: number; failed_days: number };
      if (body.failed_days < body.success_days) {
        return {
          status: 400,
          body: {
            error: {
              code: 'validation_failed',
              message: 'failed_days must be at least success_days',
              fields: { failed_days: ['failed_days must be at least success_days'] },
            },
          },
        };
      }
      current = { ...current, ...body, source: 'tenant', updated_at: '2026-03-01T12:00:00Z' };
      return { body: { success: true, data: current } };
    });
}

describe('the retention page', () => {
  it('shows the policy in effect and saves a new one', async () => {
    const { user, api } = renderPage('/retention', { api: retentionApi() });
    expect(await screen.findByText('The platform defaults apply (your team has no policy of its own).')).toBeInTheDocument();
    const success = screen.getByLabelText('Keep successful deliveries (days)');
    await user.clear(success);
    await user.type(success, '14');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(await screen.findByText(/Your team's own policy, set/)).toBeInTheDocument();
    expect(api.seen('PUT /api/v1/retention').map((request) => request.body)).toEqual([{ success_days: 14, failed_days: 30 }]);
    expect(screen.getByRole('status')).toHaveTextContent('Retention policy saved.');
  });

  it('names the field the server refused', async () => {
    const { user } = renderPage('/retention', { api: retentionApi() });
    const failed = await screen.findByLabelText('Keep failed deliveries (days)');
    await user.clear(failed);
    await user.type(failed, '3');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    await waitFor(() => expect(failed).toHaveAttribute('aria-invalid', 'true'));
    expect(failed).toHaveAccessibleDescription('failed_days must be at least success_days');
  });

  it('shows a viewer the policy without a form', async () => {
    renderPage('/retention', { role: 'viewer', api: retentionApi() });
    expect(await screen.findByText('Current policy')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save policy' })).not.toBeInTheDocument();
  });
});
