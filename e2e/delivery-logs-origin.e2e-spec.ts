import type { AttemptLogView, DeliveryLogView, LogDetailView } from '@wirehook/contracts';
import { eventually, type ApiClient } from '@wirehook/testing';
import { RunningSystem } from './support/running-system';

type ListBody<T> = { data: T[] };

describe('delivery logs say whose event it was and when it occurred', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let webhookId: string;

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-delivery-logs-origin');
    ({ admin } = await system.tenant('acme'));
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: system.receiver.url('/hooks/origin'), events: ['order.*'] });
    webhookId = created.body.data.id;
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function rowOf(eventId: string): Promise<AttemptLogView> {
    return eventually(
      async () =>
        (await admin.get<ListBody<AttemptLogView>>(`/api/v1/webhooks/${webhookId}/logs?q=${eventId}`)).body.data.find((row) => row.event_id === eventId),
      { timeoutMs: 20_000 },
    );
  }

  it('names the tenant and the API key that published an event over HTTP, in rows, the delivery view and the detail', async () => {
    const me = await admin.get<{ data: { key_id: string } }>('/api/v1/me');
    // The dispatcher applies a new webhook within a moment: publish until one of the events is delivered.
    const published: string[] = [];
    const eventId = await eventually(
      async () => {
        const id = `evt_http_${published.length}`;
        expect((await admin.post('/api/v1/events', { id, event: 'order.created', data: { orderId: 'o-1' } })).status).toBe(202);
        published.push(id);
        const rows = (await admin.get<ListBody<AttemptLogView>>(`/api/v1/webhooks/${webhookId}/logs`)).body.data;
        return rows.find((row) => published.includes(row.event_id))?.event_id;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const row = await rowOf(eventId);
    expect(row).toMatchObject({ tenant_id: 'acme', client_id: `api-key:${me.body.data.key_id}` });
    const delivery = (await admin.get<ListBody<DeliveryLogView>>(`/api/v1/deliveries?view=deliveries&q=${eventId}`)).body.data[0];
    expect(delivery).toMatchObject({ tenant_id: 'acme', client_id: `api-key:${me.body.data.key_id}` });
    const detail = (await admin.get<{ data: LogDetailView }>(`/api/v1/logs/${row.id}`)).body.data;
    expect(detail).toMatchObject({ tenant_id: 'acme', client_id: `api-key:${me.body.data.key_id}` });
  });

  it('names the source a NATS publisher gives, and sends when the event occurred as X-Webhook-Timestamp', async () => {
    const occurred = '2026-01-02T03:04:05.678Z';
    const { eventId } = await system.publisher.publish('acme', {
      event: 'order.paid',
      timestamp: occurred,
      source: 'billing-service',
      data: { orderId: 'o-2' },
    });
    const row = await rowOf(eventId);
    expect(row).toMatchObject({ tenant_id: 'acme', client_id: 'billing-service' });
    const received = system.receiver.requestsTo('/hooks/origin').find((request) => request.body.includes('"o-2"'));
    expect(received?.headers['x-webhook-timestamp']).toBe(occurred);
  });
});
