import { screen, waitFor, within } from '@testing-library/react';
import type { LogDetail } from '../api/client';
import { detail } from '../logs/log-fixtures';
import { FakeApi } from '../test/fake-api';
import { renderPage } from '../test/render-page';
import { SHOWN_CHARS } from './body-view';

const HOSTILE = '{"error":"database down","detail":"<img src=x onerror=\\"window.__xss=1\\">"}';
const FIRST = detail({ response: { status: 500, headers: { 'content-type': 'application/json' }, body: HOSTILE, body_truncated: false } });
const RETRIED_ID = `${FIRST.delivery_id}_2`;

/** The attempt after a successful retry by hand, with both attempts in its timeline. */
const SECOND: LogDetail = detail({
  id: RETRIED_ID,
  attempt: 2,
  trigger: 'manual',
  status: 'success',
  http_status: 200,
  error: null,
  error_code: null,
  response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"received":true}', body_truncated: false },
  delivery: { id: FIRST.delivery_id, status: 'success', attempts: 2, next_attempt_at: null, created_at: FIRST.created_at },
  timeline: [
    ...FIRST.timeline,
    {
      id: RETRIED_ID,
      attempt: 2,
      trigger: 'manual',
      status: 'success',
      http_status: 200,
      error: null,
      error_code: null,
      duration_ms: 12,
      created_at: '2026-03-01T12:05:00Z',
    },
  ],
});

function attemptApi(logs: Record<string, LogDetail>) {
  return new FakeApi().on('GET /api/v1/logs/:id', (_request, { id }) =>
    logs[id] ? { body: { success: true, data: logs[id] } } : { status: 404, body: { error: { code: 'not_found', message: `log '${id}' not found` } } },
  );
}

