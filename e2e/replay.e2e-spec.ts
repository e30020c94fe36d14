import { deliveryIdFor } from '@wirehook/contracts';
import { eventually, type ApiClient, type HttpsReceiver, type ReceivedRequest } from '@wirehook/testing';
import { RunningSystem } from './support/running-system';

interface Replay {
  id: string;
  state: string;
  events_scanned: number;
  events_matched: number;
  deliveries_queued: number;
  last_sequence: number | null;
  reached_at: string | null;
}
type ErrorAnswer = { error: { code: string; message: string } };

/** Replays queue 5 deliveries a second here, so a run of 40 is long enough to watch and cancel. */
const RATE = 5;

describe('replay from the events stream', () => {
  let system: RunningSystem;
  let receiver: HttpsReceiver;
  let admin: ApiClient;
  let viewer: ApiClient;

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-replay', { REPLAY_RATE_PER_SECOND: String(RATE) });
    receiver = system.receiver;
    receiver.respondWith((request) => ({ status: 200, body: 'ok', delayMs: request.path.startsWith('/slow') ? 200 : 0 }));
    ({ admin, viewer } = await system.tenant('acme'));
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function createWebhook(path: string, events: string[]): Promise<string> {
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: receiver.url(path), events, max_concurrency: 4 });
    expect(created.status).toBe(201);
    // The dispatcher has the endpoint once a test send goes through.
    await eventually(async () => (await admin.post(`/api/v1/webhooks/${created.body.data.id}/test`, {})).status === 200);
    return created.body.data.id;
  }

  /** What the receiver got on a path, test sends left out, with the event id of each body. */
  const received = (path: string): Array<{ webhookId: string; eventId: string; request: ReceivedRequest }> =>
    receiver
      .requestsTo(path)
      .filter((request) => request.headers['x-webhook-event'] !== 'webhook.test')
      .map((request) => ({
        webhookId: String(request.headers['webhook-id']),
        eventId: (JSON.parse(request.body) as { data: { id: string } }).data.id,
        request,
      }));

  const publish = (event: string, id: string) => system.publisher.publish('acme', { id, event, data: { id } });

  const replayOf = async (id: string) => (await viewer.get<{ data: Replay }>(`/api/v1/replays/${id}`)).body.data;

  it('after a pause, delivers exactly the missed events, and again those delivered before, each under its one webhook-id', async () => {
    const webhookId = await createWebhook('/paused', ['order.*']);
    await createWebhook('/marker', ['marker.*']);
    const from = new Date(Date.now() - 1000).toISOString();
    await publish('order.created', 'evt_before_1');
    await publish('order.paid', 'evt_before_2');
    await eventually(() => received('/paused').length === 2);
    const loggedEvents = async () =>
      (await viewer.get<{ data: Array<{ event_id: string }> }>(`/api/v1/webhooks/${webhookId}/logs?view=deliveries&per_page=100`)).body.data
        .map((row) => row.event_id)
        .filter((id) => !id.startsWith('evt_test_'))
        .sort();
    await eventually(async () => (await loggedEvents()).length === 2);

    expect((await admin.request('PATCH', `/api/v1/webhooks/${webhookId}`, { active: false })).status).toBe(200);
    for (const id of ['evt_paused_1', 'evt_paused_2', 'evt_paused_3']) await publish('order.created', id);
    await publish('user.created', 'evt_not_subscribed');
    // Fanned out after the events above: once it is delivered, they have been fanned out too.
    await publish('marker.done', 'evt_marker');
    await eventually(() => received('/marker').length === 1);
    await eventually(async () => (await viewer.get<{ data: unknown[] }>('/api/v1/deliveries?q=evt_marker')).body.data.length > 0);
    // A paused webhook gets no delivery of those events, not even a pending one.
    expect(await loggedEvents()).toEqual(['evt_before_1', 'evt_before_2']);
    expect(received('/paused')).toHaveLength(2);

    expect((await admin.request('PATCH', `/api/v1/webhooks/${webhookId}`, { active: true })).status).toBe(200);
    const created = await admin.post<{ data: Replay }>(`/api/v1/webhooks/${webhookId}/replay`, { from, to: new Date().toISOString() });
    expect(created.status).toBe(202);
    expect(created.body.data).toMatchObject({ state: 'queued', events_scanned: 0, deliveries_queued: 0 });

    const done = await eventually(async () => {
      const replay = await replayOf(created.body.data.id);
      return replay.state === 'completed' ? replay : undefined;
    });
    expect(done).toMatchObject({ events_scanned: 7, events_matched: 5, deliveries_queued: 5 });
    await eventually(() => received('/paused').length === 7);
    // Every webhook-id is the event's deterministic delivery id: receivers de-duplicate on it.
    for (const { webhookId: sent, eventId } of received('/paused')) expect(sent).toBe(deliveryIdFor('acme', eventId, webhookId));
    const times = new Map<string, number>();
    for (const { eventId } of received('/paused')) times.set(eventId, (times.get(eventId) ?? 0) + 1);
    expect(Object.fromEntries(times)).toEqual({ evt_before_1: 2, evt_before_2: 2, evt_paused_1: 1, evt_paused_2: 1, evt_paused_3: 1 });
    expect(received('/marker')).toHaveLength(1);

    // The missed events' first delivery is automatic; the others get their next attempt, trigger manual.
    await eventually(async () => {
      const attempts = (
        await viewer.get<{ data: Array<{ event_id: string; attempt: number; trigger: string; status: string }> }>(
          `/api/v1/webhooks/${webhookId}/logs?per_page=100`,
        )
      ).body.data;
      const of = (eventId: string) =>
        attempts
          .filter((row) => row.event_id === eventId && row.status !== 'pending')
          .map((row) => `${row.attempt}:${row.trigger}`)
          .sort();
      return of('evt_paused_1').join() === '1:auto' && of('evt_before_1').join() === '1:auto,2:manual';
    });
  });

  it('shows its progress while it runs, refuses a second one and viewers, and stops when cancelled', async () => {
    const webhookId = await createWebhook('/slow', ['bulk.*']);
    const from = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 40; i += 1) await publish('bulk.item', `evt_bulk_${i}`);
    await eventually(() => received('/slow').length === 40, { timeoutMs: 30_000 });

    expect((await viewer.post<ErrorAnswer>(`/api/v1/webhooks/${webhookId}/replay`, { from })).status).toBe(403);
    const created = await admin.post<{ data: Replay }>(`/api/v1/webhooks/${webhookId}/replay`, { from });
    expect(created.status).toBe(202);
    const id = created.body.data.id;
    const midway = await eventually(async () => {
      const replay = await replayOf(id);
      return replay.state === 'running' && replay.deliveries_queued > 0 ? replay : undefined;
    });
    expect(midway.deliveries_queued).toBeLessThan(40);
    expect(midway.last_sequence).toEqual(expect.any(Number));
    expect(midway.reached_at).toEqual(expect.any(String));
    const listed = await viewer.get<{ data: Replay[] }>(`/api/v1/webhooks/${webhookId}/replays`);
    expect(listed.body.data.map((replay) => replay.id)).toEqual([id]);

    const second = await admin.post<ErrorAnswer>(`/api/v1/webhooks/${webhookId}/replay`, { from });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'replay_in_progress', message: expect.stringContaining(id) });

    expect((await viewer.post(`/api/v1/replays/${id}/cancel`, {})).status).toBe(403);
    const cancelled = await admin.post<{ data: Replay }>(`/api/v1/replays/${id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.state).toBe('cancelled');
    // The runner notices within a second; it queues nothing after that.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const settled = await replayOf(id);
    expect(settled.state).toBe('cancelled');
    expect(settled.deliveries_queued).toBeLessThan(40);
    // Each delivery it queued goes out, and no other.
    await eventually(() => received('/slow').length === 40 + settled.deliveries_queued);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await replayOf(id)).deliveries_queued).toBe(settled.deliveries_queued);
    expect(received('/slow').length).toBe(40 + settled.deliveries_queued);
    expect((await admin.post<ErrorAnswer>(`/api/v1/replays/${id}/cancel`, {})).status).toBe(409);

    // The webhook may have a replay again.
    const again = await admin.post<{ data: Replay }>(`/api/v1/webhooks/${webhookId}/replay`, { from, events: ['bulk.none'] });
    expect(again.status).toBe(202);
    await eventually(async () => (await replayOf(again.body.data.id)).state === 'completed');
  });

  it('refuses a window outside what the events stream keeps, naming the range', async () => {
    const webhookId = await createWebhook('/window', ['order.*']);
    const day = 24 * 60 * 60 * 1000;
    const old = await admin.post<ErrorAnswer>(`/api/v1/webhooks/${webhookId}/replay`, {
      from: new Date(Date.now() - 8 * day).toISOString(),
      to: new Date(Date.now() - 7.5 * day).toISOString(),
    });
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe('window_outside_kept_range');
    expect(old.body.error.message).toMatch(/^events are kept from \d{4}-\d\d-\d\dT[\d:.]+Z to now/);
    const future = await admin.post<ErrorAnswer>(`/api/v1/webhooks/${webhookId}/replay`, {
      from: new Date().toISOString(),
      to: new Date(Date.now() + day).toISOString(),
    });
    expect(future.body.error.code).toBe('window_in_future');
    const reversed = await admin.post<ErrorAnswer>(`/api/v1/webhooks/${webhookId}/replay`, {
      from: new Date(Date.now() - 1000).toISOString(),
      to: new Date(Date.now() - 2000).toISOString(),
    });
    expect(reversed.body.error.code).toBe('invalid_window');
    expect((await admin.post(`/api/v1/webhooks/ep_000000000000000000000000/replay`, { from: new Date().toISOString() })).status).toBe(404);
  });
});
