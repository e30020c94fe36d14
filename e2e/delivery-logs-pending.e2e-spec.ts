import type { AttemptLogView, DeliveryLogView } from '@wirehook/contracts';
import { eventually, type ApiClient } from '@wirehook/testing';
import { RunningSystem } from './support/running-system';

type ListBody<T> = { data: T[] };
const EVENTS = 4;

describe('deliveries waiting for their first attempt show as pending', () => {
  let system: RunningSystem;
  let admin: ApiClient;

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-delivery-logs-pending');
    ({ admin } = await system.tenant('acme'));
    system.receiver.respondWith((request) => (request.path.startsWith('/slow') ? { status: 200, delayMs: 4000 } : { status: 200 }));
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('lists events queued behind a one-at-a-time slow endpoint as pending in both views, then as delivered', async () => {
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', {
      url: system.receiver.url('/slow'),
      events: ['queue.*'],
      max_concurrency: 1,
    });
    const webhookId = created.body.data.id;
    // Publish until the dispatcher has the endpoint (the first delivery reaches the receiver).
    await eventually(
      async () => {
        await system.publisher.publish('acme', { event: 'queue.warmup', data: {} });
        return system.receiver.requestsTo('/slow').length > 0;
      },
      { timeoutMs: 20_000, intervalMs: 1000 },
    );
    const ids: string[] = [];
    for (let index = 0; index < EVENTS; index += 1) ids.push((await system.publisher.publish('acme', { event: 'queue.item', data: { index } })).eventId);

    const pending = <T extends { event_id: string; status: string }>(path: string) =>
      eventually(
        async () => {
          const rows = (await admin.get<ListBody<T>>(path)).body.data.filter((row) => ids.includes(row.event_id));
          return rows.length >= 2 ? rows : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
    const attempts = await pending<AttemptLogView>(`/api/v1/webhooks/${webhookId}/logs?status=pending&event=queue.item`);
    expect(attempts.every((row) => row.status === 'pending' && row.attempt === 0 && row.http_status === null)).toBe(true);
    // Nothing was sent yet, so there is nothing to send again by hand.
    const early = await admin.post<{ error: { code: string } }>(`/api/v1/logs/${attempts[0].id}/retry`, {});
    expect([early.status, early.body.error.code]).toEqual([409, 'not_attempted_yet']);
    const deliveries = await pending<DeliveryLogView>(`/api/v1/webhooks/${webhookId}/logs?view=deliveries&status=pending&event=queue.item`);
    expect(deliveries.every((row) => row.status === 'pending' && row.attempts === 0)).toBe(true);

    // Once attempted, none is pending any more, and each delivery has exactly its one attempt.
    await eventually(
      async () =>
        (await admin.get<ListBody<DeliveryLogView>>(`/api/v1/webhooks/${webhookId}/logs?view=deliveries&status=success&event=queue.item`)).body.data.length ===
        EVENTS,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect((await admin.get<ListBody<AttemptLogView>>(`/api/v1/webhooks/${webhookId}/logs?status=pending`)).body.data).toEqual([]);
    const rows = (await admin.get<ListBody<AttemptLogView>>(`/api/v1/webhooks/${webhookId}/logs?event=queue.item`)).body.data;
    expect(rows.map((row) => [row.attempt, row.status])).toEqual(Array.from({ length: EVENTS }, () => [1, 'success']));
  });
});
