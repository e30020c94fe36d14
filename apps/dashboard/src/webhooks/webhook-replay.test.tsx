import { screen, waitFor, within } from '@testing-library/react';
import type { Replay } from '../api/client';
import { renderPage } from '../test/render-page';
import { REPLAY_POLL_MS } from './replay-model';
import { aReplay, webhookApi } from './webhook-fixtures';

const list = (replays: Replay[]) => ({
  body: { success: true, data: replays, pagination: { current_page: 1, per_page: 5, total: replays.length, last_page: 1 } },
});

/** A webhook page whose replay list answers `answers` in turn (the last one from then on). */
function withReplays(...answers: Replay[][]) {
  let read = 0;
  return webhookApi().on('GET /api/v1/webhooks/:id/replays', () => list(answers[Math.min(read++, answers.length - 1)]));
}

async function replayCard() {
  return within(await screen.findByRole('region', { name: 'Replay events' }));
}

const running = aReplay({
  state: 'running',
  reached_at: '2026-03-02T09:00:00.000Z',
  events_scanned: 60,
  events_matched: 20,
  deliveries_queued: 19,
  finished_at: null,
});

describe('replaying the events of a window', () => {
  it('asks for a start and for a window that does not end before it starts', async () => {
    const { user, api } = renderPage('/webhooks/ep_orders', { api: webhookApi() });
    const card = await replayCard();
    await user.clear(card.getByLabelText('From'));
    await user.click(card.getByRole('button', { name: 'Replay events' }));
    expect(card.getByLabelText('From')).toHaveAccessibleDescription(/Choose when the window starts./);
    expect(card.getByLabelText('From')).toHaveAttribute('aria-invalid', 'true');

    await user.type(card.getByLabelText('From'), '2026-03-02T10:00');
    await user.type(card.getByLabelText('To'), '2026-03-02T09:00');
    await user.click(card.getByRole('button', { name: 'Replay events' }));
    expect(card.getByLabelText('To')).toHaveAccessibleDescription(/The window ends before it starts./);
    expect(card.getByLabelText('From')).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.seen('POST /api/v1/webhooks/ep_orders/replay')).toEqual([]);
  });

  it('sends the window and the chosen event types after a confirmation that shows the window, then follows the new replay', async () => {
    const api = withReplays([], [aReplay({ state: 'queued', reached_at: null, started_at: null, finished_at: null })], [aReplay()]);
    const created = aReplay({ state: 'queued' });
    api.on('POST /api/v1/webhooks/:id/replay', () => ({ status: 202, body: { success: true, data: created } }));
    const { user } = renderPage('/webhooks/ep_orders', { api });
    const card = await replayCard();
    expect(await card.findByText('No replays of this webhook yet.')).toBeInTheDocument();
    await user.clear(card.getByLabelText('From'));
    await user.type(card.getByLabelText('From'), '2026-03-02T08:00');
    await user.type(card.getByLabelText('To'), '2026-03-02T09:59');
    await user.click(card.getByRole('checkbox', { name: 'invoice.paid' }));
    await user.click(card.getByRole('button', { name: 'Replay events' }));

    const dialog = screen.getByRole('dialog', { name: 'Replay these events?' });
    const from = new Date('2026-03-02T08:00');
    const to = new Date(new Date('2026-03-02T09:59').getTime() + 59_999);
    const shown = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    expect(dialog).toHaveTextContent(
      `Every event stored from ${shown.format(from)} to ${shown.format(to)} that Orders CRM is subscribed to now and that matches invoice.paid`,
    );
    await user.click(within(dialog).getByRole('button', { name: 'Start replay' }));

    await waitFor(() => expect(api.seen('POST /api/v1/webhooks/ep_orders/replay')).toHaveLength(1));
    expect(api.seen('POST /api/v1/webhooks/ep_orders/replay')[0].body).toEqual({ from: from.toISOString(), to: to.toISOString(), events: ['invoice.paid'] });
    expect(await screen.findByRole('status')).toHaveTextContent('Replay queued');
    expect(await card.findByText('Waiting to start')).toBeInTheDocument();
    await waitFor(() => expect(card.getByTestId('replay')).toHaveAttribute('data-state', 'completed'), { timeout: 3 * REPLAY_POLL_MS });
  });

  it('leaves out an end of now, so that the server replays up to its own now', async () => {
    const api = webhookApi().on('POST /api/v1/webhooks/:id/replay', () => ({ status: 202, body: { success: true, data: aReplay({ state: 'queued' }) } }));
    const { user } = renderPage('/webhooks/ep_orders', { api });
    const card = await replayCard();
    await user.click(card.getByRole('button', { name: 'Replay events' }));
    const dialog = screen.getByRole('dialog', { name: 'Replay these events?' });
    expect(dialog).toHaveTextContent(/ to now that Orders CRM is subscribed to now is sent/);
    await user.click(within(dialog).getByRole('button', { name: 'Start replay' }));
    await waitFor(() => expect(api.seen('POST /api/v1/webhooks/ep_orders/replay')).toHaveLength(1));
    const body = api.seen('POST /api/v1/webhooks/ep_orders/replay')[0].body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['from']);
    expect(Date.now() - Date.parse(body['from'] as string)).toBeGreaterThan(59 * 60_000);
  });

  it("shows the server's message for a window it no longer keeps", async () => {
    const message = 'events are kept from 2026-02-23T11:00:00.000Z to now (2026-03-02T11:00:00.000Z); from must be at or after 2026-02-23T11:00:00.000Z';
    const api = webhookApi().on('POST /api/v1/webhooks/:id/replay', () => ({
      status: 400,
      body: { error: { code: 'window_outside_kept_range', message, fields: { from: [message] } } },
    }));
    const { user } = renderPage('/webhooks/ep_orders', { api });
    const card = await replayCard();
    await user.click(card.getByRole('button', { name: 'Replay events' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Start replay' }));
    expect(await card.findByRole('alert')).toHaveTextContent(`Replay not started: ${message}`);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('says which replay is still running when the server refuses a second one', async () => {
    const message = "this webhook already has replay 'rpl_1' (running); wait for it to finish or cancel it";
    const api = withReplays([], [running]).on('POST /api/v1/webhooks/:id/replay', () => ({
      status: 409,
      body: { error: { code: 'replay_in_progress', message } },
    }));
    const { user } = renderPage('/webhooks/ep_orders', { api });
    const card = await replayCard();
    await card.findByText('No replays of this webhook yet.');
    await user.click(card.getByRole('button', { name: 'Replay events' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Start replay' }));
    expect(await card.findByRole('alert')).toHaveTextContent(`Replay not started: ${message}`);
    expect(card.getByText(/That replay is listed under Recent replays below/)).toBeInTheDocument();
    // The list is read again, so the running replay is there.
    expect(await card.findByTestId('replay')).toHaveAttribute('data-state', 'running');
  });

  it('polls while a replay runs, showing its progress, and stops once it has completed', async () => {
    const api = withReplays([running], [aReplay()]);
    renderPage('/webhooks/ep_orders', { api });
    const card = await replayCard();
    const progress = await card.findByRole('progressbar', { name: /Progress of the replay of/ });
    expect(progress).toHaveAttribute('value', '50');
    expect(card.getByTestId('replay-progress-text')).toHaveTextContent(/^50 % · events stored up to /);
    expect(card.getByTestId('replay')).toHaveTextContent(/Running.*Events scanned60Matched20Deliveries queued19/);

    await waitFor(() => expect(card.getByTestId('replay')).toHaveAttribute('data-state', 'completed'), { timeout: 3 * REPLAY_POLL_MS });
    expect(card.getByRole('progressbar')).toHaveAttribute('value', '100');
    expect(card.getByTestId('replay')).toHaveTextContent(/Completed.*Events scanned120Matched40Deliveries queued38/);
    const reads = api.seen('GET /api/v1/webhooks/ep_orders/replays').length;
    expect(reads).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS * 1.5));
    expect(api.seen('GET /api/v1/webhooks/ep_orders/replays')).toHaveLength(reads);
  });

  it('stops polling when the page goes away', async () => {
    const api = withReplays([running]);
    const { unmount } = renderPage('/webhooks/ep_orders', { api });
    await (await replayCard()).findByRole('progressbar');
    unmount();
    const reads = api.seen('GET /api/v1/webhooks/ep_orders/replays').length;
    await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS * 1.5));
    expect(api.seen('GET /api/v1/webhooks/ep_orders/replays')).toHaveLength(reads);
  });

  it('cancels a running replay after a confirmation', async () => {
    let cancelled = false;
    const api = webhookApi()
      .on('GET /api/v1/webhooks/:id/replays', () => list([cancelled ? aReplay({ state: 'cancelled', error: null }) : running]))
      .on('POST /api/v1/replays/:replayId/cancel', () => {
        cancelled = true;
        return { body: { success: true, data: aReplay({ state: 'cancelled' }) } };
      });
    const { user } = renderPage('/webhooks/ep_orders', { api });
    const card = await replayCard();
    await user.click(await card.findByRole('button', { name: 'Cancel replay' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel this replay?' });
    expect(dialog).toHaveTextContent('Deliveries it has queued already (19 so far) still go out.');
    await user.click(within(dialog).getByRole('button', { name: 'Keep it running' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.seen('POST /api/v1/replays/rpl_1/cancel')).toEqual([]);

    await user.click(card.getByRole('button', { name: 'Cancel replay' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel replay' }));
    await waitFor(() => expect(card.getByTestId('replay')).toHaveAttribute('data-state', 'cancelled'));
    expect(api.seen('POST /api/v1/replays/rpl_1/cancel')).toHaveLength(1);
    expect(card.queryByRole('button', { name: 'Cancel replay' })).not.toBeInTheDocument();
  });

  it('says so when the replay finished before the cancel reached it', async () => {
    const api = withReplays([running], [aReplay()]).on('POST /api/v1/replays/:replayId/cancel', () => ({
      status: 409,
      body: { error: { code: 'replay_finished', message: "replay 'rpl_1' has already completed" } },
    }));
    const { user } = renderPage('/webhooks/ep_orders', { api });
    const card = await replayCard();
    await user.click(await card.findByRole('button', { name: 'Cancel replay' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel replay' }));
    expect(await card.findByRole('alert')).toHaveTextContent("Not cancelled: replay 'rpl_1' has already completed");
  });

  it('shows why a replay failed', async () => {
    renderPage('/webhooks/ep_orders', { api: withReplays([aReplay({ state: 'failed', error: 'the events stream could not be read' })]) });
    const card = await replayCard();
    expect(await card.findByTestId('replay-error')).toHaveTextContent('Failed: the events stream could not be read');
  });

  it('shows a viewer the replays but no form and no cancel', async () => {
    renderPage('/webhooks/ep_orders', { role: 'viewer', api: withReplays([running]) });
    const card = await replayCard();
    expect(await card.findByRole('progressbar')).toHaveAttribute('value', '50');
    expect(card.queryByRole('form')).not.toBeInTheDocument();
    expect(card.queryByLabelText('From')).not.toBeInTheDocument();
    for (const name of ['Replay events', 'Cancel replay']) expect(card.queryByRole('button', { name })).not.toBeInTheDocument();
  });
});