describe('the attempt page', () => {
  it('shows the summary, the request, the response and the timeline', async () => {
    renderPage(`/logs/${FIRST.id}`, { api: attemptApi({ [FIRST.id]: FIRST }) });
    expect(await screen.findByRole('heading', { level: 1, name: 'invoice.paid' })).toBeInTheDocument();
    const summary = screen.getByRole('region', { name: 'Summary' });
    for (const text of [FIRST.delivery_id, FIRST.event_id, FIRST.id, 'orderId=order-42', 'https://billing.example.com/hooks', 'orders-service']) {
      expect(within(summary).getAllByText(text).length).toBeGreaterThan(0);
    }
    const request = screen.getByRole('region', { name: 'Request' });
    expect(within(request).getByText('POST')).toBeInTheDocument();
    expect(within(screen.getByTestId('request-headers')).getByRole('row', { name: 'authorization [redacted]' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Request payload' })).toHaveTextContent('"amount": 1200');
    expect(screen.getByTestId('attempt-error')).toHaveTextContent('http_status: HTTP 500');
    const timeline = screen.getByTestId('timeline');
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(1);
    expect(within(timeline).getByText('Attempt #1 (this one)')).toBeInTheDocument();
  });

  it('shows the trace the attempt belongs to', async () => {
    const traced = detail({ id: `${FIRST.delivery_id}_3`, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
    renderPage(`/logs/${traced.id}`, { api: attemptApi({ [traced.id]: traced }) });
    const summary = await screen.findByRole('region', { name: 'Summary' });
    const row = (term: string) => within(summary).getByText(term, { selector: 'dt' }).parentElement as HTMLElement;
    expect(within(row('Trace')).getByText('4bf92f3577b34da6a3ce929d0e0e4736')).toBeInTheDocument();
  });

  it('shows a dash as the trace of an attempt made outside a trace', async () => {
    renderPage(`/logs/${FIRST.id}`, { api: attemptApi({ [FIRST.id]: FIRST }) });
    const summary = await screen.findByRole('region', { name: 'Summary' });
    expect(within(summary).getByText('Trace', { selector: 'dt' }).nextElementSibling).toHaveTextContent('—');
  });

  it('shows a hostile response body as text, never as markup', async () => {
    const { container } = renderPage(`/logs/${FIRST.id}`, { api: attemptApi({ [FIRST.id]: FIRST }) });
    const body = await screen.findByRole('region', { name: 'Response body' });
    // Pretty-printed JSON keeps the string's escapes: the markup is there, as characters.
    expect(body).toHaveTextContent('"detail": "<img src=x onerror=\\"window.__xss=1\\">"');
    expect(container.querySelector('img')).toBeNull();
    expect((window as { __xss?: number }).__xss).toBeUndefined();
  });

  it('follows Retry now to the new attempt and shows its status, once it is logged', async () => {
    let logged = false;
    const api = attemptApi({ [FIRST.id]: FIRST })
      .on('GET /api/v1/logs/:id', (_request, { id }) => {
        if (id === FIRST.id) return { body: { success: true, data: FIRST } };
        // The new attempt reaches the log a moment after the retry answered.
        if (id === RETRIED_ID && logged) return { body: { success: true, data: SECOND } };
        logged = id === RETRIED_ID;
        return { status: 404, body: { error: { code: 'not_found', message: 'not yet' } } };
      })
      .answer('POST /api/v1/logs/:id/retry', {
        success: true,
        data: {
          success: true,
          log_id: RETRIED_ID,
          delivery_id: FIRST.delivery_id,
          attempt: 2,
          http_status: 200,
          duration_ms: 12,
          error: null,
          error_code: null,
        },
      });
    const { user, location } = renderPage(`/logs/${FIRST.id}`, { api });
    await user.click(await screen.findByRole('button', { name: 'Retry now' }));
    await waitFor(() => expect(location()).toBe(`/logs/${RETRIED_ID}`));
    expect(await screen.findByText('Attempt #2 (this one)')).toBeInTheDocument();
    expect(screen.getByTestId('attempt-result')).toHaveTextContent('Retry delivered (attempt #2): HTTP 200 in 12 ms.');
    expect(screen.queryByTestId('attempt-error')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 }).parentElement).toHaveTextContent(/Succeeded\s*manual\s*Attempt #2 to Billing sync/);
    const timeline = screen.getByTestId('timeline');
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(2);
    expect(within(timeline).getByRole('link', { name: 'Attempt #1' })).toHaveAttribute('href', `/logs/${FIRST.id}`);
    expect(api.requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual([`/api/v1/logs/${FIRST.id}/retry`]);
  });

  it('says why a retry was refused', async () => {
    const api = attemptApi({ [FIRST.id]: FIRST }).on('POST /api/v1/logs/:id/retry', () => ({
      status: 409,
      body: { error: { code: 'retry_scheduled', message: 'an automatic retry of this delivery is scheduled at 2026-03-01T12:10:00Z; wait for it' } },
    }));
    const { user, location } = renderPage(`/logs/${FIRST.id}`, { api });
    await user.click(await screen.findByRole('button', { name: 'Retry now' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Not retried: an automatic retry of this delivery is scheduled');
    expect(location()).toBe(`/logs/${FIRST.id}`);
  });

  it('shows the beginning of a long body with a way to the whole, and says when the receiver sent more than was kept', async () => {
    const long = 'x'.repeat(SHOWN_CHARS + 500);
    const cut = detail({ response: { status: 500, headers: {}, body: long, body_truncated: true } });
    const { user } = renderPage(`/logs/${cut.id}`, { api: attemptApi({ [cut.id]: cut }) });
    const body = await screen.findByRole('region', { name: 'Response body' });
    expect(body.textContent).toHaveLength(SHOWN_CHARS);
    expect(screen.getByTestId('body-cut')).toHaveTextContent('The receiver sent more than wirehook keeps');
    await user.click(screen.getByRole('button', { name: 'Show the whole body' }));
    expect(body.textContent).toHaveLength(long.length);
  });

  it('shows the latest attempt for a delivery id', async () => {
    renderPage(`/logs/${FIRST.delivery_id}`, { api: attemptApi({ [FIRST.delivery_id]: SECOND }) });
    expect(await screen.findByText('Attempt #2 (this one)')).toBeInTheDocument();
  });

  it('shows a viewer everything but no Retry now', async () => {
    renderPage(`/logs/${FIRST.id}`, { role: 'viewer', api: attemptApi({ [FIRST.id]: FIRST }) });
    await screen.findByRole('region', { name: 'Response body' });
    expect(screen.queryByRole('button', { name: 'Retry now' })).not.toBeInTheDocument();
  });

  it('says plainly when the attempt does not exist', async () => {
    renderPage('/logs/msg_unknown_1', { api: attemptApi({}) });
    expect(await screen.findByRole('alert')).toHaveTextContent('This no longer exists, or it belongs to another team.');
  });
});
