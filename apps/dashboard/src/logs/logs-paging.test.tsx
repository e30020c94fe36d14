import { act, screen, waitFor } from '@testing-library/react';
import { FakeApi, type SeenRequest } from '../test/fake-api';
import { renderPage } from '../test/render-page';
import { WEBHOOKS, attemptRow, failedRow, listBody } from './log-fixtures';
import { LIVE_INTERVAL_MS } from './use-log-list';

const FIRST = [attemptRow({ delivery_id: 'msg_a', id: 'msg_a_1' }), failedRow({ delivery_id: 'msg_b', id: 'msg_b_1' })];
const SECOND = [attemptRow({ delivery_id: 'msg_c', id: 'msg_c_1', event: 'order.shipped' })];

/** Two pages by cursor: the first says there are at least 10,000 rows. */
function pagedApi(firstPage: () => typeof FIRST = () => FIRST) {
  return new FakeApi()
    .answer('GET /api/v1/webhooks', { success: true, data: WEBHOOKS, pagination: { current_page: 1, per_page: 100, total: 2, last_page: 1 } })
    .on('GET /api/v1/deliveries', (request: SeenRequest) => ({
      body:
        request.query.get('cursor') === 'c2'
          ? listBody(SECOND, { total: 10_000, total_exact: false, has_more: true, next_cursor: 'c3' })
          : listBody(firstPage(), { total: 10_000, total_exact: false, has_more: true, next_cursor: 'c2' }),
    }));
}

const listRequests = (api: FakeApi) => api.seen('GET /api/v1/deliveries');
const lastQuery = (api: FakeApi) => listRequests(api).at(-1)?.query ?? new URLSearchParams();

describe('the delivery logs page: pages, live updates and the keyboard', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pages forward by cursor and back with Previous and with Back', async () => {
    const api = pagedApi();
    const { user, location, router } = renderPage('/logs?status=success', { api });
    expect(await screen.findByText(`1–2 of ${(10_000).toLocaleString()}+ attempts`)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(location()).toBe('/logs?status=success&cursor=c2&page=2');
    expect(await screen.findByText(`26–26 of ${(10_000).toLocaleString()}+ attempts`)).toBeInTheDocument();
    expect(lastQuery(api).get('cursor')).toBe('c2');
    expect(lastQuery(api).get('page')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Previous' }));
    expect(location()).toBe('/logs?status=success');
    await screen.findByText(`1–2 of ${(10_000).toLocaleString()}+ attempts`);
    expect(lastQuery(api).get('cursor')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText(/^26–26/);
    await act(() => router.navigate(-1));
    expect(location()).toBe('/logs?status=success');
    await screen.findByText(/^1–2 of/);
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
  });

  it('shows new attempts on the first page as they arrive, and stops asking off the first page or when paused', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let rows = FIRST;
    const api = pagedApi(() => rows);
    const { user } = renderPage('/logs', { api });
    await screen.findByRole('table');
    expect(screen.getByTestId('live-state')).toHaveTextContent(/^Live/);
    const before = listRequests(api).length;

    rows = [attemptRow({ delivery_id: 'msg_new', id: 'msg_new_1', event: 'order.refunded' }), ...FIRST];
    await act(() => vi.advanceTimersByTimeAsync(LIVE_INTERVAL_MS + 100));
    expect(await screen.findByText('order.refunded')).toBeInTheDocument();
    expect(listRequests(api).length).toBe(before + 1);
    expect(document.querySelector('[data-log-id="msg_new_1"]')).toHaveClass('logs-row-new');
    expect(screen.getByText('1 new row')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('order.shipped');
    expect(screen.getByTestId('live-state')).toHaveTextContent(/^Paused/);
    const offFirst = listRequests(api).length;
    await act(() => vi.advanceTimersByTimeAsync(LIVE_INTERVAL_MS * 3));
    expect(listRequests(api).length).toBe(offFirst);

    await user.click(screen.getByRole('button', { name: 'Previous' }));
    await screen.findByText('order.refunded');
    await user.click(screen.getByRole('button', { name: 'Pause live updates' }));
    expect(screen.getByRole('button', { name: 'Resume live updates' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('live-state')).toHaveTextContent(/^Paused/);
    const paused = listRequests(api).length;
    await act(() => vi.advanceTimersByTimeAsync(LIVE_INTERVAL_MS * 3));
    expect(listRequests(api).length).toBe(paused);
  });

  it('waits while the tab is hidden', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const api = pagedApi();
    renderPage('/logs', { api });
    await screen.findByRole('table');
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const hidden = listRequests(api).length;
    await act(() => vi.advanceTimersByTimeAsync(LIVE_INTERVAL_MS * 3));
    expect(listRequests(api).length).toBe(hidden);
    visibility.mockRestore();
  });

  it('moves between rows with the arrow keys or j/k and opens one with Enter', async () => {
    const { user, location } = renderPage('/logs', { api: pagedApi() });
    await screen.findByRole('table');
    const links = screen.getAllByRole('link', { name: /^Attempt #1: / });
    expect(links).toHaveLength(2);
    expect(links[1]).toHaveAccessibleName(/invoice\.paid to Billing sync, failed, HTTP 500/);
    links[0].focus();
    await user.keyboard('{ArrowDown}');
    expect(links[1]).toHaveFocus();
    await user.keyboard('k');
    expect(links[0]).toHaveFocus();
    await user.keyboard('j');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(location()).toBe('/logs/msg_b_1'));
  });
});
